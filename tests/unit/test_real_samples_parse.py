"""Every published Blink payload in tests/fixtures/real/ reads into the figures it holds.

The simulator is checked against the same samples (tests/sim/test_real_samples.py); this side
checks that the doctor reads what Blink really sends, not only what the simulator sends.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from custom_components.blink_audio_doctor.doctor import talk_path
from custom_components.blink_audio_doctor.doctor.readings import parse_config
from custom_components.blink_audio_doctor.doctor.snapshot import snapshot_from_payloads

SAMPLES = sorted((Path(__file__).parents[1] / "fixtures" / "real").glob("*.json"))
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HOMESCREEN_SECTIONS = {
    "homescreen_camera": "cameras",
    "homescreen_owl": "owls",
    "homescreen_doorbell": "doorbells",
}


TALK_KINDS = frozenset({"liveview", "command_status_running", "command_status_liveview_failed"})


def _check_talk_sample(kind: str, sample: dict[str, Any]) -> None:
    """The talk path test reads a live-view answer and the status of its command."""
    if kind == "liveview":
        accepted = talk_path._accepted(200, sample)
        assert accepted is not None
        assert accepted.command_id == sample["command_id"]
        assert (accepted.host, accepted.port) == ("1.2.3.4", 443)
        assert accepted.poor_connection is sample["options"]["poor_connection"]
        return
    command_id = sample["commands"][0]["id"]
    expected = "joined" if kind == "command_status_running" else "failed"
    assert talk_path._join_state(sample, command_id) == expected


def _load(path: Path) -> dict[str, Any]:
    sample = json.loads(path.read_text())
    return {key: value for key, value in sample.items() if not key.startswith("_")} | {
        "_kind": sample["_kind"]
    }


def test_the_samples_are_there() -> None:
    kinds = {_load(path)["_kind"] for path in SAMPLES}
    assert {
        "camera_config",
        "camera_config_older_firmware",
        "doorbell_config",
        "owl_config",
        "homescreen_camera",
        "homescreen_owl",
        "homescreen_doorbell",
        "homescreen_sync_module",
        "liveview",
        "command_status_running",
        "command_status_liveview_failed",
    } <= kinds


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.stem)
def test_each_sample_reads_into_its_figures(path: Path) -> None:
    sample = _load(path)
    kind = sample.pop("_kind")
    if kind in {"camera_config", "camera_config_older_firmware", "doorbell_config", "owl_config"}:
        readings = parse_config(sample, now=NOW)
        assert readings is not None
        assert readings.fetched_at == NOW
        signals = sample.get("signals", {})
        # Some threads quote only part of a response: each figure the sample has is read.
        if kind == "camera_config" and "wifi_strength" in sample:
            assert readings.wifi_dbm == sample["wifi_strength"] < 0
            assert readings.sync_link_dbm == sample["lfr_strength"] < 0
            assert readings.wifi_bars == signals["wifi"]
            assert readings.sync_link_bars == signals["lfr"]
        elif kind == "camera_config_older_firmware":
            # Bars in the field that newer firmware fills with dBm: never read as dBm.
            assert readings.wifi_dbm is None
            assert readings.wifi_bars == sample["wifi_strength"]
        elif kind == "doorbell_config":
            assert readings.wifi_dbm == sample["wifi_rssi"] < 0
            assert readings.temperature is not None  # degrees Fahrenheit turned Celsius
            assert readings.temperature == pytest.approx((sample["temp"] - 32) * 5 / 9, abs=0.1)
        elif kind == "owl_config":
            assert readings.wifi_bars == sample["wifi"]
            assert readings.wifi_dbm is None
        else:  # a config quoted for a field the verdict does not read (the thumbnail)
            assert readings.wifi_dbm is None
            assert readings.wifi_bars is None
        return
    if kind in TALK_KINDS:
        _check_talk_sample(kind, sample)
        return
    if kind == "homescreen_sync_module":
        snapshot = snapshot_from_payloads({"sync_modules": [sample]}, now=NOW)
        module = snapshot.sync_modules[sample["serial"]]
        assert module.wifi_bars == sample["wifi_strength"]
        assert module.online is (sample["status"] == "online")
        assert module.last_heartbeat is not None
        return
    section = HOMESCREEN_SECTIONS[kind]
    sample.setdefault("serial", "SAMPLE0000000001")  # an excerpt that left the identity out
    snapshot = snapshot_from_payloads({section: [sample]}, now=NOW)
    camera = snapshot.cameras[sample["serial"]]
    assert camera.name == sample.get("name")
    if "status" in sample and sample["status"] in {"online", "offline"}:
        assert camera.online is (sample["status"] == "online")
    if section == "cameras":
        assert camera.wifi_bars == sample["signals"]["wifi"]
        assert camera.sync_link_bars == sample["signals"]["lfr"]
    else:
        # Blink's homescreen has no Wi-Fi reading for Minis and doorbells: none is made up.
        assert camera.wifi_bars is None
        assert camera.wifi_dbm is None
