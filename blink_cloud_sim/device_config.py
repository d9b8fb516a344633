"""Config bodies of Minis (`owls/{id}/config`) and doorbells (`doorbells/{id}/config`).

The doorbell config follows the published sample (`tests/fixtures/real/doorbell_config.json`):
a flat object with `temp`, `wifi_rssi` in dBm, `lfr_rssi` and `battery_state`. The owl config's
shape is not public, so a scenario chooses which Wi-Fi field, if any, it carries
(`config_wifi`), or replaces the whole body (`config_body`). See README.md.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .world import Camera, World

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


def device_config(world: World, camera: Camera) -> dict[str, Any]:
    """Return the body of a Mini's or doorbell's config endpoint."""
    if camera.config_body is not None:
        return copy.deepcopy(camera.config_body)
    config: dict[str, Any] = {
        "name": camera.name,
        "updated_at": CONFIG_UPDATED_AT,
        "fw_version": camera.fw_version,
        "enabled": camera.enabled,
        "status": "online" if world.camera_online(camera) else "offline",
        "video_quality": "best",
        "clip_length_max": 30,
        "clip_length": 30,
        "retrigger_time": 10,
        "motion_sensitivity": 5,
        "night_vision_control": "normal",
        "illuminator_enable": "auto",
        "record_audio_enable": True,
        "volume_control": 7,
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
