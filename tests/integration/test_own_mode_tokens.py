"""Own sign-in: a refresh token Blink rotated is saved at once, whatever happens next."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import CONF_LOGIN, DOMAIN


async def test_blink_outage_during_start_up_retries_without_asking_to_sign_in_again(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
) -> None:
    await hass.config_entries.async_unload(own_entry.entry_id)
    stored_before = own_entry.data[CONF_LOGIN]["refresh_token"]
    # Blink's token service works, its homescreen fails: start-up rotates the refresh token
    # (the stored one is retired) and then cannot read the account.
    blink_sim.world.inject_fault("homescreen", status=500)
    await hass.config_entries.async_setup(own_entry.entry_id)
    await hass.async_block_till_done()
    assert own_entry.state is ConfigEntryState.SETUP_RETRY
    assert blink_sim.world.refresh_tokens[stored_before].used
    stored = own_entry.data[CONF_LOGIN]["refresh_token"]
    assert stored != stored_before  # the rotated one was kept
    assert not blink_sim.world.refresh_tokens[stored].used

    # Blink is back; Home Assistant's own retry loads the entry, no sign-in asked for.
    blink_sim.world.clear_faults()
    freezer.tick(timedelta(minutes=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    retried = hass.config_entries.async_get_entry(own_entry.entry_id)
    assert retried is not None
    assert retried.state is ConfigEntryState.LOADED
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert own_entry.data[CONF_LOGIN]["refresh_token"] != stored  # rotated and saved again


async def test_a_rotated_token_is_saved_before_start_up_asks_blink_for_anything_else(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    await hass.config_entries.async_unload(own_entry.entry_id)
    stored_before = own_entry.data[CONF_LOGIN]["refresh_token"]
    slow = blink_sim.world.inject_fault("homescreen", delay=1.0, count=1)
    setup = hass.async_create_task(hass.config_entries.async_setup(own_entry.entry_id))
    for _ in range(500):  # until the homescreen request reaches the simulator
        if slow.hits:
            break
        await asyncio.sleep(0.02)
    assert slow.hits

    # Start-up waits for the homescreen; a crash now must not lose the rotated token.
    assert own_entry.state is ConfigEntryState.SETUP_IN_PROGRESS
    assert blink_sim.world.refresh_tokens[stored_before].used
    stored = own_entry.data[CONF_LOGIN]["refresh_token"]
    assert not blink_sim.world.refresh_tokens[stored].used

    assert await setup
    await hass.async_block_till_done()
    assert own_entry.data[CONF_LOGIN]["refresh_token"] == stored
