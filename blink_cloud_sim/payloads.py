"""JSON bodies in the shapes real Blink answers with (published samples: tests/fixtures/real/).

Each function reads the world and returns a plain dict; the server serialises it. Keys beyond
what blinkpy reads are kept where real payloads carry them. The homescreen is in
`homescreen.py`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import iso

if TYPE_CHECKING:
    from .inventory import Inventory
    from .model import Account, Camera, Command, Network, SyncModule

CREATED_AT = "2024-01-01T00:00:00+00:00"


def signal_fields(camera: Camera) -> dict[str, Any]:
    """Return a sync-module camera's `signals` (bars; `temp` in °F)."""
    return {
        "lfr": camera.lfr_bars,
        "wifi": camera.wifi_bars,
        "temp": camera.temperature,
        "battery": camera.battery_level,
    }


def networks(world: Inventory, account: Account) -> dict[str, Any]:
    """Return `GET /networks`.

    Only networks with a sync module are marked `onboarded`: blinkpy treats an onboarded
    network as a sync-module system, and a Mini or doorbell alone in its network becomes its
    own pseudo sync module instead.
    """
    nets = world.account_networks(account.account_id)
    return {
        "summary": {
            str(n.network_id): {
                "name": n.name,
                "onboarded": world.network_sync_module(n.network_id) is not None,
            }
            for n in nets
        },
        "networks": [network_object(world, n) for n in nets],
    }


def network_object(world: Inventory, network: Network) -> dict[str, Any]:
    """Return a network object as in `POST /network/{n}/update` and `GET /network/{n}`."""
    module = world.network_sync_module(network.network_id)
    return {
        "id": network.network_id,
        "created_at": CREATED_AT,
        "updated_at": CREATED_AT,
        "name": network.name,
        "network_key": "",
        "description": "",
        "network_origin": "normal",
        "locale": "",
        "time_zone": network.time_zone,
        "dst": True,
        "ping_interval": 60,
        "encryption_key": None,
        "armed": network.armed,
        "autoarm_geo_enable": False,
        "autoarm_time_enable": False,
        "lv_mode": "relay",
        "lfr_channel": 0,
        "video_destination": "server",
        "storage_used": 0,
        "storage_total": 0,
        "video_count": 0,
        "video_history_count": 4000,
        "sm_backup_enabled": False,
        "arm_string": "Armed" if network.armed else "Disarmed",
        "busy": False,
        "camera_error": False,
        "sync_module_error": False,
        "feature_plan_id": None,
        "account_id": network.account_id,
        "lv_save": False,
        "sync_module_online": module is not None and world.sync_module_online(module),
    }


def camera_usage(world: Inventory, account: Account) -> dict[str, Any]:
    """Return `GET /api/v1/camera/usage` (sync-module cameras per network)."""
    result = []
    for network in world.account_networks(account.account_id):
        if world.network_sync_module(network.network_id) is None:
            continue
        result.append(
            {
                "network_id": network.network_id,
                "name": network.name,
                "cameras": [
                    {
                        "id": c.camera_id,
                        "name": c.name,
                        "usage": 0,
                        "lv_seconds": 0,
                        "clip_seconds": 0,
                    }
                    for c in world.network_cameras(network.network_id, "camera")
                ],
            }
        )
    return {"range_days": 7, "reference": {"usage": 0}, "networks": result}


def syncmodules(world: Inventory, module: SyncModule, account: Account) -> dict[str, Any]:
    """Return `GET /network/{n}/syncmodules`."""
    return {
        "syncmodule": {
            "id": module.sync_id,
            "created_at": CREATED_AT,
            "updated_at": CREATED_AT,
            "last_activity": world.sync_module_last_hb(module),
            "name": module.name,
            "fw_version": module.fw_version,
            "mac_address": None,
            "ip_address": None,
            "lfr_frequency": None,
            "serial": module.serial,
            "status": "online" if world.sync_module_online(module) else "offline",
            "onboarded": True,
            "server": f"rest-{account.tier}.immedia-semi.com",
            "last_hb": world.sync_module_last_hb(module),
            "os_version": "",
            "last_wifi_alert": None,
            "wifi_alert_count": 0,
            "last_offline_alert": None,
            "offline_alert_count": 0,
            "table_update_sequence": 1,
            "wifi_strength": module.wifi_bars,
            "type": module.type,
            "subtype": "vinnie" if module.type == "sm2" else "none",
            "network_id": module.network_id,
            "account_id": account.account_id,
        }
    }


def camera_config(world: Inventory, account: Account, camera: Camera) -> dict[str, Any]:
    """Return `GET /network/{n}/camera/{id}/config` for a sync-module camera."""
    online = world.camera_online(camera)
    module = world.network_sync_module(camera.network_id)
    stamp = iso(world.wall_clock())
    signals = {**signal_fields(camera), "updated_at": stamp}
    signals["battery_state"] = camera.battery
    entry: dict[str, Any] = {
        "id": camera.camera_id,
        "name": camera.name,
        "network_id": camera.network_id,
        "sync_module_id": module.sync_id if module else None,
        "account_id": account.account_id,
        "account": account.account_id,
        "created_at": camera.created_at,
        "updated_at": CREATED_AT,
        "deleted_at": None,
        "serial": camera.serial,
        "fw_version": camera.fw_version,
        "type": camera.type,
        "enabled": camera.enabled,
        "status": "done" if online else "offline",
        "battery_state": camera.battery,
        "battery_voltage": camera.battery_voltage,
        "battery_check_time": stamp,
        "temperature": camera.temperature,
        "wifi_strength": camera.wifi_bars if camera.older_firmware else camera.wifi_dbm,
        "lfr_strength": camera.lfr_dbm,
        "lfr_sync_interval": 8,
        "wifi_timeout": 30,
        "wifi_alert_count": 0,
        "lfr_alert_count": 0,
        "thumbnail": str(camera.thumbnail_ts),  # Blink sends only the time stamp here
        "illuminator_enable": 2,
        "night_vision_control": "normal",
        "illuminator_enable_v2": "auto",
        "video_quality": "standard",
        "video_length": 30,
        "unit_number": 1,
        "ac_power": camera.power_source == "plug",
    }
    if camera.older_firmware:
        # Older firmware: `wifi_strength` in bars and no `signals` at all.
        return {"camera": [entry]}
    entry["signals"] = signals
    return {"camera": [entry], "signals": signals}


def camera_signals(world: Inventory, camera: Camera) -> dict[str, Any]:
    """Return `GET /network/{n}/camera/{id}/signals`."""
    return {
        "updated_at": iso(world.wall_clock()),
        "battery": camera.battery_level,
        "lfr": camera.lfr_bars,
        "temp": camera.temperature,
        "wifi": camera.wifi_bars,
    }


def camera_status(world: Inventory, camera: Camera) -> dict[str, Any]:
    """Return `GET /network/{n}/camera/{id}` (the result of a status check)."""
    return {
        "camera_status": {
            "camera_id": camera.camera_id,
            "created_at": CREATED_AT,
            "updated_at": iso(world.wall_clock()),
            "wifi_strength": camera.wifi_dbm,
            "lfr_strength": camera.lfr_dbm,
            "battery_voltage": camera.battery_voltage,
            "temperature": camera.temperature,
            "fw_version": camera.fw_version,
            "ac_power": camera.power_source == "plug",
            "error_codes": 0,
        }
    }


def command(cmd: Command, account: Account) -> dict[str, Any]:
    """Return a freshly created command object (what triggers blinkpy's command polling)."""
    return {
        "id": cmd.command_id,
        "created_at": CREATED_AT,
        "updated_at": CREATED_AT,
        "execute_time": CREATED_AT,
        "command": cmd.kind,
        "state_stage": "rest",
        "stage_rest": CREATED_AT,
        "state_condition": "new",
        "sync_module_id": None,
        "account_id": account.account_id,
        "network_id": cmd.network_id,
        "camera_id": None,
        "siren_id": None,
        "firmware_id": None,
        "debug": "",
        "opts_1": 0,
        "target": cmd.serial,
    }


def command_status(cmd: Command) -> dict[str, Any]:
    """Return `GET /network/{n}/command/{id}`: complete, 908 when the device answered."""
    condition = "done" if cmd.ok else "failed"
    return {
        "complete": True,
        "status": 0 if cmd.ok else 1,
        "status_msg": "Command succeeded" if cmd.ok else "Command failed: device offline",
        "status_code": 908 if cmd.ok else 523,
        "commands": [
            {
                "id": cmd.command_id,
                "created_at": CREATED_AT,
                "updated_at": CREATED_AT,
                "execute_time": CREATED_AT,
                "command": cmd.kind,
                "state_stage": "dev",
                "state_condition": condition,
                "network_id": cmd.network_id,
            }
        ],
        "media_id": None,
    }
