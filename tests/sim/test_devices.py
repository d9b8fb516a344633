"""Cameras, sync modules and world changes as the real blinkpy sees them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from blinkpy import api
from blinkpy.camera import BlinkCamera, BlinkCameraMini, BlinkDoorbell
from blinkpy.sync_module import BlinkLotus, BlinkOwl, BlinkSyncModule

from blink_cloud_sim.world import iso
from tests.fixtures_sim import make_blink

if TYPE_CHECKING:
    import aiohttp
    from blinkpy.blinkpy import Blink

    from blink_cloud_sim import SimServer


async def _started(sim: SimServer, session: aiohttp.ClientSession) -> Blink:
    account = sim.world.accounts[0]
    blink = make_blink(session, account.email, account.password)
    if account.two_factor == "none":
        assert await blink.start() is True
    else:
        from blinkpy.auth import BlinkTwoFARequiredError  # noqa: PLC0415

        with pytest.raises(BlinkTwoFARequiredError):
            await blink.start()
        assert await blink.send_2fa_code(account.pin) is True
    return blink


def _hs(blink: Blink, section: str, serial: str) -> dict[str, object]:
    entries: list[dict[str, object]] = blink.homescreen[section]
    return next(e for e in entries if e["serial"] == serial)


async def test_each_family_comes_out_right(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = await _started(blink_sim, blink_session)

    garden, hallway = blink.cameras["Garden"], blink.cameras["Hallway"]
    door, flood = blink.cameras["Front Door"], blink.cameras["Driveway"]
    assert type(garden) is BlinkCamera
    assert type(hallway) is BlinkCameraMini
    assert type(door) is BlinkDoorbell
    assert type(flood) is BlinkCameraMini
    # Sync-module camera: dBm from its config, LFR bars from signals.lfr, status "done".
    assert garden.wifi_strength == -58
    assert garden.sync_signal_strength == 5
    assert garden.status == "done"
    assert garden.online is True
    assert garden.product_type == "catalina"
    assert garden.serial == "G8T20000OUT00001"
    assert garden.camera_id == "6000001"
    assert garden.temperature == 66
    assert garden.temperature_calibrated == 66
    assert garden.battery == "ok"
    assert garden.battery_voltage == 161
    assert garden.version == "10.53"
    assert garden.thumbnail is not None
    assert garden.thumbnail.startswith(blink_sim.url)
    assert garden.image_from_cache is not None
    assert garden.image_from_cache.startswith(b"\xff\xd8")
    # Minis, floodlights and doorbells: their dict is the homescreen entry -> no dBm.
    for camera, ptype in ((hallway, "owl"), (flood, "superior"), (door, "lotus")):
        assert camera.wifi_strength is None
        assert camera.sync_signal_strength is None
        assert camera.online is True
        assert camera.status == "online"
        assert camera.product_type == ptype
    assert hallway.camera_id == "6000002"
    assert door.camera_id == "6000003"
    assert door.battery == "ok"
    assert hallway.attributes["wifi_strength"] is None
    sync = blink.sync["Home"]
    assert type(sync) is BlinkSyncModule
    assert sync.serial == "G8T10000SM000001"
    assert sync.online is True
    assert sync.arm is False
    assert set(sync.cameras) == {"Garden", "Hallway", "Front Door", "Driveway"}


async def test_homescreen_carries_bars_and_heartbeat_but_no_mini_or_doorbell_wifi(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = await _started(blink_sim, blink_session)
    world = blink_sim.world
    world.set_signals("G8T30000MINI0001", wifi_bars=2)
    world.set_sync_module("G8T10000SM000001", wifi_bars=1, last_hb="2026-01-02T03:04:05+00:00")

    assert await blink.refresh(force=True) is True

    home = blink.homescreen
    assert home["sync_modules"][0]["wifi_strength"] == 1
    assert home["sync_modules"][0]["last_hb"] == "2026-01-02T03:04:05+00:00"
    assert home["sync_modules"][0]["status"] == "online"
    assert _hs(blink, "cameras", "G8T20000OUT00001")["signals"] == {
        "lfr": 5,
        "wifi": 4,
        "temp": 66,
        "battery": 3,
    }
    # Like the real cloud: no Wi-Fi reading for Minis, floodlights and doorbells here.
    wifi_keys = {"signals", "wifi", "wifi_strength", "wifi_rssi"}
    for section, serial in (
        ("owls", "G8T30000MINI0001"),
        ("owls", "G8T50000FLOOD001"),
        ("doorbells", "G8T40000DOOR0001"),
    ):
        assert not wifi_keys & set(_hs(blink, section, serial)), serial
    assert _hs(blink, "doorbells", "G8T40000DOOR0001")["battery"] == "ok"
    assert blink.cameras["Hallway"].wifi_strength is None


async def test_set_signals_reaches_blinkpy(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = await _started(blink_sim, blink_session)
    blink_sim.world.set_signals(
        "G8T20000OUT00001", wifi_bars=1, wifi_dbm=-81, lfr_bars=2, lfr_dbm=-88
    )

    await blink.refresh(force=True)

    garden = blink.cameras["Garden"]
    assert garden.wifi_strength == -81
    assert garden.sync_signal_strength == 2
    assert _hs(blink, "cameras", "G8T20000OUT00001")["signals"]["wifi"] == 1  # type: ignore[index]
    config = await api.request_camera_info(blink, "4000001", "6000001")
    assert config["camera"][0]["lfr_strength"] == -88
    assert config["camera"][0]["signals"]["wifi"] == 1
    # The config's thumbnail is a bare time stamp, as Blink sends it; blinkpy builds the URL.
    stamp = config["camera"][0]["thumbnail"]
    assert isinstance(stamp, str)
    assert stamp.isdigit()
    assert garden.thumbnail.endswith(f"/catalina/6000001/thumbnail/thumbnail.jpg?ts={stamp}&ext=")


async def test_power_off_and_on_after_boot_time(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    world = blink_sim.world
    blink = await _started(blink_sim, blink_session)

    world.power_off("G8T30000MINI0001")
    world.power_off("G8T20000OUT00001")
    assert world.is_powered("G8T30000MINI0001") is False
    await blink.refresh(force=True)
    assert blink.cameras["Hallway"].online is False
    assert blink.cameras["Hallway"].status == "offline"
    assert blink.cameras["Garden"].online is False
    assert blink.cameras["Garden"].status == "offline"

    world.power_on("G8T30000MINI0001")
    world.power_on("G8T20000OUT00001")
    assert world.is_powered("G8T30000MINI0001") is True
    await blink.refresh(force=True)
    assert blink.cameras["Hallway"].online is False  # still booting (40 s)
    assert blink.cameras["Garden"].online is False  # still booting (20 s)

    world.advance(20)
    await blink.refresh(force=True)
    assert blink.cameras["Garden"].online is True
    assert blink.cameras["Hallway"].online is False

    world.advance(20)
    await blink.refresh(force=True)
    assert blink.cameras["Hallway"].online is True


async def test_sync_module_power_takes_its_cameras_offline(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    world = blink_sim.world
    blink = await _started(blink_sim, blink_session)
    world.power_off("G8T10000SM000001")
    frozen = world.sync_modules["G8T10000SM000001"].offline_since
    assert frozen is not None
    world.advance(3600)
    await blink.refresh(force=True)

    module = blink.homescreen["sync_modules"][0]
    assert module["status"] == "offline"
    assert module["last_hb"] == iso(frozen)  # no heartbeat while offline
    assert blink.cameras["Garden"].online is False
    assert blink.cameras["Hallway"].online is True  # Minis have their own Wi-Fi link
    syncmodule = await api.request_syncmodule(blink, "4000001")
    assert syncmodule["syncmodule"]["status"] == "offline"

    world.power_on("G8T10000SM000001")
    world.advance(45)
    await blink.refresh(force=True)
    assert blink.homescreen["sync_modules"][0]["status"] == "online"
    assert blink.cameras["Garden"].online is True


async def test_set_status_and_power_cycle_clears_a_hung_device(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    world = blink_sim.world
    blink = await _started(blink_sim, blink_session)
    world.set_status("G8T40000DOOR0001", online=False)
    await blink.refresh(force=True)
    assert blink.cameras["Front Door"].online is False
    assert world.is_powered("G8T40000DOOR0001") is True

    world.power_off("G8T40000DOOR0001")
    world.power_on("G8T40000DOOR0001")
    world.advance(30)
    await blink.refresh(force=True)
    assert blink.cameras["Front Door"].online is True


async def test_delete_and_add_back_gives_new_id_same_serial(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    world = blink_sim.world
    blink = await _started(blink_sim, blink_session)
    old_id = blink.cameras["Hallway"].camera_id

    world.delete_camera("G8T30000MINI0001")
    await blink.refresh(force=True)
    assert all(e["serial"] != "G8T30000MINI0001" for e in blink.homescreen["owls"])

    new_id = world.add_camera_back("G8T30000MINI0001")
    assert str(new_id) != old_id

    await blink.refresh(force=True)
    entry = _hs(blink, "owls", "G8T30000MINI0001")
    assert entry["id"] == new_id
    # A new setup (what HA does on reload) binds the camera object to the new id.
    fresh = await _started(blink_sim, blink_session)
    assert fresh.cameras["Hallway"].camera_id == str(new_id)
    assert fresh.cameras["Hallway"].serial == "G8T30000MINI0001"


async def test_delete_sync_module_camera_and_add_back(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    world = blink_sim.world
    blink = await _started(blink_sim, blink_session)
    world.delete_camera("G8T20000OUT00001")
    usage = await api.request_camera_usage(blink)
    assert usage["networks"][0]["cameras"] == []
    assert await api.request_camera_info(blink, "4000001", "6000001") is None  # 404

    new_id = world.add_camera_back("G8T20000OUT00001")
    usage = await api.request_camera_usage(blink)
    assert [c["id"] for c in usage["networks"][0]["cameras"]] == [new_id]
    config = await api.request_camera_info(blink, "4000001", str(new_id))
    assert config["camera"][0]["serial"] == "G8T20000OUT00001"


async def test_liveview_reports_poor_connection(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = await _started(blink_sim, blink_session)
    blink_sim.world.set_poor_connection("G8T20000OUT00001", flag=True)

    for name, expected in (("Garden", True), ("Hallway", False), ("Front Door", False)):
        camera = blink.cameras[name]
        response = await api.request_camera_liveview(
            blink, camera.network_id, camera.camera_id, camera_type=camera.camera_type
        )
        assert response["options"] == {"poor_connection": expected}
        assert response["server"].startswith(f"immis://127.0.0.1:{blink_sim.media_port}/")
        assert f"__IMDS_{camera.serial}?client_id=2000001" in response["server"]
        assert isinstance(response["command_id"], int)
        status = await api.request_command_status(blink, camera.network_id, response["command_id"])
        assert status["status_code"] == 908
    server = await blink.cameras["Garden"].get_liveview()
    assert server.startswith("immis://")
    endpoints = {e.endpoint for e in blink_sim.world.request_log}
    assert {"camera_liveview", "owl_liveview", "doorbell_liveview"} <= endpoints


async def test_status_commands_and_configs(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = await _started(blink_sim, blink_session)
    base = blink.urls.base_url
    owl_config = await api.request_get_config(blink, "4000001", "6000002", product_type="owl")
    assert owl_config["status"] == "online"
    # Blink's Mini config shape is not public: by default it carries no Wi-Fi field.
    assert not {"wifi", "wifi_rssi", "wifi_strength", "signals"} & set(owl_config)
    catalina = await api.request_get_config(blink, "4000001", "6000001", product_type="catalina")
    assert catalina["camera"][0]["wifi_strength"] == -58
    doorbell_config = await api.http_get(
        blink, f"{base}/api/v1/accounts/1000001/networks/4000001/doorbells/6000003/config"
    )
    assert doorbell_config["wifi_rssi"] == -54
    assert doorbell_config["lfr_rssi"] == -61
    assert doorbell_config["temp"] == 70
    assert doorbell_config["battery_state"] == "ok"

    blink_sim.world.clear_log()
    for path in (
        "/network/4000001/camera/6000001/status",
        "/api/v1/accounts/1000001/networks/4000001/owls/6000002/status",
        "/api/v1/accounts/1000001/networks/4000001/doorbells/6000003/status",
    ):
        command = await api.http_post(blink, f"{base}{path}")
        assert set(command) >= {"id", "network_id"}
        assert await api.wait_for_command(blink, command) is True
        done = await api.request_command_done(blink, "4000001", command["id"])
        assert done["code"] == 902
    assert blink_sim.world.endpoint_counts()["command_status"] == 3

    blink_sim.world.power_off("G8T30000MINI0001")
    command = await api.http_post(
        blink, f"{base}/api/v1/accounts/1000001/networks/4000001/owls/6000002/status"
    )
    assert await api.wait_for_command(blink, command) is False  # device does not answer
    status = await api.http_get(blink, f"{base}/network/4000001/camera/6000001")
    assert status["camera_status"]["wifi_strength"] == -58


async def test_arm_disarm_and_account_endpoints(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = await _started(blink_sim, blink_session)
    sync = blink.sync["Home"]
    assert sync.arm is False

    await sync.async_arm(True)
    await blink.refresh(force=True)
    assert sync.arm is True
    assert blink_sim.world.networks[4000001].armed is True
    await sync.async_arm(False)
    await blink.refresh(force=True)
    assert sync.arm is False

    assert (await blink.get_status())["camera_offline"] is True
    assert await blink.set_status({"motion": False}) is not None
    user = await api.request_user(blink)
    assert user["account_id"] == 1000001
    assert (await api.request_network_status(blink, "4000001"))["network"]["id"] == 4000001
    assert (await api.request_cameras(blink, "4000001"))["cameras"][0]["id"] == 6000001
    assert (await api.request_video_count(blink, force=True))["count"] == 0
    assert (await api.request_sync_events(blink, "4000001", force=True))["event"] == []
    garden = blink.cameras["Garden"]
    await garden.async_arm(False)
    await blink.refresh(force=True)
    assert garden.arm is False
    hallway = blink.cameras["Hallway"]
    await hallway.async_arm(False)
    assert blink_sim.world.cameras["G8T30000MINI0001"].enabled is False
    assert await blink.cameras["Driveway"].async_set_floodlight(True) is not None


async def test_unknown_url_is_404(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = await _started(blink_sim, blink_session)
    assert await api.http_get(blink, f"{blink.urls.base_url}/api/v9/nothing") is None
    assert blink_sim.world.request_log[-1].status == 404
    assert blink_sim.world.request_log[-1].endpoint is None
    # Another network's id is not found either.
    assert await api.request_camera_info(blink, "999", "6000001") is None


async def test_request_counts_per_refresh(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = await _started(blink_sim, blink_session)
    blink_sim.world.clear_log()

    await blink.refresh(force=True)

    assert blink_sim.world.endpoint_counts() == {
        "homescreen": 1,
        "network_update": 1,
        "media_changed": 1,
        "camera_config": 1,
        "camera_signals": 1,
        "thumbnail_image": 4,  # force=True makes blinkpy re-download every thumbnail
    }
    assert blink_sim.world.request_counts()["/api/v3/accounts/{account_id}/homescreen"] == 1
    assert all(e.status == 200 for e in blink_sim.world.request_log)


@pytest.mark.parametrize("blink_sim_scenario", ["families"])
async def test_families_scenario(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = await _started(blink_sim, blink_session)

    assert set(blink.cameras) == {
        "Indoor Old",
        "Porch XT",
        "Shed XT2",
        "Gate Outdoor",
        "Kitchen Mini",
        "Yard Flood",
        "Front Bell",
        "Garage Mini",
        "Back Door",
        "Side Gate Bell",
        "Porch Bell",
        "Nursery Pan-Tilt",
    }
    assert blink.cameras["Indoor Old"].wifi_strength == -255
    assert blink.cameras["Indoor Old"].battery == "low"
    assert blink.cameras["Shed XT2"].sync_signal_strength == 2
    assert {blink.cameras[n].product_type for n in ("Porch XT", "Shed XT2")} == {"xt", "xt2"}
    # Older firmware: Wi-Fi in bars in the config, no signals anywhere.
    assert blink.cameras["Porch XT"].wifi_strength == 5
    assert "signals" not in _hs(blink, "cameras", "B0000002XT000001")
    assert type(blink.sync["Garage Mini"]) is BlinkOwl
    assert type(blink.sync["Back Door"]) is BlinkLotus
    assert type(blink.cameras["Garage Mini"]) is BlinkCameraMini
    assert type(blink.cameras["Back Door"]) is BlinkDoorbell
    assert blink.cameras["Garage Mini"].online is True
    assert "signals" not in _hs(blink, "owls", "B0000008OWL00002")
    assert blink.homescreen["sync_modules"][0]["wifi_strength"] == 1
    # The newer doorbells are listed with the doorbells, by their own product type.
    for name, ptype in (("Side Gate Bell", "tulip"), ("Porch Bell", "orchid")):
        assert type(blink.cameras[name]) is BlinkDoorbell
        assert blink.cameras[name].product_type == ptype
    base = blink.urls.base_url
    tulip = await api.http_get(
        blink, f"{base}/api/v1/accounts/1200001/networks/4200001/doorbells/6200010/config"
    )
    assert (tulip["wifi_rssi"], tulip["lfr_rssi"], tulip["temp"]) == (-61, -70, 75)
    # The Pan-Tilt Mini is an owl; its mount is a `rosie` accessory pointing at it.
    pan_tilt = blink.cameras["Nursery Pan-Tilt"]
    assert (type(pan_tilt), pan_tilt.product_type) == (BlinkCameraMini, "owl")
    rosie = blink.homescreen["accessories"]["rosie"]
    assert [(r["type"], r["target"], r["target_id"]) for r in rosie] == [("rosie", "owl", 6200012)]
    assert await blink.refresh(force=True) is True


@pytest.mark.parametrize("blink_sim_scenario", ["demo"])
async def test_demo_scenario(blink_sim: SimServer, blink_session: aiohttp.ClientSession) -> None:
    blink = await _started(blink_sim, blink_session)
    assert blink.cameras["Front Door"].online is True
    assert blink.cameras["Front Door"].product_type == "tulip"
    assert "signals" not in _hs(blink, "doorbells", "G8T40000DOORDEM1")
    base = f"{blink.urls.base_url}/api/v1/accounts/1100001/networks/4100001"
    door = await api.http_get(blink, f"{base}/doorbells/6100001/config")
    assert (door["wifi_rssi"], door["lfr_rssi"], door["temp"], door["battery_state"]) == (
        -58,
        -67,
        64,
        "ok",
    )
    mini = await api.http_get(blink, f"{base}/owls/6100003/config")
    assert not {"wifi", "wifi_rssi", "wifi_strength", "signals"} & set(mini)
    assert blink.cameras["Backyard"].wifi_strength == -80
    assert _hs(blink, "cameras", "G8T20000OUTDEM01")["signals"]["wifi"] == 1  # type: ignore[index]
    assert blink.cameras["Living Room"].online is False

    blink_sim.world.power_off("G8T30000MINIDEM1")
    blink_sim.world.power_on("G8T30000MINIDEM1")
    blink_sim.world.advance(15)
    await blink.refresh(force=True)
    assert blink.cameras["Living Room"].online is True
