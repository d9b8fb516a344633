"""The simulated Blink cloud as one object, and the Python control API that changes it.

A `World` holds accounts, networks, sync modules and cameras built from a scenario (a plain
dict, usually read from YAML; see `scenario.py`), plus everything the cloud remembers between
requests: sign-in flows and tokens (`auth_state.py`), commands, injected faults (`faults.py`) and
the request log (`request_log.py`). The HTTP server (`server.py`) only reads and mutates a
`World`; tests and the demo change the world through the methods below, directly or over the
`/_sim/...` HTTP control API.
"""

from __future__ import annotations

import copy
import time
from typing import TYPE_CHECKING, Any

from . import scenario
from .auth_state import DEFAULT_EXPIRES_IN, AccessToken, AuthState, RefreshToken
from .faults import Fault, FaultInjection
from .inventory import Inventory
from .line import Line
from .liveview import LIVEVIEW_COMMAND
from .media import MediaSettings
from .model import (
    Account,
    Camera,
    Command,
    ManualClock,
    Network,
    SimError,
    SyncModule,
    TwoFactor,
    UnknownDeviceError,
    iso,
    utcnow,
)
from .request_log import RequestLog, RequestLogEntry

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable
    from pathlib import Path

# Also the names the package, the tests and the demo import from here.
__all__ = [
    "DEFAULT_EXPIRES_IN",
    "AccessToken",
    "Account",
    "Camera",
    "Fault",
    "ManualClock",
    "Network",
    "RefreshToken",
    "RequestLogEntry",
    "SimError",
    "UnknownDeviceError",
    "World",
    "iso",
    "make_world",
]


class World(Inventory, AuthState, FaultInjection, RequestLog):
    """The simulated Blink cloud: devices, accounts, auth state, faults and the request log."""

    def __init__(
        self,
        scenario_data: dict[str, Any] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        """Build a world from a scenario dict (see the shipped YAML files for the format).

        Args:
            scenario_data: The parsed scenario; None gives the shipped default scenario.
            clock: Monotonic seconds used for token expiry and boot times; inject a
                `ManualClock` to make tests instant and deterministic.
            wall_clock: Current UTC time for timestamps such as a sync module's `last_hb`.
        """
        Inventory.__init__(self, clock, wall_clock)
        AuthState.__init__(self, clock)
        FaultInjection.__init__(self)
        RequestLog.__init__(self)
        self._scenario = copy.deepcopy(
            scenario_data if scenario_data is not None else scenario.load_default()
        )
        self.commands: dict[int, Command] = {}
        self._next_command_id = 900000001
        self._next_camera_id = 0
        self.require_cookies = False
        self.tcp_close_delay = 0.0
        self.line = Line()
        self.media = MediaSettings()
        # Called after set_media (the server's media listener follows reachability at once).
        self.media_changed: list[Callable[[], None]] = []
        self._build()

    # ----------------------------------------------------------------------------- loading

    @classmethod
    def from_file(cls, path: str | Path, **kwargs: Any) -> World:
        """Load a world from a YAML scenario file."""
        return cls(scenario.load_file(path), **kwargs)

    @classmethod
    def from_scenario(cls, name: str, **kwargs: Any) -> World:
        """Load a shipped scenario by name (e.g. `default`, `demo`, `families`) or a file path."""
        return cls.from_file(scenario.scenario_path(name), **kwargs)

    def _build(self) -> None:
        data = self._scenario
        self.expires_in = int(data.get("expires_in", DEFAULT_EXPIRES_IN))
        self.require_cookies = bool(data.get("require_cookies", False))
        self.tcp_close_delay = float(data.get("tcp_close_delay", 0.0))
        self.line = Line.from_spec(data.get("line"))
        self.media = scenario.media(data.get("media"))
        self.accounts = scenario.accounts(data)
        self.networks = scenario.networks(data, self.accounts[0].account_id)
        self.sync_modules, self.cameras = scenario.devices(data, self.networks)
        self.deleted_cameras = {}
        self._next_camera_id = 1 + max(
            [c.camera_id for c in self.cameras.values()] + [7000000], default=7000000
        )
        # Faults the scenario starts with (same keywords as inject_fault).
        for spec in data.get("faults", []):
            fault = dict(spec)
            self.inject_fault(str(fault.pop("endpoint")), **fault)

    # ----------------------------------------------------------------------------- control

    def power_off(self, serial: str) -> None:
        """Cut a device's power: it reports offline at once."""
        device = self.device(serial)
        if isinstance(device, SyncModule) and self.sync_module_online(device):
            device.offline_since = self.wall_clock()
        device.powered = False
        device.boot_until = None

    def power_on(self, serial: str) -> None:
        """Restore power: the device reports online again after its `boot_seconds`.

        Does nothing when the device has power already.
        """
        device = self.device(serial)
        if device.powered:
            return
        device.powered = True
        # A reboot also clears a hung "offline" state (set_status(serial, False)).
        device.online = True
        device.boot_until = self.now() + device.boot_seconds

    def set_signals(
        self,
        serial: str,
        *,
        wifi_bars: int | None = None,
        wifi_dbm: int | None = None,
        lfr_bars: int | None = None,
        lfr_dbm: int | None = None,
    ) -> None:
        """Change a camera's radio signals; arguments left as None stay unchanged."""
        camera = self.camera(serial)
        if wifi_bars is not None:
            camera.wifi_bars = scenario.bars(wifi_bars)
        if wifi_dbm is not None:
            camera.wifi_dbm = int(wifi_dbm)
        if lfr_bars is not None:
            camera.lfr_bars = scenario.bars(lfr_bars)
        if lfr_dbm is not None:
            camera.lfr_dbm = int(lfr_dbm)

    def set_device_config(  # noqa: PLR0913 - the control API's fixed keyword arguments
        self,
        serial: str,
        *,
        wifi_dbm: int | None = None,
        lfr_dbm: int | None = None,
        temperature: int | None = None,
        battery: str | None = None,
        config_wifi: str | None = None,
    ) -> None:
        """Change what a Mini's or doorbell's config endpoint reports; None leaves a value.

        Args:
            serial: The Mini or doorbell.
            wifi_dbm: Wi-Fi in dBm (a doorbell's `wifi_rssi`).
            lfr_dbm: Sync Module link in dBm (a doorbell's `lfr_rssi`).
            temperature: A doorbell's `temp`.
            battery: A doorbell's `battery_state` (`ok`, `low`).
            config_wifi: Which Wi-Fi field the config carries (see `CONFIG_WIFI_FIELDS`).
        """
        camera = self.camera(serial)
        if camera.family == "camera":
            msg = f"{serial} is a sync-module camera; use set_signals"
            raise SimError(msg)
        if config_wifi is not None:
            camera.config_wifi = scenario.config_wifi(config_wifi, serial)
        if wifi_dbm is not None:
            camera.wifi_dbm = int(wifi_dbm)
        if lfr_dbm is not None:
            camera.lfr_dbm = int(lfr_dbm)
        if temperature is not None:
            camera.temperature = int(temperature)
        if battery is not None:
            camera.battery = str(battery)

    def set_config_body(self, serial: str, body: dict[str, Any] | None) -> None:
        """Serve `body` verbatim from a Mini's or doorbell's config endpoint (None = generated)."""
        camera = self.camera(serial)
        camera.config_body = scenario.config_body(body, serial)

    def set_status(self, serial: str, online: bool) -> None:  # noqa: FBT001
        """Mark a camera or sync module online/offline (independent of its power)."""
        device = self.device(serial)
        if isinstance(device, SyncModule) and not online and self.sync_module_online(device):
            device.offline_since = self.wall_clock()
        device.online = bool(online)

    def set_sync_module(
        self,
        serial: str,
        *,
        online: bool | None = None,
        wifi_bars: int | None = None,
        last_hb: str | None = None,
    ) -> None:
        """Change a sync module's status, Wi-Fi bars or a fixed last heartbeat."""
        module = self.sync_module(serial)
        if online is not None:
            self.set_status(serial, online)
        if wifi_bars is not None:
            module.wifi_bars = scenario.bars(wifi_bars)
        if last_hb is not None:
            module.last_hb = last_hb

    def set_poor_connection(self, serial: str, flag: bool) -> None:  # noqa: FBT001
        """Set the camera's liveview `options.poor_connection` flag."""
        self.camera(serial).poor_connection = bool(flag)

    def set_join_time(self, serial: str, seconds: float) -> None:
        """Set how long the camera takes to join a live view (world seconds, from the request)."""
        self.camera(serial).join_s = scenario.join_time(seconds, serial)

    def set_never_joins(self, serial: str, flag: bool) -> None:  # noqa: FBT001
        """Make the camera never join a live view (the command fails after the join time-out)."""
        self.camera(serial).never_joins = bool(flag)

    def set_media(
        self, *, handshake_ms: float | None = None, reachable: bool | None = None
    ) -> None:
        """Change the media server's handshake delay (ms) or make it (un)reachable; None keeps."""
        self.media = scenario.media(
            {
                "handshake_ms": self.media.handshake_ms if handshake_ms is None else handshake_ms,
                "reachable": self.media.reachable if reachable is None else reachable,
            }
        )
        for listener in self.media_changed:
            listener()

    def delete_camera(self, serial: str) -> None:
        """Delete a camera from its account (as in the Blink app)."""
        camera = self.camera(serial)
        del self.cameras[serial]
        self.deleted_cameras[serial] = camera

    def add_camera_back(self, serial: str) -> int:
        """Add a deleted camera back: same serial and settings, a new camera id (returned)."""
        try:
            camera = self.deleted_cameras.pop(serial)
        except KeyError:
            msg = f"no deleted camera with serial {serial!r}"
            raise UnknownDeviceError(msg) from None
        camera.camera_id = self._next_camera_id
        self._next_camera_id += 1
        camera.created_at = iso(self.wall_clock())
        camera.thumbnail_ts += 1
        self.cameras[serial] = camera
        return camera.camera_id

    def reset(self) -> None:
        """Restore every device and account from the scenario; clear faults, log and commands.

        Issued tokens stay valid so that signed-in clients keep working.
        """
        self.request_log.clear()
        self.faults.clear()
        self.commands.clear()
        self._build()
        for listener in self.media_changed:
            listener()

    def advance(self, seconds: float) -> float:
        """Advance a `ManualClock`; fails for a real clock."""
        if not isinstance(self.clock, ManualClock):
            msg = "advance() needs World(clock=ManualClock())"
            raise SimError(msg)
        return self.clock.advance(seconds)

    def snapshot(self) -> dict[str, Any]:
        """Return a JSON-friendly view of the devices (for `/_sim/state`)."""
        return {
            "time": self.now(),
            "sync_modules": [
                {
                    "serial": s.serial,
                    "name": s.name,
                    "id": s.sync_id,
                    "network_id": s.network_id,
                    "powered": s.powered,
                    "online": self.sync_module_online(s),
                    "wifi_bars": s.wifi_bars,
                    "last_hb": self.sync_module_last_hb(s),
                }
                for s in self.sync_modules.values()
            ],
            "cameras": [
                {
                    "serial": c.serial,
                    "name": c.name,
                    "id": c.camera_id,
                    "network_id": c.network_id,
                    "type": c.type,
                    "family": c.family,
                    "powered": c.powered,
                    "online": self.camera_online(c),
                    "wifi_bars": c.wifi_bars,
                    "wifi_dbm": c.wifi_dbm,
                    "lfr_bars": c.lfr_bars,
                    "lfr_dbm": c.lfr_dbm,
                    "poor_connection": c.poor_connection,
                    "join_s": c.join_s,
                    "never_joins": c.never_joins,
                    "power_source": c.power_source,
                }
                for c in self.cameras.values()
            ],
            "deleted_cameras": sorted(self.deleted_cameras),
            "media": {"handshake_ms": self.media.handshake_ms, "reachable": self.media.reachable},
            "faults": [f.as_dict() for f in self.faults],
        }

    # ----------------------------------------------------------------------------- auth

    def account_for_token(self, token: str) -> Account | None:
        """Return the account of a valid, unexpired access token."""
        issued = self.access_tokens.get(token)
        if issued is None or self.now() >= issued.expires_at:
            return None
        return self.account(issued.account_id)

    def new_command(self, network_id: int, kind: str, serial: str | None, *, ok: bool) -> Command:
        """Record a command sent to a device (used by the server)."""
        command = Command(
            command_id=self._next_command_id,
            network_id=network_id,
            kind=kind,
            serial=serial,
            ok=ok,
        )
        self._next_command_id += 1
        self.commands[command.command_id] = command
        return command

    def new_liveview(self, camera: Camera) -> Command:
        """Record a live-view request: the camera joins after its `join_s` (world clock)."""
        command = self.new_command(
            camera.network_id, LIVEVIEW_COMMAND, camera.serial, ok=self.camera_online(camera)
        )
        command.created = self.now()
        command.created_wall = self.wall_clock()
        command.join_s = camera.join_s
        command.never_joins = camera.never_joins
        return command


def make_world(
    num_cameras: int = 10,
    *,
    cameras_per_sync_module: int = 10,
    clock: Callable[[], float] = time.monotonic,
    two_factor: TwoFactor = "none",
) -> World:
    """Build a benchmark world: N sync-module cameras spread over sync modules.

    Each sync module has its own network with up to `cameras_per_sync_module` cameras; the
    account is `bench@example.com`, password `bench-password`, PIN 123456.
    """
    data = scenario.bench_scenario(
        num_cameras, cameras_per_sync_module=cameras_per_sync_module, two_factor=two_factor
    )
    return World(data, clock=clock)
