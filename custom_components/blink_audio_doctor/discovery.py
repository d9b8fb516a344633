"""Offer Blink Audio Doctor for each loaded Blink account it does not look after yet.

Home Assistant sets this integration up only when it has an entry of its own, so the offers
come once it is loaded: for every further Blink account (a second one, or one added later).
"""

from __future__ import annotations

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    SOURCE_INTEGRATION_DISCOVERY,
    ConfigEntry,
    ConfigEntryChange,
    ConfigEntryState,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import discovery_flow
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from .const import BLINK_DOMAIN, CONF_BLINK_ENTRY_ID, DOMAIN


@callback
def async_setup_discovery(hass: HomeAssistant) -> None:
    """Offer the Blink entries loaded now and each one that loads later."""
    for entry in hass.config_entries.async_entries(BLINK_DOMAIN):
        _async_offer(hass, entry)

    @callback
    def changed(change: ConfigEntryChange, entry: ConfigEntry) -> None:
        if change is ConfigEntryChange.UPDATED:
            _async_offer(hass, entry)

    # Lives as long as Home Assistant runs, like the integration itself.
    async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, changed)


@callback
def _async_offer(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Start a discovery flow; its unique id (the account) ends it when set up or ignored."""
    if entry.domain != BLINK_DOMAIN or entry.state is not ConfigEntryState.LOADED:
        return
    discovery_flow.async_create_flow(
        hass,
        DOMAIN,
        {"source": SOURCE_INTEGRATION_DISCOVERY},
        {CONF_BLINK_ENTRY_ID: entry.entry_id},
    )
