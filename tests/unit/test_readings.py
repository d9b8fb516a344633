"""Config responses of Minis, doorbells and sync-module cameras, and when each was read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from custom_components.blink_audio_doctor.doctor.model import DeviceConfigReading
from custom_components.blink_audio_doctor.doctor.readings import parse_config
from custom_components.blink_audio_doctor.doctor.snapshot import snapshot_from_payloads
from custom_components.blink_audio_doctor.doctor.values import SignalUnit, signal_or_none

from . import NOW, homescreen, porch_config

MINI = "G8T1940001731ABC"
BELL = "DB000001"
EARLIER = NOW - timedelta(minutes=20)


def real_homescreen() -> dict[str, Any]:
    """The shared homescreen without the Wi-Fi Blink never sends for Minis and doorbells."""
    screen = homescreen()
    for bell in screen["doorbells"]:
        bell.pop("signals", None)
    return screen


def doorbell_config() -> dict[str, Any]:
    """A doorbell's ``doorbells/{id}/config`` response with the published fields."""
    return {"temp": 86, "wifi_rssi": -54, "lfr_rssi": -71, "battery_state": "ok"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-100, (-100, SignalUnit.DBM)),
        (-1, (-1, SignalUnit.DBM)),
        (0, (0, SignalUnit.BARS)),  # an empty meter; nothing receives 0 dBm
        (5, (5, SignalUnit.BARS)),
        (5.0, (5, SignalUnit.BARS)),
        (6, None),
        (-101, None),
        (-255, None),
        (True, None),
        ("-60", None),
        (None, None),
    ],
)
def test_signal_unit_comes_from_the_value(value: Any, expected: Any) -> None:
    assert signal_or_none(value) == expected


def test_doorbell_config_gives_dbm_link_temperature_and_battery() -> None:
    readings = parse_config(DeviceConfigReading(doorbell_config(), EARLIER), now=NOW)
    assert readings is not None
    assert readings.fetched_at == EARLIER
    assert (readings.wifi_dbm, readings.wifi_bars) == (-54, None)
    assert (readings.sync_link_dbm, readings.sync_link_bars) == (-71, None)
    assert readings.temperature == 30.0  # 86 degrees F
    assert readings.battery_state == "ok"


@pytest.mark.parametrize("rssi", [0, 3, -101, -255, "-54"])
def test_rssi_outside_the_dbm_range_is_no_reading(rssi: Any) -> None:
    # wifi_rssi is dBm by name: 0..5 there is a placeholder, never bars.
    readings = parse_config({"wifi_rssi": rssi, "lfr_rssi": rssi}, now=NOW)
    assert readings is not None
    assert (readings.wifi_dbm, readings.wifi_bars, readings.sync_link_dbm) == (None, None, None)


@pytest.mark.parametrize(
    ("payload", "dbm", "bars"),
    [
        ({"wifi_rssi": -61}, -61, None),
        ({"wifi_strength": -62}, -62, None),
        ({"wifi_strength": 4}, None, 4),
        ({"wifi": 2}, None, 2),
        ({"wifi": -64}, -64, None),
        ({"signal_strength": 0}, None, 0),
        ({"signals": {"wifi": 3}}, None, 3),
        ({"signals": {"wifi": -65}}, -65, None),
        ({"camera": {"wifi": -66}}, -66, None),
        ({"owl": {"signals": {"wifi": 1}}}, None, 1),
        ({"config": {"wifi_strength": 5}}, None, 5),
        ({"camera": [{"wifi_strength": -67}]}, -67, None),
        ({"wifi": 6}, None, None),
        ({"wifi": -101}, None, None),
        ({"name": "Nursery", "video_quality": "best"}, None, None),
    ],
)
def test_mini_config_wifi_spellings(payload: dict[str, Any], dbm: Any, bars: Any) -> None:
    readings = parse_config(payload, now=NOW)
    assert readings is not None
    assert (readings.wifi_dbm, readings.wifi_bars) == (dbm, bars)


def test_published_mini_config_gives_bars_and_firmware() -> None:
    # The OWL_CONFIG sample of homebridge-blink-for-home (firmware 9.63): Wi-Fi as `wifi`.
    sample = {"name": "Gamma", "fw_version": 9.63, "status": "online", "wifi": 5}
    sample |= {"video_quality": "best", "volume_control": 7, "local_storage_enabled": False}
    readings = parse_config(sample, now=NOW)
    assert readings is not None
    assert (readings.wifi_bars, readings.wifi_dbm, readings.firmware) == (5, None, "9.63")
    assert (readings.online, readings.name) == (True, "Gamma")


@pytest.mark.parametrize("raw", [None, [], "config", 42, DeviceConfigReading([], NOW)])  # type: ignore[arg-type]
def test_a_config_that_is_no_object_gives_nothing(raw: Any) -> None:
    assert parse_config(raw, now=NOW) is None


def test_doorbell_without_homescreen_signals_gets_dbm_from_its_config() -> None:
    configs = {BELL: DeviceConfigReading(doorbell_config(), EARLIER)}
    bell = snapshot_from_payloads(real_homescreen(), configs, now=NOW).cameras[BELL]
    assert (bell.wifi_dbm, bell.wifi_bars, bell.sync_link_dbm) == (-54, None, -71)
    assert bell.temperature == 30.0
    # Each reading keeps its own time: the config's from 20 minutes ago, the homescreen's now.
    assert bell.read_at("wifi_dbm") == EARLIER
    assert bell.read_at("sync_link_dbm") == EARLIER
    assert bell.read_at("online") == NOW
    assert bell.read_at("battery_state") == NOW  # the homescreen's is newer than the config's
    assert bell.read_at("wifi_bars") is None


def test_mini_config_by_camera_id_with_naive_fetch_time() -> None:
    configs = {"198899": DeviceConfigReading({"wifi": -58}, EARLIER.replace(tzinfo=None))}
    mini = snapshot_from_payloads(real_homescreen(), configs, now=NOW).cameras[MINI]
    assert mini.wifi_dbm == -58
    assert mini.read_at("wifi_dbm") == EARLIER


def test_a_newer_config_reading_wins_over_the_homescreen() -> None:
    later = NOW + timedelta(seconds=5)
    config = {"status": "offline", "battery_state": "low"}
    configs = {BELL: DeviceConfigReading(config, later)}
    bell = snapshot_from_payloads(real_homescreen(), configs, now=NOW).cameras[BELL]
    assert (bell.online, bell.battery_state) == (False, "low")
    assert bell.read_at("online") == later


def test_a_bare_config_counts_as_read_now() -> None:
    porch = snapshot_from_payloads(homescreen(), {"4000002": porch_config()}, now=NOW)
    camera = porch.cameras["B0000002"]
    assert camera.wifi_dbm == -63
    assert camera.read_at("wifi_dbm") == NOW
    assert camera.read_at("poor_connection") is None
    assert camera.read_at("no_such_field") is None
