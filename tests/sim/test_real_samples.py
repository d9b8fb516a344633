"""The simulator against published samples of Blink's cloud (tests/fixtures/real/).

Every key of a sample must exist in the simulator's payload for the same kind of device, with
the same type and the same unit (dBm stays negative, bars stay 0-5, time stamps stay time
stamps); the simulator may send more keys. Keys listed in a sample's `_absent` are ones the real
cloud does not send, so the simulator must not send them either.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import aiohttp

    from blink_cloud_sim import SimServer

SAMPLES = sorted((Path(__file__).parent.parent / "fixtures" / "real").glob("*.json"))
BAR_KEYS = frozenset({"wifi", "lfr", "battery", "wifi_strength", "lfr_strength"})
TEMP_KEYS = frozenset({"temp", "temperature"})
MAX_BARS = 5
FAHRENHEIT = range(-40, 151)

# Families scenario: account, network and which device stands for each kind of sample.
ACCOUNT, NETWORK = 1200001, 4200001
HOMESCREEN = f"/api/v3/accounts/{ACCOUNT}/homescreen"
DEVICES = f"/api/v1/accounts/{ACCOUNT}/networks/{NETWORK}"
CONFIG_URLS = {
    "camera_config": f"/network/{NETWORK}/camera/6200004/config",  # Outdoor (catalina)
    "camera_config_older_firmware": f"/network/{NETWORK}/camera/6200002/config",  # XT
    "doorbell_config": f"{DEVICES}/doorbells/6200010/config",  # Video Doorbell 2nd Gen
    "owl_config": f"{DEVICES}/owls/6200005/config",  # Mini whose config carries `wifi`
}
# A liveview for each family (v6 cameras; v2 Minis, incl. pan-tilt, and doorbells).
LIVEVIEW_URLS = {
    "camera": f"/api/v6/accounts/{ACCOUNT}/networks/{NETWORK}/cameras/6200004/liveview",
    "owl": f"/api/v2/accounts/{ACCOUNT}/networks/{NETWORK}/owls/6200005/liveview",
    "owl_pan_tilt": f"/api/v2/accounts/{ACCOUNT}/networks/{NETWORK}/owls/6200012/liveview",
    "doorbell": f"/api/v2/accounts/{ACCOUNT}/networks/{NETWORK}/doorbells/6200007/liveview",
}
LIVEVIEW_KINDS = frozenset({"liveview", "command_status_running", "command_status_liveview_failed"})
HOMESCREEN_ENTRIES = {
    "homescreen_camera": ("cameras", "B0000004CAT00001"),
    "homescreen_owl": ("owls", "B0000005OWL00001"),
    "homescreen_doorbell": ("doorbells", "B0000007LOTUS001"),
    "homescreen_sync_module": ("sync_modules", "G8T10000SMFAM001"),
}


def _load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _is_time(value: str) -> bool:
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return "T" in value


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def _unit_mismatch(key: str, sample: Any, actual: Any) -> str | None:
    """Return why `actual` is not in the unit of `sample`, or None."""
    if _kind_of(sample) == "number":
        if sample < 0 and not actual < 0:
            return f"dBm expected (negative), got {actual}"
        if key in BAR_KEYS and 0 <= sample <= MAX_BARS and not 0 <= actual <= MAX_BARS:
            return f"bars expected (0-5), got {actual}"
        if key in TEMP_KEYS and int(actual) not in FAHRENHEIT:
            return f"degrees Fahrenheit expected, got {actual}"
    if isinstance(sample, str):
        if _is_time(sample) and not _is_time(actual):
            return f"a time stamp expected, got {actual!r}"
        if sample.isdigit() and not actual.isdigit():
            return f"a bare number string expected, got {actual!r}"
    return None


def mismatches(sample: dict[str, Any], actual: dict[str, Any], where: str = "") -> list[str]:
    """Every way `actual` differs from `sample` in keys, types or units (extra keys allowed)."""
    found: list[str] = [
        f"{where}{key}: sent, but the real cloud does not send it"
        for key in sample.get("_absent", [])
        if key in actual
    ]
    for key, expected in sample.items():
        if key.startswith("_"):
            continue
        path = f"{where}{key}"
        if key not in actual:
            found.append(f"{path}: missing")
            continue
        value = actual[key]
        if expected is None:  # the sample shows no type
            continue
        if _kind_of(expected) != _kind_of(value):
            found.append(f"{path}: {_kind_of(expected)} expected, got {value!r}")
            continue
        if isinstance(expected, dict):
            found.extend(mismatches(expected, value, f"{path}."))
        elif isinstance(expected, list):
            if expected and value and isinstance(expected[0], dict):
                found.extend(mismatches(expected[0], value[0], f"{path}[0]."))
            elif expected and value and _kind_of(expected[0]) != _kind_of(value[0]):
                found.append(f"{path}[0]: {_kind_of(expected[0])} expected, got {value[0]!r}")
        elif (why := _unit_mismatch(key, expected, value)) is not None:
            found.append(f"{path}: {why}")
    return found


async def _get(sim: SimServer, session: aiohttp.ClientSession, path: str) -> dict[str, Any]:
    token = sim.world.issue_tokens(ACCOUNT, None)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    async with session.get(f"{sim.url}{path}", headers=headers) as response:
        assert response.status == 200, await response.text()
        body: dict[str, Any] = await response.json()
    return body


async def _post(sim: SimServer, session: aiohttp.ClientSession, path: str) -> dict[str, Any]:
    token = sim.world.issue_tokens(ACCOUNT, None)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    async with session.post(f"{sim.url}{path}", headers=headers, json={}) as response:
        assert response.status == 200, await response.text()
        body: dict[str, Any] = await response.json()
    return body


async def liveview_payload(
    sim: SimServer, session: aiohttp.ClientSession, kind: str, family: str = "owl"
) -> dict[str, Any]:
    """The liveview answer, or the status of its command while running or after it failed."""
    if kind == "command_status_liveview_failed":
        sim.world.set_never_joins("B0000005OWL00001", flag=True)
    else:
        sim.world.set_join_time("B0000005OWL00001", 0)
    answer = await _post(sim, session, LIVEVIEW_URLS[family])
    if kind == "liveview":
        return answer
    sim.world.advance(31)  # joined, or (never joins) past the 30 s the cloud waits
    return await _get(sim, session, f"/network/{NETWORK}/command/{answer['command_id']}")


async def simulator_payload(
    sim: SimServer, session: aiohttp.ClientSession, kind: str
) -> dict[str, Any]:
    """What the simulator sends for the kind of device a sample shows."""
    if kind in LIVEVIEW_KINDS:
        return await liveview_payload(sim, session, kind)
    if kind in HOMESCREEN_ENTRIES:
        section, serial = HOMESCREEN_ENTRIES[kind]
        home = await _get(sim, session, HOMESCREEN)
        entry: dict[str, Any] = next(e for e in home[section] if e["serial"] == serial)
        return entry
    body = await _get(sim, session, CONFIG_URLS[kind])
    if kind.startswith("camera_config"):
        camera: dict[str, Any] = body["camera"][0]
        return camera
    return body


def test_every_sample_parses_and_names_its_source() -> None:
    assert len(SAMPLES) >= 6
    kinds = set()
    for path in SAMPLES:
        sample = _load(path)
        assert str(sample["_source"]).startswith("https://github.com/"), path.name
        kinds.add(sample["_kind"])
        assert [k for k in sample if not k.startswith("_")], path.name
    assert kinds == set(CONFIG_URLS) | set(HOMESCREEN_ENTRIES) | LIVEVIEW_KINDS


@pytest.mark.parametrize("blink_sim_scenario", ["families"])
@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
async def test_simulator_matches_the_published_sample(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession, path: Path
) -> None:
    sample = _load(path)
    actual = await simulator_payload(blink_sim, blink_session, sample["_kind"])
    assert mismatches(sample, actual) == []


@pytest.mark.parametrize("blink_sim_scenario", ["families"])
@pytest.mark.parametrize("family", sorted(LIVEVIEW_URLS))
async def test_every_family_answers_a_liveview_like_the_sample(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession, family: str
) -> None:
    sample = _load(SAMPLES[0].parent / "liveview.json")
    actual = await liveview_payload(blink_sim, blink_session, "liveview", family)
    assert mismatches(sample, actual) == []
    # What users report from their cameras, and the simulator's own media server.
    assert (actual["continue_interval"], actual["continue_warning"]) == (60, 10)
    assert actual["server"].startswith(f"immis://127.0.0.1:{blink_sim.media_port}/")


@pytest.mark.parametrize(
    ("sample", "actual", "expected"),
    [
        ({"wifi_rssi": -54}, {"temp": 70}, "wifi_rssi: missing"),
        ({"signals": {"lfr": 3}}, {"signals": {"wifi": 3}}, "signals.lfr: missing"),
        ({"enabled": True}, {"enabled": 1}, "enabled: bool expected"),
        ({"fw_version": "9.90"}, {"fw_version": 9.9}, "fw_version: str expected"),
        ({"wifi_strength": -63}, {"wifi_strength": 4}, "dBm expected"),
        ({"wifi_strength": 4}, {"wifi_strength": -63}, "bars expected"),
        ({"signals": {"wifi": 3}}, {"signals": {"wifi": 40}}, "bars expected"),
        ({"temp": 86}, {"temp": 30.5e3}, "degrees Fahrenheit"),
        ({"last_hb": "2024-01-21T23:11:40+00:00"}, {"last_hb": "yesterday"}, "a time stamp"),
        ({"thumbnail": "1637435728"}, {"thumbnail": "/api/v3/x.jpg"}, "a bare number string"),
        ({"_absent": ["signals"], "id": 1}, {"id": 2, "signals": {}}, "signals: sent"),
        ({"issues": [{"code": 1}]}, {"issues": [{"text": "x"}]}, "issues[0].code: missing"),
    ],
)
def test_the_comparison_catches_each_kind_of_difference(
    sample: dict[str, Any], actual: dict[str, Any], expected: str
) -> None:
    found = mismatches(sample, actual)
    assert found
    assert any(expected in line for line in found), found
