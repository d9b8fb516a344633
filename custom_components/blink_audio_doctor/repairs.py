"""Repair flows: walk the troubleshooting article's fixes, the measured causes first.

The flow opens on a menu: the fix steps of what was measured on this camera come first, then the
article's remaining steps in its order (hold Talk, microphone access, restart, internet speed,
obstructions, re-add, reinstall), and "Check again". Where Home Assistant can act, the step offers
it: power-cycle now (a smart plug is mapped), run a network test now, start the guided re-add.
What takes time runs behind a progress step and ends on a step of its own that tells how it went;
a camera that is healthy again ends the flow with that news.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import probatio as vol
from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .const import CONF_PLUGS, DOMAIN
from .data import BlinkAudioDoctorConfigEntry
from .doctor.capabilities import supports_plug_power_cycle
from .doctor.model import Diagnosis, FixStep, Verdict
from .doctor.rules import fix_order
from .health import describe_findings, describe_measured
from .network_reading import NetworkReading
from .power_cycle import (
    OUTCOME_INTERRUPTED,
    OUTCOME_ONLINE,
    OUTCOME_PLUG_FAILED_OFF,
    OUTCOME_PLUG_FAILED_ON,
    async_get_power_cycles,
)
from .readd import async_get_re_adds
from .readd_flow import async_create_re_add_fix_flow
from .repairs_talk import (
    HEALTHY,
    TEST_TALK_PATH,
    CameraRepairFlowBase,
    talk_path_menu_position,
)

CHECK_AGAIN = "check_again"
ACTION_FIELD = {
    FixStep.RESTART_CAMERA: "power_cycle_now",
    FixStep.INTERNET_SPEED: "run_network_test_now",
    FixStep.RE_ADD_CAMERA: "start_re_add_now",
}
POWER_CYCLING = "power_cycling"
NETWORK_TESTING = "network_testing"
# The step that tells how a power cycle went, by its outcome (anything else: still offline).
CYCLE_RESULT_STEPS = {
    OUTCOME_ONLINE: "power_cycle_online",
    OUTCOME_INTERRUPTED: "power_cycle_interrupted",
    OUTCOME_PLUG_FAILED_OFF: "power_cycle_plug_failed",
    OUTCOME_PLUG_FAILED_ON: "power_cycle_plug_failed",
}


def _fix_step(
    step: FixStep,
) -> Callable[[CameraFixFlow, dict[str, Any] | None], Awaitable[RepairsFlowResult]]:
    """The handler of one fix step: it shows the fix (and starts its action when asked)."""

    async def handler(
        flow: CameraFixFlow, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        return await flow.show_fix(step, user_input)

    return handler


class CameraFixFlow(CameraRepairFlowBase):
    """The fixes for one camera whose two-way audio is unlikely to work."""

    def __init__(self, entry_id: str, serial: str) -> None:
        """Remember which camera of which entry."""
        self.entry_id = entry_id
        self.serial = serial
        self._cycle: asyncio.Task[dict[str, Any]] | None = None
        self._cycle_result: dict[str, Any] = {}
        self._test: asyncio.Task[tuple[NetworkReading | None, str]] | None = None
        self._test_result: tuple[NetworkReading | None, str] = (None, "")

    # The menu -----------------------------------------------------------------------------

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """The menu: measured causes first, then the article's order, then "Check again"."""
        health = self._health()
        if health is not None and health.verdict in HEALTHY:
            return self._healthy_again()
        diagnosis = health.diagnosis if health else Diagnosis(Verdict.UNKNOWN)
        options = [step.value for step in fix_order(diagnosis)]
        options.insert(talk_path_menu_position(diagnosis, len(options)), TEST_TALK_PATH)
        return self.async_show_menu(
            step_id="init",
            menu_options=[*options, CHECK_AGAIN],
            description_placeholders={
                "name": self._camera_name(),
                "findings": await describe_findings(self.hass, diagnosis),
            },
        )

    async def async_step_check_again(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Fetch fresh data and judge again: healthy ends the flow, otherwise say what remains."""
        entry = self._entry()
        if entry is None:
            return self.async_abort(reason="entry_not_loaded")
        if user_input is None:
            cameras = await entry.runtime_data.health.async_recheck(configs_of=[self.serial])
            health = cameras.get(self.serial)
            if health is not None and health.verdict in HEALTHY:
                return self._healthy_again()
            return await self._remaining(CHECK_AGAIN)
        return await self.async_step_init()

    # The fix steps ------------------------------------------------------------------------

    # Each fix step of the menu; a battery camera's restart is worded without smart plugs.
    async_step_push_to_talk = _fix_step(FixStep.PUSH_TO_TALK)
    async_step_microphone_access = _fix_step(FixStep.MICROPHONE_ACCESS)
    async_step_restart_camera = _fix_step(FixStep.RESTART_CAMERA)
    async_step_restart_battery_camera = _fix_step(FixStep.RESTART_CAMERA)
    async_step_internet_speed = _fix_step(FixStep.INTERNET_SPEED)
    async_step_obstructions = _fix_step(FixStep.OBSTRUCTIONS)
    async_step_re_add_camera = _fix_step(FixStep.RE_ADD_CAMERA)
    async_step_reinstall_app = _fix_step(FixStep.REINSTALL_APP)

    async def show_fix(self, step: FixStep, user_input: dict[str, Any] | None) -> RepairsFlowResult:
        """Show a fix in our own words with the measured values; start its action when asked.

        A refused action (a cooldown, an unavailable plug) is told on this same step.
        """
        field = ACTION_FIELD.get(step, "")
        can_act = bool(field) and self._can_act(step)
        errors: dict[str, str] = {}
        reason = ""
        if user_input is not None:
            if not (can_act and user_input.get(field)):
                return await self.async_step_init()
            try:
                return await self._act(step)
            except HomeAssistantError as err:
                errors["base"] = "action_failed"
                reason = str(err)
        placeholders = {
            "name": self._camera_name(),
            "measured": await self._measured(),
            "serial": self.serial[-4:],
            "result": reason,
        }
        if not can_act:
            # Nothing to start here: the step only explains, so it ends with "Back" or "Done".
            return self.async_show_menu(
                step_id=self._explain_step_id(step),
                menu_options=["init", "done"],
                description_placeholders=placeholders,
            )
        return self.async_show_form(
            step_id=step.value,
            data_schema=vol.Schema({vol.Required(field, default=True): bool}),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_done(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Close the fix list; the repair stays until the camera is healthy again."""
        return self.async_abort(reason="done")

    def _explain_step_id(self, step: FixStep) -> str:
        """A camera no smart plug can restart (batteries) gets a restart text without plugs."""
        camera = self._camera()
        if (
            step is FixStep.RESTART_CAMERA
            and camera is not None
            and not supports_plug_power_cycle(camera.product_type)
        ):
            return "restart_battery_camera"
        return step.value

    def _can_act(self, step: FixStep) -> bool:
        entry = self._entry()
        if entry is None:
            return False
        if step is FixStep.RESTART_CAMERA:
            camera = self._camera()
            return (
                camera is not None
                and supports_plug_power_cycle(camera.product_type)
                and self.serial in entry.options.get(CONF_PLUGS, {})
            )
        return True

    async def _act(self, step: FixStep) -> RepairsFlowResult:
        """Start what Home Assistant can do for this fix; raises HomeAssistantError if refused."""
        entry = self._entry()
        if entry is None:
            raise HomeAssistantError(translation_domain=DOMAIN, translation_key="entry_not_loaded")
        if step is FixStep.RESTART_CAMERA:
            self._cycle = async_get_power_cycles(self.hass).async_start_and_follow(
                self.entry_id, self.serial
            )
            return await self.async_step_power_cycling()
        if step is FixStep.INTERNET_SPEED:
            self._test = self.hass.async_create_background_task(
                _async_network_test(entry), f"{DOMAIN} repair network test"
            )
            return await self.async_step_network_testing()
        await async_get_re_adds(self.hass).async_start_serial(entry, self.serial)
        return self.async_abort(
            reason="re_add_started", description_placeholders={"name": self._camera_name()}
        )

    # Power cycle --------------------------------------------------------------------------

    async def async_step_power_cycling(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """The plug is off, then Blink is asked until the camera is online again."""
        task = self._cycle
        if task is not None and not task.done():
            return self.async_show_progress(
                step_id=POWER_CYCLING,
                progress_action=POWER_CYCLING,
                progress_task=task,
                description_placeholders={"name": self._camera_name(), "plug": self._plug()},
            )
        self._cycle_result = task.result() if task is not None and not task.cancelled() else {}
        self._cycle = None
        outcome = self._cycle_result.get("outcome")
        if outcome == OUTCOME_ONLINE and self._is_healthy():
            return self.async_show_progress_done(next_step_id="power_cycle_healthy")
        return self.async_show_progress_done(
            next_step_id=CYCLE_RESULT_STEPS.get(str(outcome), "power_cycle_offline")
        )

    async def async_step_power_cycle_healthy(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Back online and healthy: the flow ends with that news."""
        return self._healthy_again(
            "back_online_healthy", seconds=self._seconds(), plug=self._plug()
        )

    async def async_step_power_cycle_online(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Back online, but something still stands in the way."""
        return await self._result(user_input, "power_cycle_online", seconds=self._seconds())

    async def async_step_power_cycle_offline(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """The plug cycled, but Blink did not report the camera online in time."""
        return await self._result(user_input, "power_cycle_offline", plug=self._plug())

    async def async_step_power_cycle_plug_failed(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """The plug did not switch."""
        return await self._result(user_input, "power_cycle_plug_failed", plug=self._plug())

    async def async_step_power_cycle_interrupted(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """An unload or a stop cut the cycle short (the plug was turned on first)."""
        return await self._result(user_input, "power_cycle_interrupted", plug=self._plug())

    def _seconds(self) -> str:
        seconds = self._cycle_result.get("seconds_to_online")
        return f"{seconds:.0f}" if isinstance(seconds, int | float) else "?"

    # Network test -------------------------------------------------------------------------

    async def async_step_network_testing(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Latency and speed are being measured."""
        task = self._test
        if task is not None and not task.done():
            return self.async_show_progress(
                step_id=NETWORK_TESTING,
                progress_action=NETWORK_TESTING,
                progress_task=task,
                description_placeholders={"name": self._camera_name()},
            )
        self._test_result = (None, "") if task is None or task.cancelled() else task.result()
        self._test = None
        reading, _ = self._test_result
        if reading is None:
            return self.async_show_progress_done(next_step_id="network_test_failed")
        if self._is_healthy():
            return self.async_show_progress_done(next_step_id="network_test_healthy")
        return self.async_show_progress_done(next_step_id="network_test_done")

    async def async_step_network_test_healthy(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Measured, and the camera is healthy again: the flow ends with that news."""
        return self._healthy_again()

    async def async_step_network_test_done(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """The new figures, and what still stands in the way."""
        return await self._result(user_input, "network_test_done", measured=await self._measured())

    async def async_step_network_test_failed(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """The test could not measure; the reason."""
        return await self._result(user_input, "network_test_failed", reason=self._test_result[1])

    # Results ------------------------------------------------------------------------------

    async def _result(
        self, user_input: dict[str, Any] | None, step_id: str, **placeholders: str
    ) -> RepairsFlowResult:
        """One action's own result, then "Back to the list" or "Done"."""
        return await self._remaining(step_id, **placeholders)

    def _plug(self) -> str:
        entry = self._entry()
        return str(entry.options.get(CONF_PLUGS, {}).get(self.serial, "")) if entry else ""

    # Lookups ------------------------------------------------------------------------------

    async def _measured(self) -> str:
        """The camera's and the home's figures, for the fix texts."""
        entry = self._entry()
        reading = entry.runtime_data.network.data if entry else None
        return await describe_measured(self.hass, self._camera(), reading)


async def _async_network_test(
    entry: BlinkAudioDoctorConfigEntry,
) -> tuple[NetworkReading | None, str]:
    """Run the entry's network test; the reading, or None and why it failed."""
    try:
        return await entry.runtime_data.network.async_run_network_test(), ""
    except HomeAssistantError as err:
        return None, str(err)


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The fix flow of an issue: a camera's fixes, or a guided re-add."""
    if issue_id.startswith("re_add_"):
        return async_create_re_add_fix_flow(hass, issue_id, data)
    data = data or {}
    return CameraFixFlow(str(data.get("entry_id")), str(data.get("serial")))
