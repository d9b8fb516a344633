"""What the demo shows must be believable: no stale Wi-Fi figures for an offline camera."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE

from .test_entities import GARDEN, next_poll, state

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

    from blink_cloud_sim.server import SimServer


async def test_an_offline_camera_shows_no_stale_wifi_figures(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    any_entry: ConfigEntry,
) -> None:
    assert state(hass, "sensor", GARDEN, "wifi_bars") == "4"

    # Blink still sends the old signals of an offline camera.
    blink_sim.world.set_status(GARDEN, online=False)
    await next_poll(hass, freezer)

    assert state(hass, "binary_sensor", GARDEN, "online") == STATE_OFF
    for key in ("wifi_bars", "wifi_signal", "sync_link_bars"):
        assert state(hass, "sensor", GARDEN, key) == STATE_UNAVAILABLE, key

    blink_sim.world.set_status(GARDEN, online=True)
    await next_poll(hass, freezer)

    assert state(hass, "binary_sensor", GARDEN, "online") == STATE_ON
    assert state(hass, "sensor", GARDEN, "wifi_bars") == "4"
    assert state(hass, "sensor", GARDEN, "wifi_signal") == "-58"
