"""What the demo shows must be believable: no packet-loss spike at start, no stale Wi-Fi."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.helpers import entity_registry as er

from custom_components.blink_audio_doctor import network
from custom_components.blink_audio_doctor.const import DOMAIN, SERVICE_DEVICE_PREFIX

from .conftest import setup_own, state_of
from .test_entities import GARDEN, next_poll, state

if TYPE_CHECKING:
    from freezegun.api import FrozenDateTimeFactory
    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

    from blink_cloud_sim.server import SimServer

HARNESS = (
    Path(__file__).resolve().parents[2] / "config/custom_components/blink_sim_harness/__init__.py"
)


def demo_harness() -> ModuleType:
    """The demo's harness module (it lives in the demo's config directory, not a package)."""
    spec = importlib.util.spec_from_file_location("demo_blink_sim_harness", HARNESS)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_demos_first_latency_probe_finds_the_simulator(
    hass: HomeAssistant, blink_sim: SimServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As in the demo: nothing but the harness points the default target (port 443) elsewhere.
    monkeypatch.setattr(network, "DEFAULT_LATENCY_PORT", 443)
    await demo_harness().point_latency_probe_at_simulator(hass, blink_sim.url)

    # The entry is added before the demo sets its options; its first probe runs at once.
    entry = await setup_own(hass, blink_sim)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert internet(hass, entry, "packet_loss") == "0.0"


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


def internet(hass: HomeAssistant, entry: ConfigEntry, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{SERVICE_DEVICE_PREFIX}{entry.entry_id}-{key}"
    )
    assert entity_id is not None, key
    return str(state_of(hass, entity_id))


@pytest.mark.parametrize("blink_sim_scenario", ["demo"])
async def test_the_demos_internet_figures_are_the_scenarios_line(
    hass: HomeAssistant, blink_sim: SimServer
) -> None:
    line = blink_sim.world.line
    assert (line.down_mbps, line.up_mbps) == (100.0, 20.0)
    entry = await setup_own(hass, blink_sim)
    await hass.async_block_till_done(wait_background_tasks=True)

    # The network test the demo's harness runs at start, with the default data caps.
    await hass.services.async_call(DOMAIN, "run_network_test", {}, blocking=True)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert float(internet(hass, entry, "download")) == pytest.approx(100.0, rel=0.1)
    assert float(internet(hass, entry, "upload")) == pytest.approx(20.0, rel=0.1)
    assert internet(hass, entry, "packet_loss") == "0.0"
