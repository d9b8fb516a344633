"""Power cycles of plug-powered Blink devices through a smart plug.

`PowerCycleManager` validates a request (device, plug, ranges), claims the plug (one cycle per
plug at a time; a cooldown and an hourly attempt limit per plug), switches it off and on again,
verifying the plug's state after every switch, and waits for Blink to report the device online.
Actions, buttons and repair flows all start cycles here; the restart-safe records are kept by
`PlugRecords` (plug_records.py).
"""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.event import (
    async_track_state_change_event,
)
from homeassistant.util.hass_dict import HassKey

from .const import (
    CONF_PLUGS,
    DEFAULT_OFF_SECONDS,
    DEFAULT_ONLINE_TIMEOUT,
    DOMAIN,
    EVENT_POWER_CYCLE,
    LOGGER,
    MAX_OFF_SECONDS,
    MAX_ONLINE_TIMEOUT,
    MAX_POWER_CYCLES_PER_HOUR,
    MIN_OFF_SECONDS,
    MIN_ONLINE_TIMEOUT,
    POWER_CYCLE_COOLDOWN,
    STATUS_POLL_SECONDS,
)
from .doctor.capabilities import capability_for
from .doctor.model import AccountSnapshot
from .plug_records import ActiveCycle, CycleRequest, PlugRecords, Waiter
from .stored import timestamp_now
from .targets import ResolvedDevice, async_resolve_device_by_serial, check_range, invalid

DATA_POWER_CYCLES: HassKey[PowerCycleManager] = HassKey(f"{DOMAIN}_power_cycles")
HOUR_SECONDS = 3600

OUTCOME_ONLINE = "online"
OUTCOME_TIMED_OUT = "timed_out"
OUTCOME_PLUG_CYCLED = "plug_cycled"  # not asked to wait for Blink
OUTCOME_INTERRUPTED = "interrupted"  # entry unloaded or Home Assistant stopping
OUTCOME_PLUG_FAILED_OFF = "plug_did_not_switch_off"
OUTCOME_PLUG_FAILED_ON = "plug_did_not_switch_on"


class PowerCycleManager(PlugRecords):
    """Every power cycle of this Home Assistant instance."""

    @callback
    def async_prepare(
        self,
        device: ResolvedDevice,
        *,
        off_seconds: float = DEFAULT_OFF_SECONDS,
        wait_for_online: bool = True,
        timeout: float = DEFAULT_ONLINE_TIMEOUT,
        force: bool = False,
    ) -> ActiveCycle:
        """Validate a cycle and claim its plug; raises ServiceValidationError, changes nothing."""
        check_range("off_seconds_out_of_range", off_seconds, MIN_OFF_SECONDS, MAX_OFF_SECONDS)
        check_range("timeout_out_of_range", timeout, MIN_ONLINE_TIMEOUT, MAX_ONLINE_TIMEOUT)
        name = device.name or device.serial[-4:]
        if device.is_camera:
            capability = capability_for(device.product_type)
            if capability is None:
                raise invalid("unknown_model", name=name)
            if not capability.plug_power_cycle:
                raise invalid("battery_device", name=name)
        plug = device.entry.options.get(CONF_PLUGS, {}).get(device.serial)
        if not plug:
            raise invalid("no_plug_mapped", name=name)
        state = self.hass.states.get(plug)
        if not plug.startswith("switch.") or state is None:
            raise invalid("plug_missing", name=name, plug=plug)
        if state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            raise invalid("plug_unavailable", name=name, plug=plug)
        return self.async_begin(
            CycleRequest(
                entry_id=device.entry.entry_id,
                serial=device.serial,
                name=device.name,
                device_id=device.device_id,
                plug=plug,
                off_seconds=off_seconds,
                wait_for_online=wait_for_online,
                timeout=timeout,
                force=force,
            )
        )

    @callback
    def async_start_in_background(self, entry_id: str, serial: str) -> ActiveCycle:
        """Start a power cycle with the defaults in the background (button, repair flows).

        Validation errors are raised at once; the cycle's own outcome goes to the event and the log.
        """
        cycle = self.async_prepare(async_resolve_device_by_serial(self.hass, entry_id, serial))

        async def run() -> None:
            try:
                await self.async_run(cycle)
            except HomeAssistantError as err:
                LOGGER.warning("Power cycle through %s failed: %s", cycle.request.plug, err)

        self.hass.async_create_background_task(run(), f"{DOMAIN} power cycle {cycle.request.plug}")
        return cycle

    @callback
    def async_start_and_follow(self, entry_id: str, serial: str) -> asyncio.Task[dict[str, Any]]:
        """Start a cycle as `async_start_in_background` does; the task ends with its outcome.

        The task's result is the data of the cycle's "finished" event. The cycle runs on its
        own: cancelling the task (a closed dialog) ends only this wait, never the cycle.
        """
        finished: asyncio.Future[dict[str, Any]] = self.hass.loop.create_future()
        plug: list[str] = []

        @callback
        def heard(event: Event) -> None:
            # One cycle per plug at a time: the next "finished" of this plug is ours.
            data = event.data
            if data.get("type") == "finished" and data.get("plug") in plug and not finished.done():
                finished.set_result(dict(data))

        unsub = self.hass.bus.async_listen(EVENT_POWER_CYCLE, heard)
        try:
            plug.append(self.async_start_in_background(entry_id, serial).request.plug)
        except HomeAssistantError:
            unsub()
            raise

        async def outcome() -> dict[str, Any]:
            try:
                return await finished
            finally:
                unsub()

        return self.hass.async_create_background_task(outcome(), f"{DOMAIN} follow power cycle")

    @callback
    def async_begin(self, request: CycleRequest) -> ActiveCycle:
        """Check the plug's limits and claim it; raises ServiceValidationError, changes nothing.

        A second cycle for a plug that is cycling is refused (it does not join the first).
        """
        plug = request.plug
        if self._stopping:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="home_assistant_stopping"
            )
        if plug in self.active or plug in self.pending or plug in self._recoveries:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="power_cycle_in_progress",
                translation_placeholders={"plug": plug},
            )
        now = timestamp_now()
        history = self._history.get(plug, {})
        starts = [t for t in history.get("starts", []) if now - t < HOUR_SECONDS]
        if len(starts) >= MAX_POWER_CYCLES_PER_HOUR:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="attempt_limit_reached",
                translation_placeholders={
                    "limit": str(MAX_POWER_CYCLES_PER_HOUR),
                    "minutes": str(max(1, round((min(starts) + HOUR_SECONDS - now) / 60))),
                },
            )
        last_end = history.get("last_end")
        cooldown = POWER_CYCLE_COOLDOWN.total_seconds()
        if not request.force and last_end is not None and now - last_end < cooldown:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="cooldown_active",
                translation_placeholders={
                    "plug": plug,
                    "minutes": str(max(1, round((last_end + cooldown - now) / 60))),
                },
            )
        self._history[plug] = {"starts": [*starts, now], "last_end": last_end}
        cycle = ActiveCycle(
            request=request, waiter=Waiter(self.hass), plug_on=self.hass.loop.create_future()
        )
        self.active[plug] = cycle
        return cycle

    async def async_run(self, cycle: ActiveCycle) -> dict[str, Any]:
        """Run a cycle claimed by `async_begin`; returns the response data.

        Raises HomeAssistantError when the plug does not switch (it is then switched on again).
        """
        request = cycle.request
        plug = request.plug
        try:
            return await self._async_cycle(cycle)
        except asyncio.CancelledError:
            if plug in self.pending:
                self._start_recovery(plug)
            raise
        finally:
            self.active.pop(plug, None)
            if not cycle.plug_on.done():
                cycle.plug_on.set_result(None)
            self._history.setdefault(plug, {"starts": []})["last_end"] = timestamp_now()
            self.hass.async_create_background_task(self._async_save(), f"{DOMAIN} save")

    async def _async_cycle(self, cycle: ActiveCycle) -> dict[str, Any]:
        request = cycle.request
        plug = request.plug
        self._fire(request, "started")
        self.pending[plug] = {
            "turn_on_at": timestamp_now() + request.off_seconds,
            "serial": request.serial,
            "entry_id": request.entry_id,
        }
        await self._async_save()  # before the plug goes off: a crash now still turns it on
        waiter = cycle.waiter
        unsub = async_track_state_change_event(self.hass, [plug], waiter.wake)
        try:
            # A stop or an unload that came while the record was being saved: the plug stays on.
            if not cycle.interrupted and not await self._async_switch(
                plug, on=False, waiter=waiter
            ):
                await self._async_plug_back_on(cycle)
                self._fire(request, "finished", outcome=OUTCOME_PLUG_FAILED_OFF)
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="plug_did_not_switch_off",
                    translation_placeholders={"plug": plug},
                )
            turn_on_at = timestamp_now() + request.off_seconds
            while not cycle.interrupted and (remaining := turn_on_at - timestamp_now()) > 0:
                await waiter.wait(remaining)
            if not await self._async_plug_back_on(cycle):
                self._fire(request, "finished", outcome=OUTCOME_PLUG_FAILED_ON)
                raise HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="plug_did_not_switch_on",
                    translation_placeholders={"plug": plug},
                )
        finally:
            unsub()
        on_at = timestamp_now()
        came_back: bool | None = None
        seconds_to_online: float | None = None
        if cycle.interrupted:
            outcome = OUTCOME_INTERRUPTED
        elif request.wait_for_online:
            seconds_to_online = await self._async_wait_online(cycle, on_at)
            came_back = seconds_to_online is not None
            if came_back:
                outcome = OUTCOME_ONLINE
            else:
                outcome = OUTCOME_INTERRUPTED if cycle.was_interrupted() else OUTCOME_TIMED_OUT
        else:
            outcome = OUTCOME_PLUG_CYCLED
        response: dict[str, Any] = {
            "plug": plug,
            "off_seconds": request.off_seconds,
            "came_back_online": came_back,
            "seconds_to_online": seconds_to_online,
        }
        self._fire(request, "finished", outcome=outcome, **response)
        return response

    async def _async_plug_back_on(self, cycle: ActiveCycle) -> bool:
        """Switch the plug on; on success drop its record, else hand it to the recovery."""
        plug = cycle.request.plug
        if await self._async_switch(plug, on=True, waiter=cycle.waiter):
            self.pending.pop(plug, None)
            await self._async_save()
            ok = True
        else:
            self._start_recovery(plug)  # keeps trying for 10 minutes; the record stays
            ok = False
        if not cycle.plug_on.done():
            cycle.plug_on.set_result(None)
        return ok

    async def _async_wait_online(self, cycle: ActiveCycle, on_at: float) -> float | None:
        """Wait until Blink reports the device online; ask Blink at most every 31 s.

        Returns the seconds from plug-on to online, or None at time-out. Only data Blink gave
        after the plug came back on counts (older data may still show the device online).
        """
        request = cycle.request
        entry = self.hass.config_entries.async_get_entry(request.entry_id)
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return None
        account = entry.runtime_data.account
        # Refreshes someone else asks for (HA's Blink polls, our own poll) count too.
        unsub = account.async_add_listener(cycle.waiter.wake)
        deadline = on_at + request.timeout
        next_ask = on_at + STATUS_POLL_SECONDS
        try:
            while True:
                if self._online_in(account.data, request.serial, since=on_at):
                    break
                now = timestamp_now()
                if cycle.interrupted or now >= deadline:
                    return None
                if now >= next_ask:
                    next_ask = now + STATUS_POLL_SECONDS
                    if await self._async_ask_blink(entry, request.serial, since=on_at):
                        break
                    continue
                await cycle.waiter.wait(min(next_ask, deadline) - now)
        finally:
            unsub()
        seconds = round(timestamp_now() - on_at, 3)
        # Back online: a Mini's or doorbell's signal comes from its config, read again now so
        # the verdict after the restart rests on a reading from after it.
        await account.async_read_configs_now([request.serial])
        return seconds

    @staticmethod
    def _online_in(snapshot: AccountSnapshot | None, serial: str, *, since: float) -> bool:
        """Online in data Blink gave after `since`."""
        # Linked mode's snapshot time is blinkpy's last refresh, in whole seconds.
        if snapshot is None or snapshot.taken_at.timestamp() < int(since):
            return False
        device = snapshot.cameras.get(serial) or snapshot.sync_modules.get(serial)
        return device is not None and device.online is True

    async def _async_ask_blink(self, entry: Any, serial: str, *, since: float) -> bool:
        """One status request through the entry's data source; whether the device is online."""
        account = entry.runtime_data.account
        await account.async_refresh_now()
        return self._online_in(account.data, serial, since=since)

    # ------------------------------------------------------------------------------ helpers

    def _fire(self, request: CycleRequest, kind: str, **data: Any) -> None:
        self.hass.bus.async_fire(
            EVENT_POWER_CYCLE,
            {
                "type": kind,
                "device_id": request.device_id,
                "name": request.name,
                "plug": request.plug,
                "off_seconds": request.off_seconds,
                **data,
            },
        )


def async_get_power_cycles(hass: HomeAssistant) -> PowerCycleManager:
    """The instance's power-cycle manager (created by `async_setup`)."""
    return hass.data[DATA_POWER_CYCLES]
