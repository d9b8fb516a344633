"""Demo-only stand-in for a phone with the Home Assistant Companion app.

Never shipped (it lives under config/, which HACS does not install). The Companion app's
integration (mobile_app) cannot be set up in the demo: it needs assist_pipeline, whose
requirements have no wheels for the demo's Python. The notify blueprint sends to
`notify.mobile_app_<phone>`; this integration adds a "Demo Phone" device and that action, and
shows what the phone would show as a notification in Home Assistant (the bell in the sidebar),
with how to press its buttons: the Companion app fires `mobile_app_notification_action` with
the button's action when one is pressed.
"""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr

DOMAIN = "demo_phone"
PHONE_NAME = "Demo Phone"
# What the Companion app's notify action is called for a phone named PHONE_NAME.
NOTIFY_SERVICE = "mobile_app_demo_phone"
LOGGER = logging.getLogger(__name__)


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """The phone's device and its notify action."""
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.entry_id)},
        name=PHONE_NAME,
        manufacturer="Blink Audio Doctor demo",
        model="Phone with the Companion app (stand-in)",
    )

    async def notify(call: ServiceCall) -> None:
        title = str(call.data.get("title", ""))
        message = str(call.data.get("message", ""))
        data: dict[str, Any] = call.data.get("data") or {}
        buttons = [
            f"- {button.get('title')}: "
            + (
                f"open {button.get('uri')}"
                if button.get("action") == "URI"
                else "Developer tools > Events, fire `mobile_app_notification_action` with "
                f"`action: {button.get('action')}`"
            )
            for button in data.get("actions", [])
        ]
        LOGGER.info("%s: %s: %s", PHONE_NAME, title, message)
        persistent_notification.async_create(
            hass,
            "\n".join([message, "", *buttons]) if buttons else message,
            title=f"{PHONE_NAME}: {title}",
        )

    hass.services.async_register("notify", NOTIFY_SERVICE, notify)
    entry.async_on_unload(lambda: hass.services.async_remove("notify", NOTIFY_SERVICE))
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:  # noqa: ARG001
    """Nothing else to undo."""
    return True
