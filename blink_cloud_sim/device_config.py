"""Config bodies of Minis (`owls/{id}/config`) and doorbells (`doorbells/{id}/config`).

The doorbell config follows the published sample (`tests/fixtures/real/doorbell_config.json`):
a flat object with `temp`, `wifi_rssi` in dBm, `lfr_rssi` and `battery_state`. The only
published Mini config (`tests/fixtures/real/owl_config.json`, firmware 9.63) carries `wifi` in
bars; what newer firmware sends is not public, so a scenario chooses which Wi-Fi field, if any,
it carries (`config_wifi`, none by default), or replaces the whole body (`config_body`).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .inventory import Inventory
    from .model import Camera

CONFIG_UPDATED_AT = "2024-01-01T00:00:00+00:00"

# Where a config body puts the device's Wi-Fi reading; "none" = no Wi-Fi field at all.
CONFIG_WIFI_FIELDS = frozenset({"none", "wifi_rssi", "wifi_strength", "wifi", "signals"})
DEFAULT_CONFIG_WIFI = {"owl": "none", "lotus": "wifi_rssi", "camera": "none"}


def _wifi_fields(camera: Camera) -> dict[str, Any]:
    match camera.config_wifi:
        case "wifi_rssi":
            return {"wifi_rssi": camera.wifi_dbm}
        case "wifi_strength":
            return {"wifi_strength": camera.wifi_dbm}
        case "wifi":
            return {"wifi": camera.wifi_bars}
        case "signals":
            return {"signals": {"wifi": camera.wifi_bars}}
        case _:
            return {}


def _fw_number(version: str) -> float | str:
    """Return a Mini's firmware version as the number its config carries (e.g. 9.63)."""
    try:
        return float(version)
    except ValueError:
        return version


def device_config(world: Inventory, camera: Camera) -> dict[str, Any]:
    """Return the body of a Mini's or doorbell's config endpoint."""
    if camera.config_body is not None:
        return copy.deepcopy(camera.config_body)
    config: dict[str, Any] = {
        "name": camera.name,
        "updated_at": CONFIG_UPDATED_AT,
        "fw_version": _fw_number(camera.fw_version)
        if camera.family == "owl"
        else camera.fw_version,
        "enabled": camera.enabled,
        "led_enabled": True,
        "led_state": "off",
        "status": "online" if world.camera_online(camera) else "offline",
        "video_quality": "best",
        "clip_length_max": 30,
        "clip_length": 30,
        "retrigger_time": 10,
        "motion_sensitivity": 5,
        "motion_regions": 33554431,
        "advanced_motion_regions": [4095] * 12,
        "early_termination": False,
        "night_vision_control": "normal",
        "early_notification": False,
        "early_notification_compatible": True,
        "early_termination_supported": True,
        "illuminator_enable": "auto",
        "illuminator_enable_v2": "auto",
        "illuminator_duration": 1,
        "illuminator_intensity": 4,
        "record_audio_enable": True,
        "volume_control": 7,
        "video_recording_enable": True,
        "video_recording_optional": True,
        "flip_video": False,
        "flip_video_compatible": True,
        "local_storage_enabled": False,
        "local_storage_compatible": camera.family == "owl",
    }
    if camera.family == "lotus":
        # Only doorbells report temperature, the Sync Module link and a battery state.
        if camera.temperature is not None:
            config["temp"] = camera.temperature
        if camera.lfr_dbm is not None:
            config["lfr_rssi"] = camera.lfr_dbm
        if camera.battery is not None:
            config["battery_state"] = camera.battery
    config.update(_wifi_fields(camera))
    return config
