"""The integration's modules import one way and stay small enough to read."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

import custom_components.blink_audio_doctor
from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import DOMAIN

from .options_helpers import form_defaults
from .power_helpers import GARDEN

PACKAGE = Path(custom_components.blink_audio_doctor.__file__).parent
PACKAGE_NAME = "custom_components.blink_audio_doctor"
MAX_LINES = 400


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {path.stem: path for path in sorted(package.glob("*.py"))}


def imported_modules(path: Path, known: set[str], package_name: str = PACKAGE_NAME) -> set[str]:
    """Sibling modules a module imports anywhere: at module level, in functions, for typing."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                base = node.module
            elif node.level == 0 and node.module and node.module.startswith(package_name + "."):
                base = node.module.removeprefix(package_name + ".")
            else:
                continue
            if base is None:  # from . import x
                found.update(alias.name for alias in node.names if alias.name in known)
            elif base.split(".")[0] in known:
                found.add(base.split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(package_name + "."):
                    name = alias.name.removeprefix(package_name + ".").split(".")[0]
                    if name in known:
                        found.add(name)
    found.discard(path.stem)
    return found


def import_graph(package: Path = PACKAGE, package_name: str = PACKAGE_NAME) -> dict[str, set[str]]:
    paths = modules(package)
    return {name: imported_modules(path, set(paths), package_name) for name, path in paths.items()}


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


def test_no_import_cycle_among_the_doctors_modules() -> None:
    graph = import_graph(PACKAGE / "doctor", f"{PACKAGE_NAME}.doctor")
    assert "model" in graph["rules"]  # the walk sees the package's own imports

    assert find_cycle(graph) is None


def test_no_module_of_the_integration_is_longer_than_the_limit() -> None:
    lengths = {
        str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }

    assert {name: n for name, n in lengths.items() if n > MAX_LINES} == {}


README = Path(__file__).parents[2] / "README.md"
# README options row -> the option keys whose form defaults the row's Default cell names, in order.
README_DEFAULTS = {
    "Minimum camera Wi-Fi bars": ["min_wifi_bars"],
    "Minimum camera Wi-Fi signal": ["min_wifi_dbm"],
    "Minimum Sync Module link bars": ["min_sync_link_bars"],
    "Minimum download speed": ["min_download_mbps"],
    "Minimum upload speed": ["min_upload_mbps"],
    "Maximum latency": ["max_latency_ms"],
    "Maximum packet loss": ["max_packet_loss_pct"],
    "Maximum camera join time": ["max_join_s"],
    "Maximum media server round trip": ["max_media_rtt_ms"],
    "Failing checks in a row before unhealthy": ["unhealthy_after"],
    "Notify when a camera turns unhealthy": ["notifications"],
    "Poll interval (sign-in mode only)": ["scan_interval"],
    "Minutes between signal reads of Minis and doorbells": ["config_read_minutes"],
    "Latency test host / port": ["latency_port"],
    "Speed test every": ["speed_test_hours"],
    "Most data per download / upload test": ["max_download_mb", "max_upload_mb"],
}
# Rows whose default is "nothing chosen" (or a server named in words).
README_NO_NUMBER = {
    "Smart plug of each plug-powered device",
    "Speed test server",
    "Use this download / upload / latency sensor instead",
}


def readme_options_table() -> dict[str, str]:
    """Option -> Default cell of the README's options table."""
    section = README.read_text(encoding="utf-8").split("### Options", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert header[:2] == ["Option", "Default"], header
    table = {}
    for row in rows[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        table[cells[0]] = cells[1]
    return table


def named_defaults(cell: str) -> list[float | bool]:
    if cell in ("on", "off"):
        return [cell == "on"]
    return [float(number) for number in re.findall(r"-?\d+(?:\.\d+)?", cell)]


async def test_the_readme_options_table_shows_the_forms_defaults(
    hass: HomeAssistant, own_entry: ConfigEntry
) -> None:
    form = await hass.config_entries.options.async_init(own_entry.entry_id)
    defaults = form_defaults(form)
    table = readme_options_table()
    assert set(table) == set(README_DEFAULTS) | README_NO_NUMBER

    shown = {row: named_defaults(table[row]) for row in README_DEFAULTS}
    expected = {row: [defaults[key] for key in keys] for row, keys in README_DEFAULTS.items()}
    assert shown == expected
    # Every default the form has is in the table.
    assert {key for keys in README_DEFAULTS.values() for key in keys} == set(defaults)


async def test_a_health_sensor_is_written_once_per_verdict(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    entity_id = er.async_get(hass).async_get_entity_id(
        "binary_sensor", DOMAIN, f"{GARDEN}-two_way_audio"
    )
    assert entity_id is not None
    writes: list[str] = []
    verdicts: list[None] = []

    @callback
    def ours(event_data: Mapping[str, Any]) -> bool:
        return event_data["entity_id"] == entity_id

    @callback
    def written(event: Event[Any]) -> None:
        writes.append(event.event_type)

    for event_type in (EVENT_STATE_CHANGED, EVENT_STATE_REPORTED):
        hass.bus.async_listen(event_type, written, event_filter=ours)
    own_entry.runtime_data.health.async_add_listener(lambda: verdicts.append(None))
    await own_entry.runtime_data.account.async_refresh()
    await hass.async_block_till_done()

    # The sensor follows one source, the health monitor: one write per verdict, none besides.
    assert verdicts
    assert len(writes) == len(verdicts)
