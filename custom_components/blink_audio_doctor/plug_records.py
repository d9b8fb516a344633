"""The restart-safe side of power cycles: each plug's stored record and its recovery.

A plug is never left off: the "turn back on at" record is saved before the plug goes off and is
honoured at start-up (a record that is due turns its plug on, retrying while the plug is
unavailable for up to 10 minutes; one not yet due is rescheduled). Unloading the entry mid-cycle
turns the plug on first; so does stopping Home Assistant, for every plug with a pending record, in
a shutdown job (see `_async_shutdown`). Damaged records never stop the start-up.

Waits use Home Assistant's timers (``async_call_later``), never ``asyncio.sleep``, and every clock
reading is ``dt_util.utcnow()``, so tests drive them with simulated time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import (
    async_call_later,
    async_track_point_in_utc_time,
    async_track_state_change_event,
)
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import (
    DOMAIN,
    LOGGER,
    PLUG_CONFIRM_SECONDS,
    PLUG_RECOVERY_RETRY_SECONDS,
    PLUG_RECOVERY_WINDOW,
    PLUG_SWITCH_ATTEMPTS,
)
from .stored import mapping, power_cycle_state, timestamp_now

STORAGE_KEY = f"{DOMAIN}.power_cycle"
STORAGE_VERSION = 1
# How long a stop waits for the plugs to be on: Home Assistant gives all shutdown jobs 20 s.
SHUTDOWN_WAIT_SECONDS = 15


def plug_left_off_issue_id(plug: str) -> str:
    """Repair issue raised when a plug could not be turned back on."""
    return f"plug_left_off_{plug}"


@dataclass(frozen=True, slots=True)
class CycleRequest:
    """One power cycle, validated.

    Attributes:
        entry_id: Our config entry that knows the device.
        serial: The device's serial number.
        name: The device's name (for events and messages).
        device_id: The device registry id (events carry it instead of the serial).
        plug: The switch entity that powers the device.
        off_seconds: How long the plug stays off.
        wait_for_online: Whether to wait for Blink to report the device online again.
        timeout: How long to wait for that, from the moment the plug is back on.
        force: Skip the cooldown (never the hourly limit).
    """

    entry_id: str
    serial: str
    name: str | None
    device_id: str | None
    plug: str
    off_seconds: float
    wait_for_online: bool
    timeout: float
    force: bool = False


class Waiter:
    """Sleeps on a Home Assistant timer; `wake()` ends the sleep early."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Not sleeping yet."""
        self._hass = hass
        self._future: asyncio.Future[None] | None = None

    @callback
    def wake(self, *_: Any) -> None:
        """End the sleep under way, if any."""
        if self._future is not None and not self._future.done():
            self._future.set_result(None)

    async def wait(self, seconds: float) -> None:
        """Sleep for `seconds`, or until woken."""
        future: asyncio.Future[None] = self._hass.loop.create_future()
        self._future = future
        cancel = async_call_later(self._hass, max(seconds, 0.0), self.wake)
        try:
            await future
        finally:
            cancel()
            self._future = None


@dataclass
class ActiveCycle:
    """A power cycle under way."""

    request: CycleRequest
    waiter: Waiter
    plug_on: asyncio.Future[None]
    interrupted: bool = False

    def was_interrupted(self) -> bool:
        """Whether an unload or a stop cut the cycle short (it may happen during any wait)."""
        return self.interrupted

    @callback
    def interrupt(self) -> None:
        """Cut the off time short and skip the wait for Blink (unload, stop)."""
        self.interrupted = True
        self.waiter.wake()


class PlugRecords:
    """The plugs' restart-safe records, their recoveries, and the cycles under way."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Prepare; `async_start` loads the records and honours them."""
        self.hass = hass
        self._store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, STORAGE_KEY)
        # plug -> {"turn_on_at": ts, "serial": s, "entry_id": e}
        self.pending: dict[str, dict[str, Any]] = {}
        # plug -> {"starts": [ts, ...], "last_end": ts}
        self._history: dict[str, dict[str, Any]] = {}
        self.active: dict[str, ActiveCycle] = {}
        self._recoveries: dict[str, asyncio.Task[bool]] = {}
        self._recovery_waiters: dict[str, Waiter] = {}
        self._timers: dict[str, CALLBACK_TYPE] = {}
        self._stopping = False  # the shutdown job has started: no new cycles
        self._stopped = False  # it has ended: a record left now waits for the next start-up

    # ------------------------------------------------------------------ start-up and shutdown

    async def async_start(self) -> None:
        """Load the records; turn on every plug that is due, reschedule the others."""
        stored: object = await self._store.async_load()
        self.pending, self._history = power_cycle_state(mapping(stored, STORAGE_KEY), STORAGE_KEY)
        if stored is not None and stored != {"pending": self.pending, "history": self._history}:
            await self._async_save()  # what was dropped or repaired stays so
        now = timestamp_now()
        for plug, record in list(self.pending.items()):
            turn_on_at = record["turn_on_at"]
            if turn_on_at <= now:
                LOGGER.warning("Turning %s back on: a power cycle was cut short", plug)
                self._start_recovery(plug)
            else:
                self._schedule_recovery(plug, dt_util.utc_from_timestamp(turn_on_at))
        # A shutdown job, not a listener of EVENT_HOMEASSISTANT_STOP: shutdown jobs run (and are
        # awaited) before Home Assistant cancels its background tasks, among them the cycles
        # that the button and the repair flow start and every recovery.
        self.hass.async_add_shutdown_job(
            HassJob(self._async_shutdown, f"{DOMAIN} turn plugs back on")
        )

    async def _async_shutdown(self) -> None:
        """Home Assistant is stopping: every plug with a pending record goes back on now.

        Cycles under way are cut short (each turns its plug on); a record not yet due, or one
        whose recovery waits for its plug, gets an attempt at once. A plug that is still not on
        after `SHUTDOWN_WAIT_SECONDS` keeps its record, which the next start-up honours.
        """
        self._stopping = True
        deadline = timestamp_now() + SHUTDOWN_WAIT_SECONDS
        for cancel in self._timers.values():
            cancel()
        self._timers.clear()
        cycles = list(self.active.values())
        for cycle in cycles:
            cycle.interrupt()
        await self._async_wait_for([cycle.plug_on for cycle in cycles], deadline)
        for plug in list(self.pending):  # a recovery may end (and drop its record) at once
            if plug not in self.active:
                self._start_recovery(plug)  # joins a recovery under way
        for waiter in self._recovery_waiters.values():
            waiter.wake()  # retry now, not at the next retry time
        await self._async_wait_for(list(self._recoveries.values()), deadline)
        self._stopped = True
        if self.pending:
            LOGGER.warning(
                "Home Assistant is stopping with %s still off; it is turned on at the next start",
                ", ".join(sorted(self.pending)),
            )

    async def _async_wait_for(self, waits: Sequence[asyncio.Future[Any]], deadline: float) -> None:
        """Wait until every future is done, or until `deadline` (a Home Assistant timer)."""
        if not waits or (remaining := deadline - timestamp_now()) <= 0:
            return
        # Shielded: giving up waiting must not cancel a cycle or a recovery.
        gathered = asyncio.gather(*(asyncio.shield(wait) for wait in waits), return_exceptions=True)
        waiter = Waiter(self.hass)
        gathered.add_done_callback(waiter.wake)
        await waiter.wait(remaining)

    async def async_entry_unloading(self, entry_id: str) -> None:
        """An entry is unloading: its cycles turn their plugs on before it goes."""
        await self._async_interrupt(
            [cycle for cycle in self.active.values() if cycle.request.entry_id == entry_id]
        )

    @staticmethod
    async def _async_interrupt(cycles: list[ActiveCycle]) -> None:
        for cycle in cycles:
            cycle.interrupt()
        for cycle in cycles:
            await asyncio.shield(cycle.plug_on)

    @callback
    def _schedule_recovery(self, plug: str, when: datetime) -> None:
        @callback
        def due(_now: datetime) -> None:
            self._timers.pop(plug, None)
            self._start_recovery(plug)

        self._timers[plug] = async_track_point_in_utc_time(self.hass, due, when)

    @callback
    def _start_recovery(self, plug: str) -> None:
        if plug in self._recoveries or self._stopped:
            return
        # A background task, not a tracked one: a recovery may wait 10 minutes for its plug, and
        # tracked tasks hold up Home Assistant's start-up and every `async_block_till_done`. Stop
        # cannot cut it short unnoticed: the shutdown job wakes it and awaits it before Home
        # Assistant cancels background tasks, and its record stays stored until the plug is on.
        task = self.hass.async_create_background_task(
            self._async_recover(plug), f"{DOMAIN} turn {plug} back on"
        )
        if not task.done():  # it starts eagerly, and may end before it suspends
            self._recoveries[plug] = task

    async def _async_recover(self, plug: str) -> bool:
        """Turn a plug on; while it is unavailable keep trying, for up to 10 minutes."""
        deadline = timestamp_now() + PLUG_RECOVERY_WINDOW.total_seconds()
        waiter = self._recovery_waiters[plug] = Waiter(self.hass)
        unsub = async_track_state_change_event(self.hass, [plug], waiter.wake)
        try:
            while True:
                state = self.hass.states.get(plug)
                if state is not None and state.state == STATE_ON:
                    self.pending.pop(plug, None)
                    await self._async_save()
                    ir.async_delete_issue(self.hass, DOMAIN, plug_left_off_issue_id(plug))
                    LOGGER.info("%s is back on", plug)
                    return True
                available = state is not None and state.state not in (
                    STATE_UNAVAILABLE,
                    STATE_UNKNOWN,
                )
                if available and await self._async_switch(plug, on=True, waiter=waiter):
                    continue
                remaining = deadline - timestamp_now()
                if remaining <= 0:
                    LOGGER.error("Could not turn %s back on; it may still be off", plug)
                    ir.async_create_issue(
                        self.hass,
                        DOMAIN,
                        plug_left_off_issue_id(plug),
                        is_fixable=False,
                        is_persistent=True,
                        severity=ir.IssueSeverity.ERROR,
                        translation_key="plug_left_off",
                        translation_placeholders={"plug": plug},
                    )
                    return False
                await waiter.wait(min(PLUG_RECOVERY_RETRY_SECONDS, remaining))
        finally:
            unsub()
            self._recoveries.pop(plug, None)
            self._recovery_waiters.pop(plug, None)

    async def _async_switch(self, plug: str, *, on: bool, waiter: Waiter) -> bool:
        """Switch a plug and verify that it reports the new state (a few attempts)."""
        target = STATE_ON if on else STATE_OFF
        for attempt in range(1, PLUG_SWITCH_ATTEMPTS + 1):
            if self._plug_is(plug, target):
                return True
            try:
                await self.hass.services.async_call(
                    SWITCH_DOMAIN,
                    SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
                    {ATTR_ENTITY_ID: plug},
                    blocking=True,
                )
            except HomeAssistantError as err:
                LOGGER.warning(
                    "Switching %s %s failed (attempt %s): %s", plug, target, attempt, err
                )
            deadline = timestamp_now() + PLUG_CONFIRM_SECONDS
            while not self._plug_is(plug, target) and (remaining := deadline - timestamp_now()) > 0:
                await waiter.wait(remaining)
        return self._plug_is(plug, target)

    def _plug_is(self, plug: str, target: str) -> bool:
        state = self.hass.states.get(plug)
        return state is not None and state.state == target

    async def _async_save(self) -> None:
        await self._store.async_save({"pending": self.pending, "history": self._history})
