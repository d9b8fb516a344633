"""The repair flow of a guided re-add: delete in the app, restart, add back, check.

When the camera is back but HA's Blink integration shows it only after a reload, the last step
says so and offers the reload as a choice, with its risk, or tells how to do it later.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.exceptions import HomeAssistantError

from .const import RE_ADD_ISSUE_PREFIX
from .power_cycle import async_get_power_cycles
from .readd import async_get_re_adds
from .readd_record import STATE_WAITING_FOR_DELETE, ReAdd


class ReAddRepairFlow(RepairsFlow):
    """The steps of a guided re-add: delete in the app, restart, add back, check."""

    def __init__(self, tracking_id: str) -> None:
        """Follow one re-add."""
        super().__init__()
        self.tracking_id = tracking_id
        self._name = ""

    def _record(self) -> ReAdd | None:
        return async_get_re_adds(self.hass).open.get(self.tracking_id)

    def _open_record(self) -> ReAdd:
        """The re-add this flow follows; the flow ends when it is no longer open."""
        record = self._record()
        if record is None:
            raise AbortFlow("re_add_not_found")
        return record

    def _placeholders(self, record: ReAdd) -> dict[str, str]:
        return {"name": record.name or "", "serial": record.serial[-4:], "plug": record.plug or ""}

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> RepairsFlowResult:
        """Start at the first step the re-add has not passed."""
        if self.tracking_id in async_get_re_adds(self.hass).reload_needed:
            return await self.async_step_blink_reload()
        if self._open_record().state == STATE_WAITING_FOR_DELETE:
            return await self.async_step_delete()
        return await self.async_step_add_back()

    async def async_step_delete(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Delete the camera in the Blink app."""
        record = self._open_record()
        if user_input is not None:
            if record.plug:
                return await self.async_step_restart_plug()
            return await self.async_step_restart_manual()
        return self.async_show_form(
            step_id="delete", description_placeholders=self._placeholders(record)
        )

    async def async_step_restart_plug(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Restart the camera through its smart plug."""
        record = self._open_record()
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                async_get_power_cycles(self.hass).async_start_in_background(
                    record.entry_id, record.serial
                )
            except HomeAssistantError:
                errors["base"] = "power_cycle_refused"
            else:
                return await self.async_step_add_back()
        return self.async_show_form(
            step_id="restart_plug",
            description_placeholders=self._placeholders(record),
            errors=errors,
        )

    async def async_step_restart_manual(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Restart the camera by hand."""
        record = self._open_record()
        if user_input is not None:
            return await self.async_step_add_back()
        return self.async_show_form(
            step_id="restart_manual", description_placeholders=self._placeholders(record)
        )

    async def async_step_add_back(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Add the camera back in the Blink app; submitting checks whether it is back."""
        tracker = async_get_re_adds(self.hass)
        record = self._record()
        errors: dict[str, str] = {}
        if record is None or (
            user_input is not None and await tracker.async_check_now(self.tracking_id)
        ):
            if self.tracking_id in tracker.reload_needed:
                return await self.async_step_blink_reload()
            return self.async_create_entry(data={})
        if user_input is not None:
            errors["base"] = "not_seen_yet"
        return self.async_show_form(
            step_id="add_back",
            description_placeholders=self._placeholders(record),
            errors=errors,
        )

    async def async_step_blink_reload(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """The camera is back; HA's Blink shows it after a reload, which the user may choose."""
        waiting = async_get_re_adds(self.hass).reload_needed.get(self.tracking_id)
        if waiting is None:
            return self.async_create_entry(data={})
        record, _ = waiting
        self._name = record.name or record.serial[-4:]
        return self.async_show_menu(
            step_id="blink_reload",
            menu_options=["reload_blink", "reload_later"],
            description_placeholders={"name": self._name},
        )

    async def async_step_reload_blink(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Reload HA's Blink integration now (the user chose it, knowing it may ask to sign in)."""
        tracker = async_get_re_adds(self.hass)
        if self.tracking_id not in tracker.reload_needed:
            return self.async_create_entry(data={})
        loaded = await tracker.async_reload_blink(self.tracking_id)
        return self.async_create_entry(
            data={},
            description="blink_reloaded" if loaded else "blink_not_loaded",
            description_placeholders={"name": self._name},
        )

    async def async_step_reload_later(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Leave HA's Blink as it is; the closing text says how to reload it later."""
        async_get_re_adds(self.hass).reload_needed.pop(self.tracking_id, None)
        return self.async_create_entry(
            data={}, description="reload_later", description_placeholders={"name": self._name}
        )


def async_create_re_add_fix_flow(
    hass: HomeAssistant,  # noqa: ARG001
    issue_id: str,
    data: dict[str, str | int | float | None] | None,
) -> RepairsFlow:
    """Fix flow of a re-add issue; `repairs.async_create_fix_flow` dispatches `re_add_*` here."""
    tracking_id = str((data or {}).get("tracking_id") or issue_id.removeprefix(RE_ADD_ISSUE_PREFIX))
    return ReAddRepairFlow(tracking_id)
