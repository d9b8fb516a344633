"""The simulator stays a house a maintainer can find their way in: small modules, no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import blink_cloud_sim

PACKAGE = Path(blink_cloud_sim.__file__).parent
MAX_LINES = 500


def _modules() -> dict[str, Path]:
    return {path.stem: path for path in sorted(PACKAGE.glob("*.py"))}


def _imports(tree: ast.AST, known: set[str]) -> set[str]:
    """Sibling modules a module imports anywhere in it.

    Imports inside functions and type-only imports count too: a lazy import hides a cycle, it
    does not remove it, and data should flow one way even in the types.
    """
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found |= _siblings(node, known)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "blink_cloud_sim" and len(parts) > 1 and parts[1] in known:
                    found.add(parts[1])
    return found


def _siblings(node: ast.ImportFrom, known: set[str]) -> set[str]:
    if node.level == 1:
        base = node.module
    elif node.level == 0 and node.module and node.module.startswith("blink_cloud_sim"):
        base = node.module.removeprefix("blink_cloud_sim").lstrip(".") or None
    else:
        return set()
    if base is None:  # `from . import a, b`
        return {alias.name for alias in node.names if alias.name in known}
    head = base.split(".")[0]
    return {head} if head in known else set()


def _import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = _imports(tree, known) - {name}
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import cycle (a -> b -> ... -> a), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for target in sorted(graph.get(name, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)) is not None:
                return cycle
        path.pop()
        state[name] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)) is not None:
            return cycle
    return None


def test_every_simulator_module_has_at_most_500_lines() -> None:
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines())
        for name, path in _modules().items()
    }
    too_long = {name: lines for name, lines in sizes.items() if lines > MAX_LINES}
    assert not too_long, f"simulator modules over {MAX_LINES} lines: {too_long}"


def test_no_import_cycle_inside_the_simulator() -> None:
    graph = _import_graph()
    # The walk sees the package's own imports (a walk that found nothing would prove nothing).
    assert graph["server"], graph
    cycle = _find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_lazy_and_type_only_imports_count() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import model\n"
        "if TYPE_CHECKING:\n"
        "    from .world import World\n"
        "def late():\n"
        "    from .server import SimServer\n"
        "    from blink_cloud_sim.faults import Fault\n"
    )
    known = {"model", "world", "server", "faults"}
    assert _imports(ast.parse(source), known) == {"model", "world", "server", "faults"}
