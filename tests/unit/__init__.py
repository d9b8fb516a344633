"""Unit tests of the doctor (pure logic, no Home Assistant instance).

Shared builders live here. The payloads follow the shapes of real Blink responses recorded in
research/blinkpy.md section 7 (homescreen, camera config, Mini config, live view); the values
are our own.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from custom_components.blink_audio_doctor.doctor.model import (
    CameraSnapshot,
    NetworkMetrics,
    SyncModuleSnapshot,
)

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)

SYNC_SERIAL = "A0000001"
SYNC_NETWORK = "2000001"


def sync_camera(**changes: Any) -> CameraSnapshot:
    """A healthy sync-module camera (Outdoor gen 3)."""
    camera = CameraSnapshot(
        serial="B0000002",
        name="Porch",
        product_type="catalina",
        family="sync_module_camera",
        firmware="10.53",
        online=True,
        wifi_dbm=-55,
        wifi_bars=4,
        sync_link_bars=4,
        battery_state="ok",
        temperature=17.2,
        camera_id="4000002",
        network_id=SYNC_NETWORK,
        sync_module_serial=SYNC_SERIAL,
    )
    return replace(camera, **changes)


def mini(**changes: Any) -> CameraSnapshot:
    """A healthy standalone Mini (no dBm, no Sync Module link, no battery)."""
    camera = CameraSnapshot(
        serial="G8T1940001731ABC",
        name="Workshop",
        product_type="owl",
        family="mini",
        firmware="9.77",
        online=True,
        wifi_bars=4,
        camera_id="198899",
        network_id="16001",
    )
    return replace(camera, **changes)


def doorbell(**changes: Any) -> CameraSnapshot:
    """A healthy standalone Video Doorbell (bars only, battery powered)."""
    camera = CameraSnapshot(
        serial="DB000001",
        name="Front door",
        product_type="lotus",
        family="doorbell",
        online=True,
        wifi_bars=4,
        battery_state="ok",
        camera_id="333333",
        network_id="222222",
    )
    return replace(camera, **changes)


def floodlight(**changes: Any) -> CameraSnapshot:
    """A healthy standalone Wired Floodlight."""
    camera = CameraSnapshot(
        serial="FL000001",
        name="Drive",
        product_type="superior",
        family="floodlight",
        online=True,
        wifi_bars=5,
        camera_id="444444",
        network_id="16002",
    )
    return replace(camera, **changes)


def sync_module(**changes: Any) -> SyncModuleSnapshot:
    """A healthy Sync Module that sent a heartbeat five minutes ago."""
    module = SyncModuleSnapshot(
        serial=SYNC_SERIAL,
        name="Blink SM",
        network_id=SYNC_NETWORK,
        online=True,
        wifi_bars=3,
        last_heartbeat=NOW - timedelta(minutes=5),
    )
    return replace(module, **changes)


def network(**changes: Any) -> NetworkMetrics:
    """Comfortable network metrics."""
    metrics = NetworkMetrics(
        download_mbps=50.0,
        upload_mbps=10.0,
        latency_ms=30.0,
        jitter_ms=5.0,
        packet_loss_pct=0.0,
        measured_at=NOW - timedelta(minutes=1),
    )
    return replace(metrics, **changes)


def homescreen() -> dict[str, Any]:
    """A homescreen response with one Sync Module, two sync cameras, a Mini and a doorbell."""
    return {
        "account": {"id": 1000001, "email_verified": True},
        "networks": [
            {"id": 2000001, "name": "Home", "armed": True},
            {"id": 2000003, "name": "Workshop", "armed": False},
        ],
        "sync_modules": [
            {
                "id": 3000001,
                "name": "Blink SM",
                "type": "sm2",
                "subtype": "vinnie",
                "network_id": 2000001,
                "onboarded": True,
                "status": "online",
                "serial": SYNC_SERIAL,
                "fw_version": "4.4.8",
                "last_hb": "2026-11-02T11:55:00+00:00",
                "wifi_strength": 3,
                "local_storage_status": "unavailable",
            }
        ],
        "cameras": [
            {
                "id": 4000001,
                "name": "Alpha",
                "type": "white",
                "network_id": 2000001,
                "serial": "B0000001",
                "fw_version": "2.151",
                "enabled": True,
                "status": "done",
                "battery": "low",
                "issues": [],
                "signals": {"lfr": 5, "wifi": 1, "temp": 62, "battery": 2},
            },
            {
                "id": 4000002,
                "name": "Porch",
                "type": "catalina",
                "network_id": 2000001,
                "serial": "B0000002",
                "fw_version": "10.53",
                "enabled": True,
                "status": "done",
                "battery": "ok",
                "issues": [],
                "signals": {"lfr": 4, "wifi": 3, "temp": 63, "battery": 3},
            },
        ],
        "owls": [
            {
                "id": 198899,
                "name": "Workshop",
                "type": "owl",
                "network_id": 2000003,
                "onboarded": True,
                "serial": "G8T1940001731ABC",
                "fw_version": "9.77",
                "enabled": True,
                "status": "online",
                "local_storage_compatible": True,
            }
        ],
        "doorbells": [
            {
                "id": 333333,
                "name": "Front door",
                "type": "lotus",
                "network_id": 2000001,
                "onboarded": True,
                "serial": "DB000001",
                "fw_version": "11.20",
                "enabled": True,
                "status": "online",
                "battery": "ok",
                "signals": {"wifi": 2, "battery": 3},
            }
        ],
    }


def porch_config() -> dict[str, Any]:
    """The ``/network/{n}/camera/{id}/config`` response of the Porch camera."""
    return {
        "camera": [
            {
                "id": 4000002,
                "name": "Porch",
                "network_id": 2000001,
                "sync_module_id": 3000001,
                "serial": "B0000002",
                "fw_version": "10.53",
                "type": "catalina",
                "status": "done",
                "battery_state": "ok",
                "battery_voltage": 154,
                "temperature": 47,
                "wifi_strength": -63,
                "lfr_strength": -83,
            }
        ],
        "signals": {"lfr": 3, "wifi": 3, "temp": 47, "battery": 3, "battery_state": "ok"},
    }


def alpha_config() -> dict[str, Any]:
    """The inner camera dict of the first-generation camera: Blink reports dBm as -255."""
    return {
        "id": 4000001,
        "name": "Alpha",
        "network_id": 2000001,
        "serial": "B0000001",
        "fw_version": "2.151",
        "type": "white",
        "battery_state": "low",
        "temperature": 78,
        "wifi_strength": -255,
        "signals": {"battery": 2, "battery_state": "low", "lfr": 5, "temp": 63, "wifi": 5},
    }


def owl_config() -> dict[str, Any]:
    """The Mini's ``owls/{id}/config`` response: Wi-Fi in bars, firmware as a number."""
    return {
        "name": "Workshop",
        "fw_version": 9.63,
        "enabled": False,
        "status": "online",
        "video_quality": "best",
        "wifi": 5,
        "local_storage_enabled": False,
    }


def liveview(*, poor: bool) -> dict[str, Any]:
    """A live-view response."""
    return {
        "command_id": 987654321,
        "join_available": True,
        "join_state": "available",
        "duration": 300,
        "polling_interval": 15,
        "options": {"poor_connection": poor},
    }
