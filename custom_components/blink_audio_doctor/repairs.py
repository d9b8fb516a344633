"""Repair flows: walk the troubleshooting article's fixes, the measured causes first.

The flow opens on a menu: the fix steps of what was measured on this camera come first, then the
article's remaining steps in its order (hold Talk, microphone access, restart, internet speed,
obstructions, re-add, reinstall), and "Check again". Where Home Assistant can act, the step offers
it: power-cycle now (a smart plug is mapped), run a network test now, start the guided re-add.
"""

from __future__ import annotations

from typing import Any

import probatio as vol
from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .const import CONF_PLUGS, DOMAIN
from .data import BlinkAudioDoctorConfigEntry
from .doctor.capabilities import supports_plug_power_cycle
from .doctor.model import CameraSnapshot, Diagnosis, FixStep, Verdict
from .doctor.rules import fix_order
from .health import CameraHealth, describe_findings
from .power_cycle import async_get_power_cycles
from .readd import async_create_re_add_fix_flow, async_get_re_adds

CHECK_AGAIN = "check_again"
ACTION_FIELD = {
    FixStep.RESTART_CAMERA: "power_cycle_now",
    FixStep.INTERNET_SPEED: "run_network_test_now",
    FixStep.RE_ADD_CAMERA: "start_re_add_now",
}


class CameraFixFlow(RepairsFlow):
    """The fixes for one camera whose two-way audio is unlikely to work."""

    def __init__(self, entry_id: str, serial: str) -> None:
        """Remember which camera of which entry."""
        self.entry_id = entry_id
        self.serial = serial
        self._result: str = ""

    # The menu -----------------------------------------------------------------------------

    async def async_step_init(self, user_input: dict[str, str] | None = None) -> RepairsFlowResult:
        """The menu: measured causes first, then the article's order, then "Check again"."""
        health = self._health()
        diagnosis = health.diagnosis if health else Diagnosis(Verdict.UNKNOWN)
        return self.async_show_menu(
            step_id="init",
            menu_options=[step.value for step in fix_order(diagnosis)] + [CHECK_AGAIN],
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
            if health is not None and health.verdict in (Verdict.HEALTHY, Verdict.UNSUPPORTED):
                return self.async_create_entry(data={})
            diagnosis = health.diagnosis if health else Diagnosis(Verdict.UNKNOWN)
            return self.async_show_form(
                step_id=CHECK_AGAIN,
                data_schema=vol.Schema({}),
                description_placeholders={
                    "name": self._camera_name(),
                    "findings": await describe_findings(self.hass, diagnosis),
                },
            )
        return await self.async_step_init()

    # The fix steps ------------------------------------------------------------------------

    async def async_step_push_to_talk(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Hold the Talk button while speaking."""
        return await self._explain(FixStep.PUSH_TO_TALK, user_input)

    async def async_step_microphone_access(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Give the Blink app the microphone (iOS and Android steps)."""
        return await self._explain(FixStep.MICROPHONE_ACCESS, user_input)

    async def async_step_restart_camera(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Restart the camera: by its smart plug when one is mapped, else by hand."""
        return await self._explain(FixStep.RESTART_CAMERA, user_input)

    async def async_step_internet_speed(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Internet speed and latency, with a network test on request."""
        return await self._explain(FixStep.INTERNET_SPEED, user_input)

    async def async_step_obstructions(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Obstacles and distance between camera and router or Sync Module."""
        return await self._explain(FixStep.OBSTRUCTIONS, user_input)

    async def async_step_re_add_camera(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Delete the camera in the Blink app and add it back (guided)."""
        return await self._explain(FixStep.RE_ADD_CAMERA, user_input)

    async def async_step_reinstall_app(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Reinstall the Blink app, the last resort."""
        return await self._explain(FixStep.REINSTALL_APP, user_input)

    async def _explain(self, step: FixStep, user_input: dict[str, Any] | None) -> RepairsFlowResult:
        """Show a fix in our own words with the measured values; do its action when asked."""
        field = ACTION_FIELD.get(step, "")
        can_act = bool(field) and self._can_act(step)
        errors: dict[str, str] = {}
        if user_input is not None:
            if not (can_act and user_input.get(field)):
                return await self.async_step_init()
            try:
                self._result = await self._act(step)
            except HomeAssistantError as err:
                errors["base"] = "action_failed"
                self._result = str(err)
            else:
                return await self.async_step_init()
        schema = vol.Schema({vol.Required(field, default=True): bool} if can_act else {})
        return self.async_show_form(
            step_id=step.value,
            data_schema=schema,
            errors=errors,
            description_placeholders={
                "name": self._camera_name(),
                "measured": self._measured(),
                "serial": self.serial,
                "result": self._result,
            },
        )

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

    async def _act(self, step: FixStep) -> str:
        """Do what Home Assistant can do for this fix; return what happened, in short."""
        entry = self._entry()
        if entry is None:
            raise HomeAssistantError(translation_domain=DOMAIN, translation_key="entry_not_loaded")
        if step is FixStep.INTERNET_SPEED:
            reading = await entry.runtime_data.network.async_run_network_test()
            return (
                f"{reading.download_mbps} / {reading.upload_mbps} Mbit/s, {reading.latency_ms} ms"
            )
        if step is FixStep.RESTART_CAMERA:
            return await async_power_cycle_from_repair(self.hass, entry, self.serial)
        return await async_start_re_add_from_repair(self.hass, entry, self.serial)

    # Lookups ------------------------------------------------------------------------------

    def _entry(self) -> BlinkAudioDoctorConfigEntry | None:
        entry = self.hass.config_entries.async_get_entry(self.entry_id)
        if entry is None or getattr(entry, "runtime_data", None) is None:
            return None
        return entry

    def _health(self) -> CameraHealth | None:
        entry = self._entry()
        return entry.runtime_data.health.cameras.get(self.serial) if entry else None

    def _camera(self) -> CameraSnapshot | None:
        entry = self._entry()
        snapshot = entry.runtime_data.account.data if entry else None
        return snapshot.cameras.get(self.serial) if snapshot else None

    def _camera_name(self) -> str:
        camera = self._camera()
        return camera.name if camera and camera.name else self.serial

    def _measured(self) -> str:
        """The camera's and the home's figures, for the fix texts."""
        entry = self._entry()
        camera = self._camera()
        reading = entry.runtime_data.network.data if entry else None
        parts = []
        if camera is not None:
            parts.append(f"Wi-Fi {camera.wifi_bars if camera.wifi_bars is not None else '?'}/5")
            if camera.wifi_dbm is not None:
                parts.append(f"{camera.wifi_dbm} dBm")
            if camera.sync_link_bars is not None:
                parts.append(f"Sync Module link {camera.sync_link_bars}/5")
        if reading is not None:
            parts.append(
                f"↓ {_value(reading.download_mbps)} / ↑ {_value(reading.upload_mbps)} Mbit/s, "
                f"{_value(reading.latency_ms)} ms"
            )
        return " · ".join(parts)


def _value(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


async def async_power_cycle_from_repair(
    hass: HomeAssistant, entry: BlinkAudioDoctorConfigEntry, serial: str
) -> str:
    """Power-cycle a camera by its plug, as the power_cycle action does with its defaults."""
    result = await async_get_power_cycles(hass).async_power_cycle_serial(entry, serial)
    return "online" if result.get("came_back_online") else "offline"


async def async_start_re_add_from_repair(
    hass: HomeAssistant, entry: BlinkAudioDoctorConfigEntry, serial: str
) -> str:
    """Start the guided re-add of a camera, as the re_add_camera action does."""
    tracking = await async_get_re_adds(hass).async_start_serial(entry, serial)
    return str(tracking.get("tracking_id", ""))


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, str | int | float | None] | None
) -> RepairsFlow:
    """The fix flow of an issue: a camera's fixes, or a guided re-add."""
    if issue_id.startswith("re_add_"):
        return async_create_re_add_fix_flow(hass, issue_id, data)
    data = data or {}
    return CameraFixFlow(str(data.get("entry_id")), str(data.get("serial")))
