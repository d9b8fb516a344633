"""The homescreen body (`GET /api/v3/accounts/{id}/homescreen`), in real Blink's shape.

blinkpy builds its whole picture of the account from it; code reading the raw
`blink.homescreen` (signals, sync-module Wi-Fi bars, heartbeats) sees realistic data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .payloads import CREATED_AT, signal_fields

if TYPE_CHECKING:
    from .inventory import Inventory
    from .model import Account, Camera, SyncModule

# Homescreen sections per family.
SECTION = {"camera": "cameras", "owl": "owls", "lotus": "doorbells"}


def thumbnail_path(account: Account, camera: Camera) -> str:
    """Return the camera's thumbnail path; blinkpy uses it as is when it ends with `&ext=`."""
    return (
        f"/api/v3/media/accounts/{account.account_id}/networks/{camera.network_id}"
        f"/{camera.type}/{camera.camera_id}/thumbnail/thumbnail.jpg"
        f"?ts={camera.thumbnail_ts}&ext="
    )


def homescreen_camera(world: Inventory, account: Account, camera: Camera) -> dict[str, Any]:
    """Return a camera's entry in the homescreen `cameras`, `owls` or `doorbells` list."""
    online = world.camera_online(camera)
    entry: dict[str, Any] = {
        "id": camera.camera_id,
        "created_at": camera.created_at,
        "updated_at": CREATED_AT,
        "name": camera.name,
        "serial": camera.serial,
        "fw_version": camera.fw_version,
        "type": camera.type,
        "enabled": camera.enabled,
        "thumbnail": thumbnail_path(account, camera),
        "network_id": camera.network_id,
        "issues": [],
        "local_storage_enabled": False,
        "local_storage_compatible": camera.family != "lotus",
        "snooze": False,
        "snooze_time_remaining": None,
        "revision": "00",
    }
    if camera.family == "camera":
        entry["status"] = "done" if online else "offline"
        entry["battery"] = camera.battery
        entry["usage_rate"] = False
        if not camera.older_firmware:
            entry["signals"] = signal_fields(camera)
        entry["color"] = "black"
    else:
        # Minis and doorbells carry no Wi-Fi reading in the homescreen (no `signals`).
        entry["status"] = "online" if online else "offline"
        entry["onboarded"] = True
        if camera.family == "lotus":
            entry["battery"] = camera.battery
    return entry


def homescreen_pan_tilt(camera: Camera) -> dict[str, Any]:
    """Return the `accessories.rosie` entry of a Mini mounted on a Pan-Tilt mount."""
    return {
        "id": camera.camera_id + 500000,
        "serial": f"G7{camera.serial[2:]}",
        "type": "rosie",
        "connected": True,
        "calibrated": True,
        "target": "owl",
        "target_id": camera.camera_id,
        "created_at": camera.created_at,
        "revision": "01",
    }


def homescreen_sync_module(world: Inventory, module: SyncModule) -> dict[str, Any]:
    """Return a sync module's homescreen entry (Wi-Fi in bars, last heartbeat)."""
    return {
        "id": module.sync_id,
        "created_at": CREATED_AT,
        "updated_at": CREATED_AT,
        "onboarded": True,
        "status": "online" if world.sync_module_online(module) else "offline",
        "name": module.name,
        "serial": module.serial,
        "fw_version": module.fw_version,
        "type": module.type,
        "subtype": "vinnie" if module.type == "sm2" else "none",
        "last_hb": world.sync_module_last_hb(module),
        "wifi_strength": module.wifi_bars,
        "network_id": module.network_id,
        "enable_temp_alerts": True,
        "local_storage_enabled": module.local_storage_enabled,
        "local_storage_compatible": module.local_storage_compatible,
        "local_storage_status": module.local_storage_status,
        "revision": "01",
    }


def homescreen(world: Inventory, account: Account) -> dict[str, Any]:
    """Return `GET /api/v3/accounts/{a}/homescreen`."""
    networks = world.account_networks(account.account_id)
    body: dict[str, Any] = {
        "account": {
            "id": account.account_id,
            "email_verified": True,
            "email_verification_required": True,
            "amazon_account_linked": False,
        },
        "networks": [
            {
                "id": n.network_id,
                "created_at": CREATED_AT,
                "updated_at": CREATED_AT,
                "name": n.name,
                "time_zone": n.time_zone,
                "dst": True,
                "armed": n.armed,
                "lv_save": False,
            }
            for n in networks
        ],
        "sync_modules": [],
        "cameras": [],
        "sirens": [],
        "chimes": [],
        "video_stats": {"storage": 0, "auto_delete_days": 60, "auto_delete_day_options": []},
        "doorbell_buttons": [],
        "owls": [],
        "doorbells": [],
        "app_updates": {"message": "OK", "code": 103, "update_available": False},
        "device_limits": {"camera": 10, "chime": 5, "doorbell": 10, "owl": 10, "siren": 5},
        "whats_new": {"updated_at": 20220101, "url": ""},
        "subscriptions": {"updated_at": CREATED_AT},
        "entitlements": {"updated_at": CREATED_AT},
        "tiv_lock_enable": False,
        "tiv_lock_status": {"locked": False},
        "accessories": {"storm": [], "rosie": []},
    }
    for network in networks:
        module = world.network_sync_module(network.network_id)
        if module is not None:
            body["sync_modules"].append(homescreen_sync_module(world, module))
        for camera in world.network_cameras(network.network_id):
            body[SECTION[camera.family]].append(homescreen_camera(world, account, camera))
            if camera.pan_tilt:
                body["accessories"]["rosie"].append(homescreen_pan_tilt(camera))
    return body
