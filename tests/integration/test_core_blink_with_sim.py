"""Home Assistant's own `blink` integration against the simulator (real HTTP over loopback)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from blink_cloud_sim import SimServer

BLINK = "blink"


async def _sign_in_through_config_flow(hass: HomeAssistant, sim: SimServer) -> str:
    account = sim.world.accounts[0]
    result = await hass.config_entries.flow.async_init(BLINK, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"username": account.email, "password": account.password}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "2fa"

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"pin": account.pin})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    return result["result"].entry_id


async def test_config_flow_with_2fa_and_setup(hass: HomeAssistant, blink_sim: SimServer) -> None:
    blink_sim.world.accounts[0].two_factor = "202"

    entry_id = await _sign_in_through_config_flow(hass, blink_sim)

    entry = hass.config_entries.async_get_entry(entry_id)
    assert entry is not None
    assert entry.state is ConfigEntryState.LOADED
    assert entry.data["account_id"] == 1000001
    assert entry.data["region_id"] == "u034"
    assert entry.data["refresh_token"]
    # Setup restarted from the stored login through the refresh grant, not a new sign-in.
    names = [e.endpoint for e in blink_sim.world.request_log]
    assert names.count("oauth_signin") == 1
    assert names.count("oauth_2fa_verify") == 1
    assert names.count("oauth_token") == 2

    registry = er.async_get(hass)
    camera_id = registry.async_get_entity_id("camera", BLINK, "G8T20000OUT00001-camera")
    assert camera_id is not None
    camera = hass.states.get(camera_id)
    assert camera is not None
    assert camera.attributes["wifi_strength"] == -58
    assert camera.attributes["sync_signal_strength"] == 5
    wifi_id = registry.async_get_entity_id("sensor", BLINK, "G8T20000OUT00001-wifi_strength")
    assert wifi_id is not None
    wifi = hass.states.get(wifi_id)
    assert wifi is not None
    assert wifi.state == "-58"
    assert wifi.attributes["unit_of_measurement"] == "dBm"
    mini_wifi = registry.async_get_entity_id("sensor", BLINK, "G8T30000MINI0001-wifi_strength")
    assert mini_wifi is not None
    mini_state = hass.states.get(mini_wifi)
    assert mini_state is not None
    assert mini_state.state == "unknown"  # Minis have no dBm value in blinkpy

    devices = dr.async_get(hass)
    for serial in ("G8T20000OUT00001", "G8T30000MINI0001", "G8T40000DOOR0001", "G8T50000FLOOD001"):
        assert devices.async_get_device_by_identifier((BLINK, serial), entry_id) is not None

    blink = entry.runtime_data.api
    assert "signals" not in blink.homescreen["owls"][0]  # no Wi-Fi reading for Minis there

    assert await hass.config_entries.async_unload(entry_id)
    await hass.async_block_till_done()


async def test_config_flow_wrong_password_shows_error(
    hass: HomeAssistant, blink_sim: SimServer
) -> None:
    account = blink_sim.world.accounts[0]
    result = await hass.config_entries.flow.async_init(BLINK, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"username": account.email, "password": "wrong"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert hass.config_entries.async_entries(BLINK) == []


async def test_coordinator_refresh_sees_power_loss(
    hass: HomeAssistant, blink_sim: SimServer
) -> None:
    blink_sim.world.accounts[0].two_factor = "412"
    entry_id = await _sign_in_through_config_flow(hass, blink_sim)
    entry = hass.config_entries.async_get_entry(entry_id)
    assert entry is not None
    coordinator = entry.runtime_data
    blink = coordinator.api

    blink_sim.world.power_off("G8T30000MINI0001")
    blink_sim.world.clear_log()
    blink.last_refresh = 0  # let blinkpy's own refresh-rate check pass
    await coordinator.async_refresh()
    await hass.async_block_till_done()

    assert blink.cameras["Hallway"].online is False
    # What one scheduled poll of HA's blink integration costs (thumbnails are cached).
    assert blink_sim.world.endpoint_counts() == {
        "homescreen": 1,
        "network_update": 1,
        "media_changed": 1,
        "camera_config": 1,
        "camera_signals": 1,
    }
    assert hass.config_entries.async_get_entry(entry_id).state is ConfigEntryState.LOADED  # type: ignore[union-attr]
    assert await hass.config_entries.async_unload(entry_id)
    await hass.async_block_till_done()
