"""The simulated cloud's things: accounts, networks, sync modules, cameras, commands, the clock.

Plain data; the `World` (`world.py`) holds them and changes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

Family = Literal["camera", "owl", "lotus"]
TwoFactor = Literal["none", "412", "202"]

# Product `type` strings -> homescreen section ("camera" = sync-module camera).
TYPE_FAMILY: dict[str, Family] = {
    "white": "camera",
    "xt": "camera",
    "xt2": "camera",
    "catalina": "camera",
    "sedona": "camera",
    "owl": "owl",
    "hawk": "owl",
    "superior": "owl",
    "lotus": "lotus",
    "tulip": "lotus",
    "orchid": "lotus",
}


class SimError(Exception):
    """A control-API call that cannot be carried out (unknown serial, bad argument)."""


class UnknownDeviceError(SimError, KeyError):
    """No device with that serial number exists in the world."""


class ManualClock:
    """A clock that only moves when told to; pass it as `World(clock=...)` in tests."""

    def __init__(self, start: float = 0.0) -> None:
        """Start the clock at `start` seconds."""
        self.now = start

    def __call__(self) -> float:
        """Return the current time in seconds."""
        return self.now

    def advance(self, seconds: float) -> float:
        """Move the clock forward and return the new time."""
        self.now += seconds
        return self.now


def utcnow() -> dt.datetime:
    """Return the current UTC time (the default wall clock)."""
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """Format a timestamp the way Blink does (`2024-01-29T13:03:47+00:00`)."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


@dataclass
class Account:
    """A Blink account (one e-mail address)."""

    email: str
    password: str
    account_id: int
    client_id: int
    user_id: int
    tier: str = "u034"
    two_factor: TwoFactor = "none"
    pin: str = "123456"


@dataclass
class Network:
    """A Blink network ("system"); it is armed or disarmed as a whole."""

    network_id: int
    name: str
    account_id: int
    armed: bool = False
    time_zone: str = "Europe/London"


@dataclass
class _Powered:
    """Power and reachability shared by sync modules and cameras."""

    serial: str
    name: str
    online: bool = True
    powered: bool = True
    boot_seconds: float = 30.0
    boot_until: float | None = None
    fw_version: str = ""

    def is_online(self, now: float) -> bool:
        """Return whether the device reports online at `now` (powered, booted, not offline)."""
        if not (self.online and self.powered):
            return False
        return self.boot_until is None or now >= self.boot_until


@dataclass
class SyncModule(_Powered):
    """A Sync Module; its cameras reach the cloud through it over the LFR radio link."""

    sync_id: int = 0
    network_id: int = 0
    type: str = "sm2"
    wifi_bars: int | None = 4
    last_hb: str | None = None
    offline_since: dt.datetime | None = None
    local_storage_enabled: bool = False
    local_storage_compatible: bool = True
    local_storage_status: str = "unavailable"


@dataclass
class Camera(_Powered):
    """Any camera: sync-module camera, Mini / Wired Floodlight ("owls") or doorbell."""

    camera_id: int = 0
    network_id: int = 0
    type: str = "catalina"
    family: Family = "camera"
    wifi_bars: int | None = 4
    wifi_dbm: int = -255
    lfr_bars: int | None = None
    lfr_dbm: int | None = None
    battery: str | None = "ok"
    battery_level: int | None = 3
    battery_voltage: int | None = None
    temperature: int | None = 68
    poor_connection: bool = False
    power_source: Literal["plug", "battery"] = "battery"
    enabled: bool = True
    created_at: str = "2024-01-01T00:00:00+00:00"
    thumbnail_ts: int = 1700000000
    config_wifi: str = "none"
    config_body: dict[str, Any] | None = None
    pan_tilt: bool = False
    older_firmware: bool = False
    join_s: float = 2.0
    never_joins: bool = False


@dataclass
class Command:
    """A command (status check, liveview, arm ...) the cloud sent to a device."""

    command_id: int
    network_id: int
    kind: str
    serial: str | None
    ok: bool
    done: bool = False
    # When it was sent (world clock and wall clock) and, for a live view, how the camera joins.
    created: float = 0.0
    created_wall: dt.datetime | None = None
    join_s: float = 0.0
    never_joins: bool = False
