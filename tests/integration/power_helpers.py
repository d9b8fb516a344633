"""Test helpers for power cycles: real HA switches that power simulated Blink devices.

Each plug is a `template` switch whose state is an `input_boolean` (the relay) and whose
availability is another one (the plug reachable or not). Its turn_on/turn_off actions call a
test-only service, which can be told to ignore a command (a broken plug); a state change of the
relay powers the simulated device off or on (`world.power_off` / `world.power_on`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_ON
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, ServiceCall, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import CONF_PLUGS, DOMAIN

GARDEN = "G8T20000OUT00001"  # Outdoor camera (batteries)
HALLWAY = "G8T30000MINI0001"  # Mini (plug, boots in 40 s)
FRONT_DOOR = "G8T40000DOOR0001"  # Video Doorbell (batteries)
DRIVEWAY = "G8T50000FLOOD001"  # Wired Floodlight (plug, boots in 60 s)
SYNC_MODULE = "G8T10000SM000001"  # Sync Module (plug, boots in 45 s)

PLUG_OBJECTS = {HALLWAY: "hallway_plug", DRIVEWAY: "driveway_plug", SYNC_MODULE: "sync_plug"}
TEST_DOMAIN = "plug_test"


@dataclass
class Plugs:
    """The test plugs: what they were told, and knobs to break them."""

    hass: HomeAssistant
    sim: SimServer | None
    # (serial, powered) in the order the simulated devices lost or got power
    power_log: list[tuple[str, bool]] = field(default_factory=list)
    # object ids whose turn_on / turn_off commands are ignored
    ignore_on: set[str] = field(default_factory=set)
    ignore_off: set[str] = field(default_factory=set)
    # what a callback saw at each power change (e.g. the stored record)
    on_power: Callable[[str, bool], None] | None = None
    # event-loop rounds a command takes to reach the relay (a real plug's network round trip)
    command_rounds: int = 0

    def entity(self, serial: str) -> str:
        return f"switch.{PLUG_OBJECTS[serial]}"

    def state(self, serial: str) -> str | None:
        state = self.hass.states.get(self.entity(serial))
        return None if state is None else state.state

    async def set_reachable(self, serial: str, reachable: bool) -> None:
        await self.hass.services.async_call(
            "input_boolean",
            "turn_on" if reachable else "turn_off",
            {"entity_id": f"input_boolean.{PLUG_OBJECTS[serial]}_reachable"},
            blocking=True,
        )
        await settle(self.hass)


async def async_setup_plugs(
    hass: HomeAssistant,
    sim: SimServer | None,
    *,
    initially_on: bool = True,
    reachable: bool = True,
) -> Plugs:
    """Create the test plugs (all three); with a simulator, they power its devices."""
    plugs = Plugs(hass, sim)
    by_object = {obj: serial for serial, obj in PLUG_OBJECTS.items()}

    async def switch(call: ServiceCall) -> None:
        obj = call.data["object_id"]
        on = call.data["on"]
        if obj in (plugs.ignore_on if on else plugs.ignore_off):
            return
        for _ in range(plugs.command_rounds):
            await asyncio.sleep(0)
        await hass.services.async_call(
            "input_boolean",
            "turn_on" if on else "turn_off",
            {"entity_id": f"input_boolean.{obj}_power"},
            blocking=True,
        )

    hass.services.async_register(TEST_DOMAIN, "switch", switch)
    booleans: dict[str, Any] = {}
    switches: list[dict[str, Any]] = []
    for obj in PLUG_OBJECTS.values():
        booleans[f"{obj}_power"] = {"initial": initially_on}
        booleans[f"{obj}_reachable"] = {"initial": reachable}
        action = {"action": f"{TEST_DOMAIN}.switch", "data": {"object_id": obj}}
        switches.append(
            {
                "name": obj,
                "unique_id": obj,
                "state": f"{{{{ is_state('input_boolean.{obj}_power', 'on') }}}}",
                "availability": f"{{{{ is_state('input_boolean.{obj}_reachable', 'on') }}}}",
                "turn_on": [{**action, "data": {**action["data"], "on": True}}],
                "turn_off": [{**action, "data": {**action["data"], "on": False}}],
            }
        )
    assert await async_setup_component(hass, "input_boolean", {"input_boolean": booleans})
    assert await async_setup_component(hass, "template", {"template": [{"switch": switches}]})
    await hass.async_block_till_done()

    @callback
    def relay_changed(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        obj = event.data["entity_id"].removeprefix("input_boolean.").removesuffix("_power")
        serial = by_object[obj]
        powered = new is not None and new.state == STATE_ON
        plugs.power_log.append((serial, powered))
        if plugs.on_power is not None:
            plugs.on_power(serial, powered)
        if sim is not None:
            if powered:
                sim.world.power_on(serial)
            else:
                sim.world.power_off(serial)

    async_track_state_change_event(
        hass, [f"input_boolean.{obj}_power" for obj in PLUG_OBJECTS.values()], relay_changed
    )
    return plugs


async def async_map_plugs(hass: HomeAssistant, entry: Any, serials: list[str]) -> None:
    """Map the test plugs of these devices in the entry's options (reloads, as the flow does)."""
    plugs = {serial: f"switch.{PLUG_OBJECTS[serial]}" for serial in serials}
    hass.config_entries.async_update_entry(entry, options={**entry.options, CONF_PLUGS: plugs})
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


def world_clock() -> float:
    """The simulator's clock following Home Assistant's (frozen and ticked by the tests)."""
    return dt_util.utcnow().timestamp()


async def settle(hass: HomeAssistant, rounds: int = 300) -> None:
    """Let tasks, callbacks and loopback HTTP to the simulator run (simulated time stands).

    Not `async_block_till_done`: an action call under way is a tracked task that only ends when
    simulated time moves on. Not a clock either: freezegun freezes the monotonic clocks too.
    The simulator serves from this same event loop, so loop rounds are what it needs.
    """
    del hass
    for _ in range(rounds):
        await asyncio.sleep(0)


async def tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float, step: int = 1
) -> None:
    """Move simulated time on, `step` seconds at a time."""
    for _ in range(int(seconds) // step):
        freezer.tick(timedelta(seconds=step))
        async_fire_time_changed(hass)
        await settle(hass)


async def run_to_end(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    task: asyncio.Task[Any],
    *,
    max_seconds: int = 900,
) -> Any:
    """Tick simulated time until the task ends; return its result (or raise its error)."""
    for _ in range(max_seconds):
        await settle(hass)
        if task.done():
            break
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
    await settle(hass)
    assert task.done(), "the task did not end"
    return task.result()


def start(hass: HomeAssistant, coro: Any) -> asyncio.Task[Any]:
    """Run a coroutine (a blocking action call) beside the test, untracked by block_till_done."""
    return hass.loop.create_task(coro)


def our_entity(hass: HomeAssistant, platform: str, serial: str, key: str) -> str | None:
    """Our entity of a device, found by its serial-based unique id."""
    return er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{serial}-{key}")


def stored(hass_storage: dict[str, Any], key: str, data: Any) -> None:
    """Put `data` in one of Home Assistant's stores before setup (as a file on disk would)."""
    hass_storage[key] = {"version": 1, "minor_version": 1, "key": key, "data": data}


def re_add_record(**changes: Any) -> dict[str, Any]:
    """A stored guided re-add of the Hallway Mini (deleted in Blink, waiting to come back)."""
    return {
        "tracking_id": "abc123",
        "entry_id": "not-loaded",
        "serial": HALLWAY,
        "name": "Hallway",
        "device_id": None,
        "camera_id": "6000002",
        "network_id": "4000001",
        "product_type": "owl",
        "plug": None,
        "started_at": world_clock() - 60,
        "deadline": world_clock() + 1740,
        "state": "deleted",
        "settings": {},
    } | changes
