"""The integration's modules import one way and stay small enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

import custom_components.blink_audio_doctor

PACKAGE = Path(custom_components.blink_audio_doctor.__file__).parent
PACKAGE_NAME = "custom_components.blink_audio_doctor"
MAX_LINES = 400


def modules() -> dict[str, Path]:
    return {path.stem: path for path in sorted(PACKAGE.glob("*.py"))}


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """Sibling modules a module imports anywhere: at module level, in functions, for typing."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                base = node.module
            elif node.level == 0 and node.module and node.module.startswith(PACKAGE_NAME + "."):
                base = node.module.removeprefix(PACKAGE_NAME + ".")
            else:
                continue
            if base is None:  # from . import x
                found.update(alias.name for alias in node.names if alias.name in known)
            elif base.split(".")[0] in known:
                found.add(base.split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE_NAME + "."):
                    name = alias.name.removeprefix(PACKAGE_NAME + ".").split(".")[0]
                    if name in known:
                        found.add(name)
    found.discard(path.stem)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = modules()
    return {name: imported_modules(path, set(paths)) for name, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path of module names, or None."""
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        for target in sorted(graph[name]):
            cycle = visit(target, [*path, name])
            if cycle:
                return cycle
        done.add(name)
        return None

    for name in sorted(graph):
        cycle = visit(name, [])
        if cycle:
            return cycle
    return None


def test_the_cycle_finder_sees_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from .b import thing\n")
    (tmp_path / "b.py").write_text("def f():\n    from . import c\n")
    (tmp_path / "c.py").write_text(f"from {PACKAGE_NAME}.a import other\n")
    known = {"a", "b", "c"}
    graph = {name: imported_modules(tmp_path / f"{name}.py", known) for name in known}

    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({**graph, "c": set()}) is None


def test_no_import_cycle_among_the_integrations_modules() -> None:
    graph = import_graph()
    assert "coordinator" in graph["__init__"]  # the walk sees the package's own imports

    assert find_cycle(graph) is None


def test_no_module_of_the_integration_is_longer_than_the_limit() -> None:
    lengths = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()
    }

    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}
