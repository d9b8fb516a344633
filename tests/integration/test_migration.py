"""Entries stored by earlier versions: renamed after their Blink account when they load."""

from __future__ import annotations

import pytest
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import CONF_BLINK_ENTRY_ID, CONF_LOGIN


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
async def test_linked_entry_titled_blink_gets_the_account_email(
    hass: HomeAssistant, blink_sim: SimServer, linked_entry: ConfigEntry, old_title: str
) -> None:
    await _reload_as_stored_before(hass, linked_entry, old_title)
    # The e-mail comes from HA's Blink entry, whose own title is just "blink".
    assert linked_entry.title == blink_sim.world.accounts[0].email
    assert linked_entry.minor_version == 2
    assert linked_entry.state is ConfigEntryState.LOADED


async def test_own_entry_titled_blink_gets_the_account_email(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    await _reload_as_stored_before(hass, own_entry, "Blink")
    assert own_entry.title == blink_sim.world.accounts[0].email
    assert own_entry.minor_version == 2
    assert own_entry.state is ConfigEntryState.LOADED


async def test_a_title_the_user_chose_stays(hass: HomeAssistant, any_entry: ConfigEntry) -> None:
    await _reload_as_stored_before(hass, any_entry, "Holiday home")
    assert any_entry.title == "Holiday home"
    assert any_entry.minor_version == 2
    assert any_entry.state is ConfigEntryState.LOADED


async def test_linked_entry_whose_blink_entry_is_gone_keeps_its_title_and_loads(
    hass: HomeAssistant, linked_entry: ConfigEntry
) -> None:
    await _reload_as_stored_before(
        hass, linked_entry, "blink", **{CONF_BLINK_ENTRY_ID: "no-such-entry"}
    )
    assert linked_entry.title == "blink"
    assert linked_entry.minor_version == 2
    assert linked_entry.state is ConfigEntryState.LOADED


async def test_own_entry_without_a_user_name_keeps_its_title_and_loads(
    hass: HomeAssistant, own_entry: ConfigEntry
) -> None:
    login = {key: value for key, value in own_entry.data[CONF_LOGIN].items() if key != "username"}
    await _reload_as_stored_before(hass, own_entry, "blink", **{CONF_LOGIN: login})
    assert own_entry.title == "blink"
    assert own_entry.minor_version == 2
    assert own_entry.state is ConfigEntryState.LOADED


async def test_new_entries_are_stored_at_the_current_version(own_entry: ConfigEntry) -> None:
    assert own_entry.minor_version == 2
