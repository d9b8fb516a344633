"""Mini and doorbell config endpoints, as real blinkpy requests them over HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from blinkpy import api

from blink_cloud_sim import World
from blink_cloud_sim.world import SimError
from tests.fixtures_sim import make_blink

if TYPE_CHECKING:
    import aiohttp
    from blinkpy.blinkpy import Blink

    from blink_cloud_sim import SimServer

MINI, DOORBELL, GARDEN = "G8T30000MINI0001", "G8T40000DOOR0001", "G8T20000OUT00001"
WIFI_KEYS = {"wifi", "wifi_rssi", "wifi_strength", "signals"}


async def _blink(sim: SimServer, session: aiohttp.ClientSession) -> Blink:
    account = sim.world.accounts[0]
    blink = make_blink(session, account.email, account.password)
    assert await blink.start() is True
    return blink


async def _doorbell_config(blink: Blink) -> dict[str, Any]:
    url = f"{blink.urls.base_url}/api/v1/accounts/1000001/networks/4000001/doorbells/6000003/config"
    body: dict[str, Any] = await api.http_get(blink, url)
    return body


async def _owl_config(blink: Blink) -> dict[str, Any]:
    body: dict[str, Any] = await api.request_get_config(
        blink, "4000001", "6000002", product_type="owl"
    )
    return body


async def test_doorbell_config_reports_dbm_and_follows_the_world(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = await _blink(blink_sim, blink_session)
    config = await _doorbell_config(blink)
    assert {k: config[k] for k in ("temp", "wifi_rssi", "lfr_rssi", "battery_state")} == {
        "temp": 70,
        "wifi_rssi": -54,
        "lfr_rssi": -61,
        "battery_state": "ok",
    }
    blink_sim.world.set_device_config(DOORBELL, wifi_dbm=-81, temperature=40, battery="low")
    config = await _doorbell_config(blink)
    assert (config["wifi_rssi"], config["temp"], config["battery_state"]) == (-81, 40, "low")
    # set_signals moves the same reading.
    blink_sim.world.set_signals(DOORBELL, wifi_dbm=-66, lfr_dbm=-90)
    config = await _doorbell_config(blink)
    assert (config["wifi_rssi"], config["lfr_rssi"]) == (-66, -90)
    blink_sim.world.power_off(DOORBELL)
    assert (await _doorbell_config(blink))["status"] == "offline"


async def test_owl_config_wifi_field_is_chosen_by_the_scenario(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = await _blink(blink_sim, blink_session)
    world = blink_sim.world
    assert not WIFI_KEYS & set(await _owl_config(blink))
    world.set_signals(MINI, wifi_bars=2, wifi_dbm=-71)
    expected = {
        "wifi_rssi": {"wifi_rssi": -71},
        "wifi_strength": {"wifi_strength": -71},
        "wifi": {"wifi": 2},
        "signals": {"signals": {"wifi": 2}},
    }
    for variant, fields in expected.items():
        world.set_device_config(MINI, config_wifi=variant)
        config = await _owl_config(blink)
        assert {k: config[k] for k in WIFI_KEYS & set(config)} == fields
    world.set_config_body(MINI, {"wifi_level": "good"})
    assert await _owl_config(blink) == {"wifi_level": "good"}
    world.set_config_body(MINI, None)
    assert (await _owl_config(blink))["signals"] == {"wifi": 2}
    # A Mini reports no temperature, battery or Sync Module link in its config.
    assert not {"temp", "lfr_rssi", "battery_state"} & set(await _owl_config(blink))


async def test_config_control_over_http(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = await _blink(blink_sim, blink_session)
    for name, body in (
        ("set_device_config", {"serial": DOORBELL, "wifi_dbm": -77}),
        ("set_config_body", {"serial": MINI, "body": {"rssi": -60}}),
    ):
        async with blink_session.post(f"{blink_sim.url}/_sim/{name}", json=body) as resp:
            assert resp.status == 200, await resp.text()
    assert (await _doorbell_config(blink))["wifi_rssi"] == -77
    assert await _owl_config(blink) == {"rssi": -60}
    bad = {"serial": MINI, "config_wifi": "bars_please"}
    async with blink_session.post(f"{blink_sim.url}/_sim/set_device_config", json=bad) as resp:
        assert resp.status == 400
        assert "config_wifi" in (await resp.json())["error"]


def test_scenario_fields_and_validation() -> None:
    scenario: dict[str, Any] = {
        "accounts": [{"email": "a@example.com", "password": "p", "account_id": 1}],
        "networks": [{"id": 10, "name": "N"}],
        "cameras": [
            {"serial": "M1", "name": "Mini", "id": 20, "network_id": 10, "type": "owl",
             "config_wifi": "wifi_rssi", "wifi_dbm": -49},
            {"serial": "D1", "name": "Bell", "id": 21, "network_id": 10, "type": "lotus",
             "config_body": {"temp": 80}},
        ],
    }  # fmt: skip
    world = World(scenario)
    assert world.camera("M1").config_wifi == "wifi_rssi"
    assert world.camera("D1").config_body == {"temp": 80}
    assert world.camera("D1").config_wifi == "wifi_rssi"  # a doorbell's default
    scenario["cameras"][0]["config_wifi"] = "dbm"
    with pytest.raises(SimError, match="config_wifi"):
        World(scenario)
    scenario["cameras"][0]["config_wifi"] = "none"
    scenario["cameras"][1]["config_body"] = [1, 2]
    with pytest.raises(SimError, match="config_body"):
        World(scenario)
    with pytest.raises(SimError, match="set_signals"):
        World().set_device_config(GARDEN, wifi_dbm=-50)
