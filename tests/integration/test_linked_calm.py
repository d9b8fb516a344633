"""Linked mode leaves HA's Blink integration in charge: its refreshes, its devices, its entry.

Every test runs HA's real `blink` integration against the simulator over loopback HTTP.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from blink_cloud_sim.server import SimServer
from blink_cloud_sim.world import Camera
from custom_components.blink_audio_doctor.const import DOMAIN
from custom_components.blink_audio_doctor.coordinator import source_issue_id

from .conftest import state_of
from .power_helpers import (
    HALLWAY,
    Plugs,
    async_map_plugs,
    async_setup_plugs,
    our_entity,
    run_to_end,
    start,
)

GARDEN = "G8T20000OUT00001"  # Outdoor camera on the Sync Module
PORCH = "G8T20000NEW00001"  # a camera the account gets during the test
BLINK = "blink"

# The simulator's clock follows Home Assistant's (see conftest.blink_sim_clock).
SIM_FOLLOWS_HASS_CLOCK = True


async def next_poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let five minutes pass: HA's Blink integration polls once."""
    freezer.tick(timedelta(seconds=301))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def blink_wifi_sensor(hass: HomeAssistant, serial: str) -> str:
    """The Wi-Fi sensor HA's Blink integration has for a camera."""
    entity_id = er.async_get(hass).async_get_entity_id("sensor", BLINK, f"{serial}-wifi_strength")
    assert entity_id is not None
    return entity_id


def ours(hass: HomeAssistant, platform: str, serial: str, key: str) -> str:
    """Our entity of a device (fails the test when there is none)."""
    entity_id = our_entity(hass, platform, serial, key)
    assert entity_id is not None
    return entity_id


async def press_check_again(hass: HomeAssistant, serial: str) -> None:
    button = ours(hass, "button", serial, "run_diagnostics")
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await hass.async_block_till_done()


async def test_check_again_asks_blinks_own_integration_and_never_early(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    linked_entry: ConfigEntry,
) -> None:
    blink_sim.world.set_signals(GARDEN, wifi_dbm=-81, wifi_bars=2)
    blink_sim.world.clear_log()
    core = hass.config_entries.async_get_entry(linked_entry.data["blink_entry_id"])
    assert core is not None
    core_homescreen = core.runtime_data.api.homescreen
    refreshed_at = linked_entry.runtime_data.account.data.taken_at

    # HA's Blink refreshed moments ago and would not refresh yet: one homescreen read with its
    # sign-in as it is, nothing else, and its own data and tokens are left alone.
    pressed_at = dt_util.utcnow()
    await press_check_again(hass, GARDEN)
    assert blink_sim.world.endpoint_counts() == {"homescreen": 1}
    assert core.runtime_data.api.homescreen is core_homescreen
    assert state_of(hass, ours(hass, "sensor", GARDEN, "wifi_bars")) == "2"
    camera = linked_entry.runtime_data.account.data.cameras[GARDEN]
    assert camera.read_at("wifi_bars") >= pressed_at
    # The dBm comes from the camera's config, which only HA's Blink's refresh reads: it keeps
    # the time of that refresh, never the fresh homescreen's.
    assert state_of(hass, ours(hass, "sensor", GARDEN, "wifi_signal")) == "-58"
    assert camera.read_at("wifi_dbm") == refreshed_at

    # Once HA's Blink would refresh, the press makes it refresh (its timer has not fired yet):
    # both integrations show the new reading together.
    freezer.tick(timedelta(seconds=301))
    blink_sim.world.clear_log()
    await press_check_again(hass, GARDEN)
    assert blink_sim.world.endpoint_counts().get("homescreen") == 1
    assert state_of(hass, ours(hass, "sensor", GARDEN, "wifi_signal")) == "-81"
    assert state_of(hass, blink_wifi_sensor(hass, GARDEN)) == "-81"


async def test_a_refused_check_again_keeps_the_last_refresh_and_blinks_sign_in(
    hass: HomeAssistant,
    blink_sim: SimServer,
    linked_entry: ConfigEntry,
) -> None:
    core = hass.config_entries.async_get_entry(linked_entry.data["blink_entry_id"])
    assert core is not None
    core_data = dict(core.data)
    snapshot = linked_entry.runtime_data.account.data
    blink_sim.world.set_signals(GARDEN, wifi_bars=2)
    for status in (401, 429, 500):
        blink_sim.world.clear_log()
        blink_sim.world.inject_fault("homescreen", status=status, count=1)
        await press_check_again(hass, GARDEN)
        # Refused: no fresh reading, nothing renewed, HA's Blink untouched.
        assert blink_sim.world.endpoint_counts() == {"homescreen": 1}
        assert linked_entry.runtime_data.account.data.taken_at == snapshot.taken_at
        assert state_of(hass, ours(hass, "sensor", GARDEN, "wifi_bars")) == "4"
        assert core.state is ConfigEntryState.LOADED
        assert dict(core.data) == core_data


async def test_an_error_answer_is_not_taken_for_data(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    linked_entry: ConfigEntry,
) -> None:
    bars = ours(hass, "sensor", GARDEN, "wifi_bars")
    blink_sim.world.inject_fault("homescreen", status=429, count=1)
    await next_poll(hass, freezer)
    # Blink said "slow down": the last reading stands, from the time Blink gave it.
    assert state_of(hass, bars) == "4"
    taken_at = linked_entry.runtime_data.account.data.taken_at

    blink_sim.world.set_signals(GARDEN, wifi_bars=2)
    await next_poll(hass, freezer)
    assert state_of(hass, bars) == "2"
    assert linked_entry.runtime_data.account.data.taken_at > taken_at


async def test_a_rate_limited_status_check_is_not_back_online(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    linked_entry: ConfigEntry,
) -> None:
    plugs: Plugs = await async_setup_plugs(hass, blink_sim)
    await async_map_plugs(hass, linked_entry, [HALLWAY])
    blink_sim.world.device(HALLWAY).boot_seconds = 10_000  # never boots
    blink_sim.world.inject_fault("homescreen", status=429)  # Blink: slow down, every time

    task = start(
        hass,
        hass.services.async_call(
            DOMAIN,
            "power_cycle",
            {"entity_id": ours(hass, "binary_sensor", HALLWAY, "online"), "timeout": 400},
            blocking=True,
            return_response=True,
        ),
    )
    response: dict[str, Any] = await run_to_end(hass, freezer, task)

    assert response["came_back_online"] is False
    assert response["seconds_to_online"] is None
    assert plugs.state(HALLWAY) == "on"
    assert not blink_sim.world.is_online(HALLWAY)


async def test_a_camera_new_to_blink_ends_up_on_blinks_device_only(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    linked_entry: ConfigEntry,
    core_blink: ConfigEntry,
) -> None:
    world = blink_sim.world
    world.cameras[PORCH] = Camera(
        serial=PORCH, name="Porch", camera_id=6000009, network_id=4000001, wifi_dbm=-60
    )
    # HA's Blink lists the new camera only from its next poll on, and makes a device for it only
    # when it reloads; in between our entities need a device of their own.
    await next_poll(hass, freezer)
    devices = dr.async_get(hass)
    own = devices.async_get_device_by_identifier((DOMAIN, PORCH), linked_entry.entry_id)
    assert own is not None
    sensor = ours(hass, "sensor", PORCH, "wifi_bars")

    assert await hass.config_entries.async_reload(core_blink.entry_id)
    await hass.async_block_till_done()

    blinks = devices.async_get_device_by_identifier((BLINK, PORCH), core_blink.entry_id)
    assert blinks is not None
    entity = er.async_get(hass).async_get(sensor)
    assert entity is not None
    assert entity.device_id == blinks.id
    assert devices.async_get(own.id) is None
    assert devices.async_get_device_by_identifier((DOMAIN, PORCH), linked_entry.entry_id) is None
    assert state_of(hass, sensor) == "4"


async def test_removing_blinks_entry_says_it_was_removed(
    hass: HomeAssistant,
    linked_entry: ConfigEntry,
    core_blink: ConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    await hass.config_entries.async_remove(core_blink.entry_id)
    await hass.async_block_till_done()

    issue = issue_registry.async_get_issue(DOMAIN, source_issue_id(linked_entry.entry_id))
    assert issue is not None
    assert issue.translation_key == "blink_entry_missing"


async def test_a_camera_renamed_in_blink_shows_its_new_name(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    linked_entry: ConfigEntry,
) -> None:
    # blinkpy keeps a Mini's old name until HA's Blink reloads; the homescreen has the new one.
    serial = HALLWAY
    blink_sim.world.camera(serial).name = "Renamed"
    await next_poll(hass, freezer)

    response = await hass.services.async_call(
        DOMAIN,
        "run_diagnostics",
        {"entity_id": ours(hass, "binary_sensor", serial, "online")},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    cameras = response["cameras"]
    assert isinstance(cameras, list)
    assert [camera["name"] for camera in cameras if isinstance(camera, dict)] == ["Renamed"]
