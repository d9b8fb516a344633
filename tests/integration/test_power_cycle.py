"""The power_cycle action against the simulator with real HA switches powering its devices."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant import loader
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    async_test_home_assistant,
)

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import (
    DOMAIN,
    EVENT_POWER_CYCLE,
)
from custom_components.blink_audio_doctor.plug_records import STORAGE_KEY

from .power_helpers import (
    DRIVEWAY,
    HALLWAY,
    SYNC_MODULE,
    Plugs,
    async_map_plugs,
    async_setup_plugs,
    our_entity,
    run_to_end,
    settle,
    start,
    tick,
    world_clock,
)

# The simulator's clock follows Home Assistant's (see conftest.blink_sim_clock).
SIM_FOLLOWS_HASS_CLOCK = True


def events(hass: HomeAssistant) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def record(event: Event) -> None:
        seen.append(dict(event.data))

    hass.bus.async_listen(EVENT_POWER_CYCLE, record)
    return seen


def cycle(hass: HomeAssistant, serial: str, key: str = "online", **data: Any) -> Any:
    platform = "button" if key == "power_cycle" else "binary_sensor"
    entity_id = our_entity(hass, platform, serial, key)
    return start(
        hass,
        hass.services.async_call(
            DOMAIN,
            "power_cycle",
            {"entity_id": entity_id, **data},
            blocking=True,
            return_response=True,
        ),
    )


async def test_cycle_takes_the_mini_offline_and_back_online(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    any_entry: ConfigEntry,
    plugs: Plugs,
    hass_storage: dict[str, Any],
) -> None:
    await async_map_plugs(hass, any_entry, [HALLWAY])
    seen = events(hass)
    stored_at_power_off: list[Any] = []
    plugs.on_power = lambda _serial, on: stored_at_power_off.append(
        None if on else dict(hass_storage.get(STORAGE_KEY, {}).get("data", {}).get("pending", {}))
    )
    task = cycle(hass, HALLWAY)
    await tick(hass, freezer, 3)
    assert not blink_sim.world.is_powered(HALLWAY)
    assert plugs.state(HALLWAY) == STATE_OFF

    response = await run_to_end(hass, freezer, task)

    # Off for 10 s, then the Mini boots for 40 s; Blink is asked 31 s and 62 s after power-on
    # (linked: with HA's Blink's sign-in as it is, while HA's Blink would not refresh yet).
    to_online = response["seconds_to_online"]
    assert to_online == pytest.approx(62, abs=1)
    assert plugs.power_log == [(HALLWAY, False), (HALLWAY, True)]
    assert response == {
        "plug": "switch.hallway_plug",
        "off_seconds": 10,
        "came_back_online": True,
        "seconds_to_online": to_online,
    }
    # The "turn back on" record was stored before the plug went off, and is gone now.
    assert stored_at_power_off[0] == {
        "switch.hallway_plug": {
            "turn_on_at": pytest.approx(world_clock() - to_online, abs=3),
            "serial": HALLWAY,
            "entry_id": any_entry.entry_id,
        }
    }
    assert hass_storage[STORAGE_KEY]["data"]["pending"] == {}
    assert blink_sim.world.is_online(HALLWAY)
    assert [(e["type"], e.get("outcome")) for e in seen] == [
        ("started", None),
        ("finished", "online"),
    ]
    assert seen[1]["came_back_online"] is True
    assert seen[0]["name"] == "Hallway"


async def test_sync_module_and_floodlight_cycles_without_waiting(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
    plugs: Plugs,
) -> None:
    await async_map_plugs(hass, own_entry, [SYNC_MODULE, DRIVEWAY])
    assert our_entity(hass, "button", HALLWAY, "power_cycle") is None  # no plug, no button
    seen = events(hass)
    task = cycle(hass, DRIVEWAY, wait_for_online=False, off_seconds=5)
    response = await run_to_end(hass, freezer, task)
    assert response["came_back_online"] is None
    assert response["seconds_to_online"] is None
    assert seen[-1]["outcome"] == "plug_cycled"
    assert plugs.power_log == [(DRIVEWAY, False), (DRIVEWAY, True)]

    # The Sync Module's Power cycle button runs the defaults (10 s off, wait for online).
    button = our_entity(hass, "button", SYNC_MODULE, "power_cycle")
    assert button is not None
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await tick(hass, freezer, 80)
    assert plugs.power_log[2:] == [(SYNC_MODULE, False), (SYNC_MODULE, True)]
    assert seen[-1]["outcome"] == "online"
    assert seen[-1]["seconds_to_online"] == pytest.approx(62, abs=1)  # boots in 45 s

    # A press that cannot start says why at once.
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    assert err.value.translation_key == "cooldown_active"


async def test_a_device_that_stays_offline_times_out(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    linked_entry: ConfigEntry,
    plugs: Plugs,
) -> None:
    await async_map_plugs(hass, linked_entry, [HALLWAY])
    blink_sim.world.device(HALLWAY).boot_seconds = 10_000
    blink_sim.world.inject_fault("homescreen", malformed=True, count=1)  # first ask: junk
    blink_sim.world.clear_log()
    task = cycle(hass, HALLWAY, timeout=100)
    response = await run_to_end(hass, freezer, task)
    assert response["came_back_online"] is False
    assert response["seconds_to_online"] is None
    assert plugs.state(HALLWAY) == STATE_ON
    # Asked Blink 31, 62 and 93 s after power-on, then gave up: never more often than every 31 s.
    assert blink_sim.world.endpoint_counts().get("homescreen", 0) <= 4


async def test_a_plug_that_does_not_switch_off_is_left_on_and_reported(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
    plugs: Plugs,
    hass_storage: dict[str, Any],
) -> None:
    await async_map_plugs(hass, own_entry, [HALLWAY])
    plugs.ignore_off.add("hallway_plug")
    seen = events(hass)
    task = cycle(hass, HALLWAY)
    with pytest.raises(HomeAssistantError) as err:
        await run_to_end(hass, freezer, task)
    assert err.value.translation_key == "plug_did_not_switch_off"
    assert plugs.state(HALLWAY) == STATE_ON
    assert plugs.power_log == []
    assert hass_storage[STORAGE_KEY]["data"]["pending"] == {}
    assert seen[-1]["outcome"] == "plug_did_not_switch_off"


async def test_a_plug_that_does_not_switch_back_on_is_retried_until_it_does(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
    plugs: Plugs,
    hass_storage: dict[str, Any],
) -> None:
    await async_map_plugs(hass, own_entry, [HALLWAY])
    plugs.ignore_on.add("hallway_plug")
    task = cycle(hass, HALLWAY)
    with pytest.raises(HomeAssistantError) as err:
        await run_to_end(hass, freezer, task)
    assert err.value.translation_key == "plug_did_not_switch_on"
    assert plugs.state(HALLWAY) == STATE_OFF
    # The record stays until the plug is on; the recovery keeps trying.
    assert "switch.hallway_plug" in hass_storage[STORAGE_KEY]["data"]["pending"]
    plugs.ignore_on.clear()
    await tick(hass, freezer, 15)
    assert plugs.state(HALLWAY) == STATE_ON
    assert hass_storage[STORAGE_KEY]["data"]["pending"] == {}


async def test_unloading_mid_cycle_turns_the_plug_on_first(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
    plugs: Plugs,
    hass_storage: dict[str, Any],
) -> None:
    await async_map_plugs(hass, own_entry, [HALLWAY])
    seen = events(hass)
    task = cycle(hass, HALLWAY, off_seconds=600)
    await tick(hass, freezer, 5)
    assert plugs.state(HALLWAY) == STATE_OFF
    assert await hass.config_entries.async_unload(own_entry.entry_id)
    await settle(hass)
    assert plugs.state(HALLWAY) == STATE_ON
    response = await run_to_end(hass, freezer, task)
    assert response["came_back_online"] is None
    assert seen[-1]["outcome"] == "interrupted"
    assert hass_storage[STORAGE_KEY]["data"]["pending"] == {}


async def test_one_cycle_per_plug_cooldown_and_hourly_limit(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
    plugs: Plugs,
) -> None:
    await async_map_plugs(hass, own_entry, [HALLWAY])
    first = cycle(hass, HALLWAY, wait_for_online=False, off_seconds=5)
    await tick(hass, freezer, 1)
    second = cycle(hass, HALLWAY, wait_for_online=False)
    await settle(hass)
    with pytest.raises(ServiceValidationError) as err:
        second.result()
    assert err.value.translation_key == "power_cycle_in_progress"
    await run_to_end(hass, freezer, first)

    # Cooldown: 10 minutes after the end of the last cycle, unless forced.
    again = cycle(hass, HALLWAY, wait_for_online=False)
    await settle(hass)
    with pytest.raises(ServiceValidationError) as err:
        again.result()
    assert err.value.translation_key == "cooldown_active"
    log_before = list(plugs.power_log)
    for _ in range(2):
        await run_to_end(
            hass, freezer, cycle(hass, HALLWAY, wait_for_online=False, off_seconds=5, force=True)
        )
    # Three cycles in the hour: the fourth is refused even when forced, and nothing switches.
    log_before = list(plugs.power_log)
    limited = cycle(hass, HALLWAY, wait_for_online=False, force=True)
    await settle(hass)
    with pytest.raises(ServiceValidationError) as err:
        limited.result()
    assert err.value.translation_key == "attempt_limit_reached"
    # No repair exists for a device that was only power-cycled often, so none is pointed to.
    assert "repair" not in str(err.value)
    assert plugs.power_log == log_before
    assert plugs.state(HALLWAY) == STATE_ON


def left_by_a_crash(plug: str, turn_on_at: float) -> dict[str, Any]:
    """The stored record of a cycle whose Home Assistant died while the plug was off."""
    return {
        "version": 1,
        "minor_version": 1,
        "key": STORAGE_KEY,
        "data": {
            "pending": {plug: {"turn_on_at": turn_on_at, "serial": HALLWAY, "entry_id": "gone"}},
            "history": {plug: {"starts": [turn_on_at - 10], "last_end": None}},
        },
    }


async def start_up(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, DOMAIN, {})


async def test_start_up_turns_on_a_plug_a_crash_left_off(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    hass_storage[STORAGE_KEY] = left_by_a_crash("switch.hallway_plug", world_clock() - 30)
    # Our integration may start before the plug's integration: it waits for the plug to appear.
    await start_up(hass)
    plugs = await async_setup_plugs(hass, None, initially_on=False)
    await tick(hass, freezer, 2)
    assert plugs.state(HALLWAY) == STATE_ON
    assert hass_storage[STORAGE_KEY]["data"]["pending"] == {}


async def test_start_up_waits_for_an_unavailable_plug(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
) -> None:
    hass_storage[STORAGE_KEY] = left_by_a_crash("switch.hallway_plug", world_clock() - 30)
    plugs = await async_setup_plugs(hass, None, initially_on=False, reachable=False)
    await start_up(hass)
    await tick(hass, freezer, 120, step=5)
    assert plugs.state(HALLWAY) == "unavailable"
    await plugs.set_reachable(HALLWAY, True)
    await tick(hass, freezer, 2)
    assert plugs.state(HALLWAY) == STATE_ON
    assert hass_storage[STORAGE_KEY]["data"]["pending"] == {}
    assert not issue_registry.async_get_issue(DOMAIN, "plug_left_off_switch.hallway_plug")


async def test_start_up_gives_up_after_ten_minutes_and_says_so(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
) -> None:
    hass_storage[STORAGE_KEY] = left_by_a_crash("switch.hallway_plug", world_clock() - 30)
    plugs = await async_setup_plugs(hass, None, initially_on=False, reachable=False)
    await start_up(hass)
    await tick(hass, freezer, 610, step=5)
    issue = issue_registry.async_get_issue(DOMAIN, "plug_left_off_switch.hallway_plug")
    assert issue is not None
    assert issue.translation_key == "plug_left_off"
    # The record stays: the next start-up tries again.
    assert "switch.hallway_plug" in hass_storage[STORAGE_KEY]["data"]["pending"]
    assert plugs.state(HALLWAY) == "unavailable"


async def test_a_record_not_yet_due_is_rescheduled(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, hass_storage: dict[str, Any]
) -> None:
    hass_storage[STORAGE_KEY] = left_by_a_crash("switch.hallway_plug", world_clock() + 60)
    plugs = await async_setup_plugs(hass, None, initially_on=False)
    await start_up(hass)
    await tick(hass, freezer, 50)
    assert plugs.state(HALLWAY) == STATE_OFF  # still inside its off time
    await tick(hass, freezer, 12)
    assert plugs.state(HALLWAY) == STATE_ON


async def test_home_assistant_killed_mid_cycle_and_started_again_turns_the_plug_on(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
    plugs: Plugs,
    hass_storage: dict[str, Any],
) -> None:
    await async_map_plugs(hass, own_entry, [HALLWAY])
    task = cycle(hass, HALLWAY)
    await tick(hass, freezer, 3)
    assert plugs.state(HALLWAY) == STATE_OFF
    # A crash: what is on disk is all the next run gets (the same storage, a new instance),
    # which starts 30 s later, when the plug should have been on again for 20 s.
    on_disk = copy.deepcopy(hass_storage)
    assert on_disk[STORAGE_KEY]["data"]["pending"]
    # (The first instance is wound down before the second starts: they share one event loop.)
    assert await hass.config_entries.async_unload(own_entry.entry_id)
    await run_to_end(hass, freezer, task)
    freezer.tick(timedelta(seconds=30))
    async with async_test_home_assistant() as restarted:
        restarted.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        hass_storage.clear()
        hass_storage.update(on_disk)
        second = await async_setup_plugs(restarted, None, initially_on=False)
        assert second.state(HALLWAY) == STATE_OFF
        await start_up(restarted)
        for _ in range(10):
            if second.state(HALLWAY) == STATE_ON:
                break
            await tick(restarted, freezer, 1)
        assert second.state(HALLWAY) == STATE_ON  # within 10 s of start-up
        assert hass_storage[STORAGE_KEY]["data"]["pending"] == {}
        await restarted.async_stop(force=True)


async def test_a_cancelled_cycle_still_turns_the_plug_on(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
    plugs: Plugs,
) -> None:
    await async_map_plugs(hass, own_entry, [HALLWAY])
    task = cycle(hass, HALLWAY)
    await tick(hass, freezer, 3)
    assert plugs.state(HALLWAY) == STATE_OFF
    task.cancel()
    await settle(hass)
    assert task.cancelled()
    await tick(hass, freezer, 2)
    assert plugs.state(HALLWAY) == STATE_ON
