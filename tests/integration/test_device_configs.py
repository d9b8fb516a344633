"""Config readings of Minis and doorbells, in both modes, against the simulator.

The homescreen carries no Wi-Fi reading for Minis and doorbells; their config endpoints do.
The simulator's request log counts what we ask Blink.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import CONF_CONFIG_READ_MINUTES
from custom_components.blink_audio_doctor.device_configs import ConfigTarget, config_targets

from .conftest import setup_core_blink, setup_linked, setup_own
from .test_entities import entity_id, state

HALLWAY = "G8T30000MINI0001"  # Mini
FRONT_DOOR = "G8T40000DOOR0001"  # Video Doorbell
DRIVEWAY = "G8T50000FLOOD001"  # Wired Floodlight (listed with the owls)
CONFIG_ENDPOINTS = ("owl_config", "doorbell_config")


async def setup_mode(hass: HomeAssistant, sim: SimServer, mode: str) -> ConfigEntry:
    """Our entry in `mode`; linked mode on top of HA's real Blink integration.

    Returns once the first config read (started in the background) is done: simulated time
    jumps would otherwise time it out.
    """
    if mode == "linked":
        entry = await setup_linked(hass, await setup_core_blink(hass, sim))
    else:
        entry = await setup_own(hass, sim)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def minutes_pass(hass: HomeAssistant, freezer: FrozenDateTimeFactory, minutes: int) -> None:
    """Let time pass in five-minute polls (HA's Blink integration and our own session)."""
    for _ in range(minutes // 5):
        freezer.tick(timedelta(minutes=5))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)


def config_reads(sim: SimServer, serial: str | None = None) -> list[str]:
    """Paths of the config requests Blink received (of one device's id, when given)."""
    device_id = None if serial is None else str(sim.world.cameras[serial].camera_id)
    return [
        entry.path
        for entry in sim.world.request_log
        if entry.endpoint in CONFIG_ENDPOINTS
        and (device_id is None or entry.path.split("/")[-2] == device_id)
    ]


async def set_read_minutes(hass: HomeAssistant, entry: ConfigEntry, minutes: int) -> None:
    """Change the option through the options flow (saving reloads the entry)."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_CONFIG_READ_MINUTES: minutes}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done(wait_background_tasks=True)
    assert entry.state is ConfigEntryState.LOADED


async def press_run_diagnostics(hass: HomeAssistant, serial: str) -> None:
    button = entity_id(hass, "button", serial, "run_diagnostics")
    assert button is not None
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)


@pytest.mark.parametrize("mode", ["linked", "own"])
async def test_mini_and_doorbell_get_their_dbm_from_the_config_endpoint(
    hass: HomeAssistant, blink_sim: SimServer, freezer: FrozenDateTimeFactory, mode: str
) -> None:
    # The Mini's config shape is not public: here it carries its Wi-Fi in dBm.
    blink_sim.world.set_device_config(HALLWAY, wifi_dbm=-61, config_wifi="wifi_rssi")
    await setup_mode(hass, blink_sim, mode)
    await minutes_pass(hass, freezer, 5)

    assert state(hass, "sensor", FRONT_DOOR, "wifi_signal") == "-54"
    assert state(hass, "sensor", FRONT_DOOR, "sync_link_signal") == "-61"
    assert state(hass, "sensor", HALLWAY, "wifi_signal") == "-61"
    # The floodlight's config carries no Wi-Fi field at all: no sensor that would stay unknown.
    assert entity_id(hass, "sensor", DRIVEWAY, "wifi_signal") is None
    assert entity_id(hass, "sensor", HALLWAY, "sync_link_signal") is None

    blink_sim.world.set_device_config(FRONT_DOOR, wifi_dbm=-77)
    await minutes_pass(hass, freezer, 30)
    assert state(hass, "sensor", FRONT_DOOR, "wifi_signal") == "-77"


@pytest.mark.parametrize("mode", ["linked", "own"])
async def test_each_mini_and_doorbell_is_read_once_per_half_hour(
    hass: HomeAssistant, blink_sim: SimServer, freezer: FrozenDateTimeFactory, mode: str
) -> None:
    blink_sim.world.set_token_lifetime(24 * 3600)
    await setup_mode(hass, blink_sim, mode)
    await minutes_pass(hass, freezer, 5)  # the first reads are spread over the first polls
    blink_sim.world.clear_log()

    await minutes_pass(hass, freezer, 120)

    for serial in (HALLWAY, FRONT_DOOR, DRIVEWAY):
        assert len(config_reads(blink_sim, serial)) == 4, serial
    # Sync-module cameras are not read: their Wi-Fi dBm comes with Blink's own refresh.
    assert len(config_reads(blink_sim)) == 12


@pytest.mark.parametrize("mode", ["linked", "own"])
async def test_option_zero_sends_no_config_request_even_when_asked(
    hass: HomeAssistant, blink_sim: SimServer, freezer: FrozenDateTimeFactory, mode: str
) -> None:
    entry = await setup_mode(hass, blink_sim, mode)
    await set_read_minutes(hass, entry, 0)
    blink_sim.world.clear_log()

    await minutes_pass(hass, freezer, 120)
    await press_run_diagnostics(hass, FRONT_DOOR)
    await hass.services.async_call(
        "blink_audio_doctor", "run_diagnostics", {}, blocking=True, return_response=True
    )

    assert config_reads(blink_sim) == []
    assert blink_sim.world.request_log  # Blink was asked for everything else all along


@pytest.mark.parametrize("mode", ["linked", "own"])
async def test_run_diagnostics_button_rereads_the_asked_camera_only(
    hass: HomeAssistant, blink_sim: SimServer, freezer: FrozenDateTimeFactory, mode: str
) -> None:
    await setup_mode(hass, blink_sim, mode)
    await minutes_pass(hass, freezer, 5)
    blink_sim.world.clear_log()

    blink_sim.world.set_device_config(FRONT_DOOR, wifi_dbm=-79)

    await press_run_diagnostics(hass, FRONT_DOOR)

    assert len(config_reads(blink_sim, FRONT_DOOR)) == 1
    assert config_reads(blink_sim, HALLWAY) == []
    assert state(hass, "sensor", FRONT_DOOR, "wifi_signal") == "-79"


async def test_check_again_never_shows_an_old_reading_as_fresh(
    hass: HomeAssistant, blink_sim: SimServer, freezer: FrozenDateTimeFactory
) -> None:
    await setup_mode(hass, blink_sim, "linked")
    await minutes_pass(hass, freezer, 5)
    assert state(hass, "sensor", FRONT_DOOR, "wifi_signal") == "-54"
    blink_sim.world.inject_fault("doorbell_config", status=429, count=1)
    freezer.tick(timedelta(minutes=1))  # the user asks a minute after the last read

    await press_run_diagnostics(hass, FRONT_DOOR)

    # The reading from before the user asked is not presented as the answer.
    assert state(hass, "sensor", FRONT_DOOR, "wifi_signal") == "unknown"
    await minutes_pass(hass, freezer, 30)
    assert state(hass, "sensor", FRONT_DOOR, "wifi_signal") == "-54"


@pytest.mark.parametrize(
    "fault", [{"status": 401}, {"status": 429}, {"status": 500}, {"malformed": True}]
)
async def test_refused_config_read_leaves_blinks_entry_and_tokens_alone(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    fault: dict[str, Any],
) -> None:
    core = await setup_core_blink(hass, blink_sim)
    entry = await setup_linked(hass, core)
    await hass.async_block_till_done(wait_background_tasks=True)
    await minutes_pass(hass, freezer, 5)
    tokens = dict(core.data)
    blink_sim.world.clear_log()
    blink_sim.world.inject_fault("doorbell_config", **fault)

    await minutes_pass(hass, freezer, 60)

    # Skipped until the next interval (one read per half hour); the last good reading stays.
    assert len(config_reads(blink_sim, FRONT_DOOR)) == 2
    assert state(hass, "sensor", FRONT_DOOR, "wifi_signal") == "-54"
    assert [e.endpoint for e in blink_sim.world.request_log if e.endpoint == "oauth_token"] == []
    assert dict(core.data) == tokens
    assert core.state is ConfigEntryState.LOADED
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.account.last_update_success


async def test_diagnostics_show_the_keys_blink_sent_per_device(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    entry = await setup_mode(hass, blink_sim, "linked")
    await minutes_pass(hass, freezer, 5)

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)

    shapes = diagnostics["account"]["payload_keys"]
    doorbell = next(shape for shape in shapes if shape["section"] == "doorbells")
    assert doorbell["serial"].endswith(f"(…{FRONT_DOOR[-4:]})")
    assert {"id", "serial", "status", "network_id"} <= set(doorbell["homescreen_keys"])
    assert {"wifi_rssi", "temp", "battery_state"} <= set(doorbell["config_keys"])
    assert doorbell["config_fetched_at"]
    camera = next(shape for shape in shapes if shape["section"] == "cameras")
    assert "signals.wifi" in camera["homescreen_keys"]
    assert camera["config_keys"] is None  # sync-module cameras are not read by us
    # Keys only: no serial number, token or other value is in the download.
    text = str(diagnostics)
    assert FRONT_DOOR not in text
    assert "-54" not in str(doorbell)


async def test_nothing_is_read_while_blinks_entry_is_unloaded(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
) -> None:
    core = await setup_core_blink(hass, blink_sim)
    entry = await setup_linked(hass, core)
    await hass.async_block_till_done(wait_background_tasks=True)
    await minutes_pass(hass, freezer, 5)
    await hass.config_entries.async_unload(core.entry_id)
    blink_sim.world.clear_log()

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    await minutes_pass(hass, freezer, 60)
    await press_run_diagnostics(hass, FRONT_DOOR)

    assert config_reads(blink_sim) == []
    assert diagnostics["account"]["payload_keys"] == []
    await hass.config_entries.async_reload(core.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await minutes_pass(hass, freezer, 5)
    # Back with HA's Blink entry: the reading is there again, read afresh.
    assert state(hass, "sensor", FRONT_DOOR, "wifi_signal") == "-54"
    assert len(config_reads(blink_sim, FRONT_DOOR)) == 1


async def test_own_sign_in_refused_config_read_is_skipped_and_asks_no_password(
    hass: HomeAssistant, blink_sim: SimServer, freezer: FrozenDateTimeFactory
) -> None:
    entry = await setup_mode(hass, blink_sim, "own")
    await minutes_pass(hass, freezer, 5)
    blink_sim.world.inject_fault("doorbell_config", status=401)

    await minutes_pass(hass, freezer, 60)

    # Our session's own polls still work, so its token is fine: no reauthentication.
    assert entry.state is ConfigEntryState.LOADED
    assert not hass.config_entries.flow.async_progress_by_handler("blink_audio_doctor")
    assert state(hass, "sensor", FRONT_DOOR, "wifi_signal") == "-54"


def test_only_devices_with_serial_network_and_id_are_read() -> None:
    homescreen = {
        "cameras": [{"serial": "CAM", "network_id": 1, "id": 2}],  # read by blinkpy itself
        "owls": "not a list",
        "doorbells": [
            "not an entry",
            {"serial": "NO-IDS"},
            {"serial": " ", "network_id": 1, "id": 3},
            {"serial": "DOOR", "network_id": 1, "id": 4},
        ],
    }

    assert config_targets(homescreen) == [ConfigTarget("DOOR", "doorbells", "1", "4")]


@pytest.mark.parametrize("mode", ["linked", "own"])
async def test_a_mini_whose_config_has_no_wifi_says_so_and_is_still_judged(
    hass: HomeAssistant, blink_sim: SimServer, freezer: FrozenDateTimeFactory, mode: str
) -> None:
    # The default Mini config carries no Wi-Fi field at all.
    await setup_mode(hass, blink_sim, mode)
    await minutes_pass(hass, freezer, 10)

    assert entity_id(hass, "sensor", HALLWAY, "wifi_signal") is None
    assert state(hass, "binary_sensor", HALLWAY, "two_way_audio") == "on"
    diagnosis = hass.states.get(entity_id(hass, "sensor", HALLWAY, "diagnosis"))
    assert diagnosis is not None
    assert diagnosis.state == "ok"
    findings = {finding["code"]: finding for finding in diagnosis.attributes["findings"]}
    assert findings["wifi_not_reported"]["kind"] == "not_reported"
    # Each other finding says when its reading was taken.
    assert all(f["read_at"] for f in findings.values() if f["kind"] != "not_reported")
    # The doorbell's Wi-Fi comes from its config: no such finding there.
    doorbell = hass.states.get(entity_id(hass, "sensor", FRONT_DOOR, "diagnosis"))
    assert doorbell is not None
    assert "wifi_not_reported" not in {f["code"] for f in doorbell.attributes["findings"]}
