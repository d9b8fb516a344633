"""Entries stored by earlier versions: renamed after their Blink account when they load."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import (
    CONF_BLINK_ENTRY_ID,
    CONF_LOGIN,
    CONF_MODE,
    MODE_LINKED,
)


async def _reload_as_stored_before(
    hass: HomeAssistant, entry: ConfigEntry, title: str, **data: object
) -> None:
    """Store the entry as an earlier version did (minor version 1), then load it again."""
    hass.config_entries.async_update_entry(
        entry, title=title, minor_version=1, data={**entry.data, **data}
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.parametrize("old_title", ["blink", "Blink"])
async def test_entry_titled_blink_gets_the_account_email(
    hass: HomeAssistant, blink_sim: SimServer, any_entry: ConfigEntry, old_title: str
) -> None:
    """Linked: from HA's Blink entry (whose own title is just "blink"); own: from its login."""
    await _reload_as_stored_before(hass, any_entry, old_title)
    assert any_entry.title == blink_sim.world.accounts[0].email
    assert any_entry.minor_version == 2
    assert any_entry.state is ConfigEntryState.LOADED


async def test_a_title_the_user_chose_stays(hass: HomeAssistant, any_entry: ConfigEntry) -> None:
    await _reload_as_stored_before(hass, any_entry, "Holiday home")
    assert any_entry.title == "Holiday home"
    assert any_entry.minor_version == 2
    assert any_entry.state is ConfigEntryState.LOADED


def _damage(entry: ConfigEntry) -> dict[str, Any]:
    """Linked: its Blink entry is gone; own: its stored login lacks the user name."""
    if entry.data[CONF_MODE] == MODE_LINKED:
        return {CONF_BLINK_ENTRY_ID: "no-such-entry"}
    login = entry.data[CONF_LOGIN]
    return {CONF_LOGIN: {key: value for key, value in login.items() if key != "username"}}


async def test_a_damaged_entry_keeps_its_title_and_loads(
    hass: HomeAssistant, any_entry: ConfigEntry
) -> None:
    await _reload_as_stored_before(hass, any_entry, "blink", **_damage(any_entry))
    assert any_entry.title == "blink"
    assert any_entry.minor_version == 2
    assert any_entry.state is ConfigEntryState.LOADED


async def test_new_entries_are_stored_at_the_current_version(own_entry: ConfigEntry) -> None:
    assert own_entry.minor_version == 2
