"""A Sync Module with local storage whose manifest requests Blink answers with HTTP 406.

blinkpy 0.25.9 asks for the local-storage manifest on every refresh when the homescreen says
`local_storage_status: active`; a 406 there once broke Home Assistant's Blink integration. Linked
to that integration, our entities must keep their readings and verdicts.
"""

from __future__ import annotations

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant

from blink_cloud_sim.server import SimServer

from .test_entities import GARDEN, SYNC_MODULE, next_poll, state
from .test_health import diagnosis, healthy_start, verdict

LOCAL_STORAGE_ENDPOINTS = {
    "local_storage_manifest_request",
    "local_storage_manifest",
    "local_storage_clip_request",
}


@pytest.fixture
def blink_sim_scenario() -> str:
    """The default home with local storage active and every manifest request answered 406."""
    return "local_storage_406"


async def test_local_storage_406_leaves_our_entities_working(
    hass: HomeAssistant,
    blink_sim: SimServer,
    linked_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await healthy_start(hass, linked_entry)
    blink_sim.world.clear_log()
    await next_poll(hass, freezer)
    await next_poll(hass, freezer)

    failed = [e for e in blink_sim.world.request_log if e.endpoint in LOCAL_STORAGE_ENDPOINTS]
    assert failed  # blinkpy did ask, and was refused
    assert {e.status for e in failed} == {406}
    assert state(hass, "sensor", GARDEN, "wifi_signal") == "-58"
    assert state(hass, "binary_sensor", GARDEN, "online") == STATE_ON
    assert state(hass, "binary_sensor", SYNC_MODULE, "online") == STATE_ON
    assert state(hass, "sensor", SYNC_MODULE, "wifi_bars") == "4"
    assert verdict(hass, GARDEN) == STATE_ON
    assert diagnosis(hass, GARDEN) == "ok"

    # Readings still follow Blink while every manifest request keeps failing.
    blink_sim.world.set_signals(GARDEN, wifi_bars=1, wifi_dbm=-82)
    await next_poll(hass, freezer)
    assert state(hass, "sensor", GARDEN, "wifi_signal") == "-82"
    assert diagnosis(hass, GARDEN) == "weak_wifi"
