"""Buttons of a camera through its life on the account: removed, then added back."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import DOMAIN

from .conftest import state_of
from .power_helpers import HALLWAY, async_map_plugs, async_setup_plugs


async def next_poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let five minutes pass: our own session polls Blink once."""
    freezer.tick(timedelta(seconds=301))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def entities_of(hass: HomeAssistant, entry: ConfigEntry, serial: str) -> dict[str, str]:
    """Our entities of one device: unique id -> entity id."""
    return {
        entity.unique_id: entity.entity_id
        for entity in er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
        if entity.unique_id.startswith(f"{serial}-")
    }


async def test_a_camera_added_back_gets_every_entity_again_power_cycle_button_included(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
) -> None:
    await async_setup_plugs(hass, blink_sim)
    await async_map_plugs(hass, own_entry, [HALLWAY])
    before = entities_of(hass, own_entry, HALLWAY)
    button = er.async_get(hass).async_get_entity_id("button", DOMAIN, f"{HALLWAY}-power_cycle")
    assert button in before.values()

    blink_sim.world.delete_camera(HALLWAY)
    await next_poll(hass, freezer)
    assert entities_of(hass, own_entry, HALLWAY) == {}
    assert hass.states.get(button) is None

    blink_sim.world.add_camera_back(HALLWAY)
    await next_poll(hass, freezer)
    assert entities_of(hass, own_entry, HALLWAY) == before
    assert state_of(hass, button) != STATE_UNAVAILABLE
