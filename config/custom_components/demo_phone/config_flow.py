"""The demo phone is added in one step, with nothing to ask."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult

from . import DOMAIN, PHONE_NAME


class DemoPhoneConfigFlow(ConfigFlow, domain=DOMAIN):
    """One demo phone."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Add the phone at once."""
        await self.async_set_unique_id(DOMAIN)
        self._abort_if_unique_id_configured()
        return self.async_create_entry(title=PHONE_NAME, data={})
