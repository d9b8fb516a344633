"""Entries stored by earlier versions, brought up to date when they load."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_USERNAME
from homeassistant.core import HomeAssistant

from .const import BLINK_DOMAIN, CONF_BLINK_ENTRY_ID, CONF_LOGIN, CONF_MODE, MODE_LINKED

LOGGER = logging.getLogger(__package__)
# Minor version 2: entries are named after their Blink account.
MINOR_VERSION = 2


def _account_email(hass: HomeAssistant, entry: ConfigEntry) -> str | None:
    """The e-mail of the entry's Blink account, when the entry or its Blink entry has it."""
    names: list[Any]
    if entry.data.get(CONF_MODE) == MODE_LINKED:
        blink_entry = hass.config_entries.async_get_entry(str(entry.data.get(CONF_BLINK_ENTRY_ID)))
        if blink_entry is None or blink_entry.domain != BLINK_DOMAIN:
            return None
        names = [blink_entry.data.get(CONF_USERNAME), blink_entry.title]
    else:
        login = entry.data.get(CONF_LOGIN)
        names = [login.get(CONF_USERNAME) if isinstance(login, Mapping) else None]
    return next((name for name in names if isinstance(name, str) and "@" in name), None)


async def async_migrate(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Rename an entry an earlier version titled "blink" or "Blink" after its Blink account.

    Linked entries were named after HA's Blink entry (titled "blink"), signed-in ones could be
    "Blink". Such an entry is renamed to its account's e-mail when that is known; a title the
    user chose stays. An entry too damaged to tell keeps its title and still loads.
    """
    if entry.version > 1:
        return False  # stored by a newer version: nothing here knows its format
    if entry.minor_version < MINOR_VERSION:
        title = entry.title
        if title.strip().casefold() == BLINK_DOMAIN and (email := _account_email(hass, entry)):
            title = email
        hass.config_entries.async_update_entry(entry, title=title, minor_version=MINOR_VERSION)
        LOGGER.debug("Entry migrated to version 1.%s", MINOR_VERSION)
    return True
