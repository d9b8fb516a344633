"""State of the simulated Blink cloud and the Python control API that changes it.

A `World` holds accounts, networks, sync modules and cameras built from a scenario (a plain
dict, usually read from YAML), plus everything the cloud remembers between requests: sign-in
flows, authorization codes, access and refresh tokens, commands, injected faults and the request
log. The HTTP server (`server.py`) only reads and mutates a `World`; tests and the demo change the
world through the methods below, directly or over the `/_sim/...` HTTP control API.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

from .device_config import CONFIG_WIFI_FIELDS, DEFAULT_CONFIG_WIFI

if TYPE_CHECKING:
    from collections.abc import Callable

SCENARIO_DIR = Path(__file__).parent / "scenarios"

DEFAULT_EXPIRES_IN = 14400
"""Access-token lifetime in seconds (what Blink answers in `expires_in`)."""

# Blink's OAuth front end rejects these globally shared hardware ids with HTTP 406.
BLOCKED_HARDWARE_IDS = frozenset({"Home Assistant", "Blinkpy"})

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

FAULT_STATUSES = frozenset({401, 403, 404, 406, 409, 429, 500, 502, 503, 504})


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


def _utcnow() -> dt.datetime:
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


@dataclass
class Fault:
    """A fault injected for requests whose endpoint name or path matches."""

    endpoint: str
    status: int | None = None
    delay: float | None = None
    timeout: bool = False
    malformed: bool = False
    count: int | None = None
    hits: int = 0
    _regex: re.Pattern[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        """Compile the endpoint as a path regex unless it is only a name."""
        try:
            self._regex = re.compile(self.endpoint)
        except re.error:
            self._regex = None

    def matches(self, name: str | None, path: str) -> bool:
        """Return whether a request to `path` (endpoint `name`) is affected."""
        if name is not None and name == self.endpoint:
            return True
        return self._regex is not None and self._regex.search(path) is not None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly description."""
        return {
            "endpoint": self.endpoint,
            "status": self.status,
            "delay": self.delay,
            "timeout": self.timeout,
            "malformed": self.malformed,
            "count": self.count,
            "hits": self.hits,
        }


@dataclass
class RequestLogEntry:
    """One request the simulator answered."""

    method: str
    path: str
    endpoint: str | None
    template: str | None
    status: int
    time: float
    query: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly description."""
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "endpoint": self.endpoint,
            "template": self.template,
            "status": self.status,
            "time": self.time,
        }


@dataclass
class OAuthFlow:
    """One browser-style sign-in (authorize -> signin -> [2FA] -> authorize -> code)."""

    session_id: str
    hardware_id: str | None
    code_challenge: str | None
    redirect_uri: str
    created: int
    state: Literal["new", "needs_2fa", "authenticated", "done"] = "new"
    csrf_token: str | None = None
    account_id: int | None = None
    peer: str | None = None


@dataclass
class AuthCode:
    """An authorization code waiting to be exchanged at the token endpoint."""

    flow: OAuthFlow
    account_id: int
    expires_at: float


@dataclass
class AccessToken:
    """An issued access token."""

    account_id: int
    expires_at: float
    hardware_id: str | None


@dataclass
class RefreshToken:
    """An issued refresh token; it is single-use (rotated on every refresh)."""

    account_id: int
    hardware_id: str | None
    used: bool = False


@dataclass
class Command:
    """A command (status check, liveview, arm ...) the cloud sent to a device."""

    command_id: int
    network_id: int
    kind: str
    serial: str | None
    ok: bool
    done: bool = False


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


class World:
    """The simulated Blink cloud: devices, accounts, auth state, faults and the request log."""

    def __init__(
        self,
        scenario: dict[str, Any] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        """Build a world from a scenario dict (see the shipped YAML files for the format).

        Args:
            scenario: The parsed scenario; None gives the shipped default scenario.
            clock: Monotonic seconds used for token expiry and boot times; inject a
                `ManualClock` to make tests instant and deterministic.
            wall_clock: Current UTC time for timestamps such as a sync module's `last_hb`.
        """
        self.clock = clock
        self.wall_clock = wall_clock
        self._scenario = copy.deepcopy(scenario if scenario is not None else _load_default())
        self.request_log: list[RequestLogEntry] = []
        self.faults: list[Fault] = []
        self.flows: dict[str, OAuthFlow] = {}
        self._flow_sequence = itertools.count(1)
        self.auth_codes: dict[str, AuthCode] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.commands: dict[int, Command] = {}
        self._next_command_id = 900000001
        self._next_camera_id = 0
        self.expires_in = DEFAULT_EXPIRES_IN
        self.require_cookies = False
        self.tcp_close_delay = 0.0
        self.accounts: list[Account] = []
        self.networks: dict[int, Network] = {}
        self.sync_modules: dict[str, SyncModule] = {}
        self.cameras: dict[str, Camera] = {}
        self.deleted_cameras: dict[str, Camera] = {}
        self._build()

    # ----------------------------------------------------------------------------- loading

    @classmethod
    def from_file(cls, path: str | Path, **kwargs: Any) -> World:
        """Load a world from a YAML scenario file."""
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            msg = f"{path}: a scenario must be a mapping"
            raise SimError(msg)
        return cls(data, **kwargs)

    @classmethod
    def from_scenario(cls, name: str, **kwargs: Any) -> World:
        """Load a shipped scenario by name (e.g. `default`, `demo`, `families`) or a file path."""
        path = Path(name)
        if path.suffix in {".yaml", ".yml"} and path.exists():
            return cls.from_file(path, **kwargs)
        shipped = SCENARIO_DIR / f"{name}.yaml"
        if not shipped.exists():
            known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml")))
            msg = f"unknown scenario {name!r} (shipped: {known})"
            raise SimError(msg)
        return cls.from_file(shipped, **kwargs)

    def _build(self) -> None:
        data = self._scenario
        self.expires_in = int(data.get("expires_in", DEFAULT_EXPIRES_IN))
        self.require_cookies = bool(data.get("require_cookies", False))
        self.tcp_close_delay = float(data.get("tcp_close_delay", 0.0))
        self.accounts = [
            Account(
                email=str(a["email"]),
                password=str(a["password"]),
                account_id=int(a["account_id"]),
                client_id=int(a.get("client_id", a["account_id"] + 1)),
                user_id=int(a.get("user_id", a["account_id"] + 2)),
                tier=str(a.get("tier", a.get("region", "u034"))),
                two_factor=_two_factor(a.get("two_factor", "none")),
                pin=str(a.get("pin", "123456")),
            )
            for a in data.get("accounts", [])
        ]
        if not self.accounts:
            msg = "a scenario needs at least one account"
            raise SimError(msg)
        default_account = self.accounts[0].account_id
        self.networks = {
            int(n["id"]): Network(
                network_id=int(n["id"]),
                name=str(n["name"]),
                account_id=int(n.get("account_id", default_account)),
                armed=bool(n.get("armed", False)),
                time_zone=str(n.get("time_zone", "Europe/London")),
            )
            for n in data.get("networks", [])
        }
        self.sync_modules = {}
        for s in data.get("sync_modules", []):
            module = SyncModule(
                serial=str(s["serial"]),
                name=str(s.get("name", "Sync Module")),
                sync_id=int(s["id"]),
                network_id=int(s["network_id"]),
                type=str(s.get("type", "sm2")),
                online=_status_flag(s.get("status", "online")),
                powered=bool(s.get("powered", True)),
                wifi_bars=_opt_int(s.get("wifi_bars", 4)),
                last_hb=s.get("last_hb"),
                fw_version=str(s.get("fw_version", "4.4.8")),
                boot_seconds=float(s.get("boot_seconds", 30)),
                local_storage_enabled=bool(s.get("local_storage_enabled", False)),
                local_storage_compatible=bool(
                    s.get("local_storage_compatible", s.get("type", "sm2") == "sm2")
                ),
                local_storage_status=str(s.get("local_storage_status", "unavailable")),
            )
            self._check_network(module.network_id, module.serial)
            self.sync_modules[module.serial] = module
        self.cameras = {}
        self.deleted_cameras = {}
        for c in data.get("cameras", []):
            camera = _camera_from_spec(c)
            self._check_network(camera.network_id, camera.serial)
            if camera.serial in self.cameras or camera.serial in self.sync_modules:
                msg = f"duplicate serial {camera.serial}"
                raise SimError(msg)
            self.cameras[camera.serial] = camera
        self._next_camera_id = 1 + max(
            [c.camera_id for c in self.cameras.values()] + [7000000], default=7000000
        )
        # Faults the scenario starts with (same keywords as inject_fault).
        for spec in data.get("faults", []):
            fault = dict(spec)
            self.inject_fault(str(fault.pop("endpoint")), **fault)

    def _check_network(self, network_id: int, serial: str) -> None:
        if network_id not in self.networks:
            msg = f"{serial}: unknown network {network_id}"
            raise SimError(msg)

    # ----------------------------------------------------------------------------- queries

    def now(self) -> float:
        """Return the world clock's current time."""
        return self.clock()

    def account_by_email(self, email: str) -> Account | None:
        """Return the account with that e-mail address (case-insensitive)."""
        wanted = email.strip().casefold()
        return next((a for a in self.accounts if a.email.casefold() == wanted), None)

    def account(self, account_id: int) -> Account | None:
        """Return the account with that id."""
        return next((a for a in self.accounts if a.account_id == account_id), None)

    def account_networks(self, account_id: int) -> list[Network]:
        """Return the networks of an account, ordered by id."""
        return sorted(
            (n for n in self.networks.values() if n.account_id == account_id),
            key=lambda n: n.network_id,
        )

    def network_sync_module(self, network_id: int) -> SyncModule | None:
        """Return the sync module of a network, if it has one."""
        return next((s for s in self.sync_modules.values() if s.network_id == network_id), None)

    def network_cameras(self, network_id: int, family: Family | None = None) -> list[Camera]:
        """Return the cameras of a network (optionally of one family), ordered by id."""
        return sorted(
            (
                c
                for c in self.cameras.values()
                if c.network_id == network_id and (family is None or c.family == family)
            ),
            key=lambda c: c.camera_id,
        )

    def camera_by_id(self, network_id: int, camera_id: int) -> Camera | None:
        """Return the camera with that id in that network."""
        return next(
            (
                c
                for c in self.cameras.values()
                if c.camera_id == camera_id and c.network_id == network_id
            ),
            None,
        )

    def device(self, serial: str) -> Camera | SyncModule:
        """Return the camera or sync module with that serial number."""
        if serial in self.cameras:
            return self.cameras[serial]
        if serial in self.sync_modules:
            return self.sync_modules[serial]
        msg = f"no device with serial {serial!r}"
        raise UnknownDeviceError(msg)

    def camera(self, serial: str) -> Camera:
        """Return the camera with that serial number."""
        try:
            return self.cameras[serial]
        except KeyError:
            msg = f"no camera with serial {serial!r}"
            raise UnknownDeviceError(msg) from None

    def sync_module(self, serial: str) -> SyncModule:
        """Return the sync module with that serial number."""
        try:
            return self.sync_modules[serial]
        except KeyError:
            msg = f"no sync module with serial {serial!r}"
            raise UnknownDeviceError(msg) from None

    def sync_module_online(self, module: SyncModule) -> bool:
        """Return whether a sync module reports online now."""
        return module.is_online(self.now())

    def camera_online(self, camera: Camera) -> bool:
        """Return whether a camera reports online now.

        A sync-module camera reaches the cloud only through its sync module, so it is
        offline while its sync module is.
        """
        if not camera.is_online(self.now()):
            return False
        if camera.family == "camera":
            module = self.network_sync_module(camera.network_id)
            return module is None or self.sync_module_online(module)
        return True

    def sync_module_last_hb(self, module: SyncModule) -> str:
        """Return the sync module's last heartbeat (now while online, frozen when offline)."""
        if module.last_hb is not None:
            return module.last_hb
        if self.sync_module_online(module):
            return iso(self.wall_clock())
        return iso(module.offline_since or self.wall_clock())

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

    def is_powered(self, serial: str) -> bool:
        """Return whether the device has power (it may still be booting)."""
        return self.device(serial).powered

    def is_online(self, serial: str) -> bool:
        """Return whether the device reports online to the cloud now."""
        device = self.device(serial)
        if isinstance(device, SyncModule):
            return self.sync_module_online(device)
        return self.camera_online(device)

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
            camera.wifi_bars = _bars(wifi_bars)
        if wifi_dbm is not None:
            camera.wifi_dbm = int(wifi_dbm)
        if lfr_bars is not None:
            camera.lfr_bars = _bars(lfr_bars)
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
            camera.config_wifi = _config_wifi(config_wifi, serial)
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
        camera.config_body = _config_body(body, serial)

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
            module.wifi_bars = _bars(wifi_bars)
        if last_hb is not None:
            module.last_hb = last_hb

    def set_poor_connection(self, serial: str, flag: bool) -> None:  # noqa: FBT001
        """Set the camera's liveview `options.poor_connection` flag."""
        self.camera(serial).poor_connection = bool(flag)

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

    def inject_fault(  # noqa: PLR0913 - the control API's fixed keyword arguments
        self,
        endpoint: str,
        *,
        status: int | None = None,
        delay: float | None = None,
        timeout: bool = False,
        malformed: bool = False,
        count: int | None = None,
    ) -> Fault:
        """Make requests to an endpoint fail.

        Args:
            endpoint: An endpoint name (see `server.ENDPOINTS`) or a regex searched in the path.
            status: Answer with this HTTP status (401, 406, 429, 500, 503 ...).
            delay: Wait this many seconds first (then answer normally unless told otherwise).
            timeout: Never answer; hang until the client gives up.
            malformed: Answer 200 (or `status`) with a body that is not valid JSON.
            count: Affect only this many requests; None = until `clear_faults()`.

        Returns:
            The fault, whose `hits` counts the requests it affected.
        """
        if status is not None and not 100 <= int(status) <= 599:  # noqa: PLR2004
            msg = f"invalid HTTP status {status}"
            raise SimError(msg)
        if count is not None and int(count) < 1:
            msg = "count must be at least 1"
            raise SimError(msg)
        if status is None and delay is None and not timeout and not malformed:
            msg = "a fault needs status, delay, timeout or malformed"
            raise SimError(msg)
        fault = Fault(
            endpoint=endpoint,
            status=None if status is None else int(status),
            delay=None if delay is None else float(delay),
            timeout=bool(timeout),
            malformed=bool(malformed),
            count=None if count is None else int(count),
        )
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.faults.clear()

    def take_fault(self, name: str | None, path: str) -> Fault | None:
        """Return the first fault for this request and count it (used by the server)."""
        for fault in self.faults:
            if fault.matches(name, path):
                fault.hits += 1
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self.faults.remove(fault)
                return fault
        return None

    def request_counts(self) -> dict[str, int]:
        """Return {endpoint template: number of requests} (unknown URLs count by path)."""
        return dict(Counter(e.template or e.path for e in self.request_log))

    def endpoint_counts(self) -> dict[str, int]:
        """Return {endpoint name: number of requests}."""
        return dict(Counter(e.endpoint or "unknown" for e in self.request_log))

    def clear_log(self) -> None:
        """Forget every logged request."""
        self.request_log.clear()

    def reset(self) -> None:
        """Restore every device and account from the scenario; clear faults, log and commands.

        Issued tokens stay valid so that signed-in clients keep working.
        """
        self.request_log.clear()
        self.faults.clear()
        self.commands.clear()
        self._build()

    def set_token_lifetime(self, expires_in: int) -> None:
        """Set the lifetime (seconds) of access tokens issued from now on."""
        self.expires_in = int(expires_in)

    def expire_tokens(self) -> None:
        """Make every issued access token expired (refresh tokens stay valid)."""
        for token in self.access_tokens.values():
            token.expires_at = self.now() - 1

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
                    "power_source": c.power_source,
                }
                for c in self.cameras.values()
            ],
            "deleted_cameras": sorted(self.deleted_cameras),
            "faults": [f.as_dict() for f in self.faults],
        }

    # ----------------------------------------------------------------------------- auth

    def new_flow(
        self, *, hardware_id: str | None, code_challenge: str | None, redirect_uri: str
    ) -> OAuthFlow:
        """Start a sign-in flow (used by the server)."""
        flow = OAuthFlow(
            session_id=secrets.token_urlsafe(24),
            hardware_id=hardware_id,
            code_challenge=code_challenge,
            redirect_uri=redirect_uri,
            created=next(self._flow_sequence),
        )
        self.flows[flow.session_id] = flow
        return flow

    def issue_tokens(self, account_id: int, hardware_id: str | None) -> dict[str, Any]:
        """Issue an access token and a fresh refresh token; return the token response."""
        access = secrets.token_urlsafe(32)
        refresh = secrets.token_urlsafe(32)
        self.access_tokens[access] = AccessToken(
            account_id=account_id,
            expires_at=self.now() + self.expires_in,
            hardware_id=hardware_id,
        )
        self.refresh_tokens[refresh] = RefreshToken(account_id=account_id, hardware_id=hardware_id)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": self.expires_in,
            "scope": "client",
            "token_type": "Bearer",
        }

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


def _two_factor(value: Any) -> TwoFactor:
    text = str(value).strip().lower()
    if text in {"none", "false", "off", "no", ""}:
        return "none"
    if text in {"412", "202"}:
        return "412" if text == "412" else "202"
    msg = f"two_factor must be none, 412 or 202, not {value!r}"
    raise SimError(msg)


def _status_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"online", "done", "true"}:
        return True
    if text in {"offline", "false"}:
        return False
    msg = f"status must be online or offline, not {value!r}"
    raise SimError(msg)


def _bars(value: int) -> int:
    bars = int(value)
    if not 0 <= bars <= 5:  # noqa: PLR2004
        msg = f"bars must be 0-5, not {value}"
        raise SimError(msg)
    return bars


def _config_wifi(value: Any, serial: Any) -> str:
    text = str(value)
    if text not in CONFIG_WIFI_FIELDS:
        known = ", ".join(sorted(CONFIG_WIFI_FIELDS))
        msg = f"{serial}: config_wifi must be one of {known}, not {value!r}"
        raise SimError(msg)
    return text


def _config_body(value: Any, serial: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        msg = f"{serial}: config_body must be a mapping"
        raise SimError(msg)
    return copy.deepcopy(value)


def _camera_from_spec(c: dict[str, Any]) -> Camera:
    ptype = str(c.get("type", "catalina"))
    family: Family = c.get("family") or TYPE_FAMILY.get(ptype, "camera")
    if family not in {"camera", "owl", "lotus"}:
        msg = f"{c.get('serial')}: unknown family {family!r}"
        raise SimError(msg)
    is_sync_camera = family == "camera"
    default_power = "plug" if family == "owl" else "battery"
    power_source = str(c.get("power", c.get("power_source", default_power)))
    if power_source not in {"plug", "battery"}:
        msg = f"{c.get('serial')}: power must be plug or battery"
        raise SimError(msg)
    return Camera(
        serial=str(c["serial"]),
        name=str(c["name"]),
        camera_id=int(c["id"]),
        network_id=int(c["network_id"]),
        type=ptype,
        family=family,
        online=_status_flag(c.get("status", "online")),
        powered=bool(c.get("powered", True)),
        wifi_bars=_opt_int(c.get("wifi_bars", 4)),
        wifi_dbm=int(c.get("wifi_dbm", -55)),
        lfr_bars=_opt_int(c.get("lfr_bars", 5 if is_sync_camera else None)),
        lfr_dbm=_opt_int(c.get("lfr_dbm", -60 if is_sync_camera else None)),
        battery=c.get("battery", None if family == "owl" else "ok"),
        battery_level=_opt_int(c.get("battery_level", None if family == "owl" else 3)),
        battery_voltage=_opt_int(c.get("battery_voltage", 160 if is_sync_camera else None)),
        temperature=_opt_int(c.get("temperature", None if family == "owl" else 68)),
        fw_version=str(c.get("fw_version", c.get("fw", "10.53"))),
        poor_connection=bool(c.get("poor_connection", False)),
        boot_seconds=float(c.get("boot_seconds", 30)),
        power_source="plug" if power_source == "plug" else "battery",
        enabled=bool(c.get("enabled", True)),
        config_wifi=_config_wifi(c.get("config_wifi", DEFAULT_CONFIG_WIFI[family]), c["serial"]),
        config_body=_config_body(c.get("config_body"), c["serial"]),
        pan_tilt=bool(c.get("pan_tilt", False)),
        older_firmware=bool(c.get("older_firmware", False)),
    )


def _load_default() -> dict[str, Any]:
    data = yaml.safe_load((SCENARIO_DIR / "default.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict):  # pragma: no cover - shipped file
        msg = "default scenario is not a mapping"
        raise SimError(msg)
    return data


def make_world(
    num_cameras: int = 10,
    *,
    cameras_per_sync_module: int = 10,
    clock: Callable[[], float] = time.monotonic,
    two_factor: TwoFactor = "none",
) -> World:
    """Build a benchmark world: N sync-module cameras spread over sync modules.

    Each sync module has its own network with up to `cameras_per_sync_module` cameras.

    Args:
        num_cameras: How many sync-module cameras.
        cameras_per_sync_module: How many cameras share one sync module.
        clock: The world clock.
        two_factor: The account's 2FA style.

    Returns:
        The world (account `bench@example.com`, password `bench-password`, PIN 123456).
    """
    per = max(1, cameras_per_sync_module)
    num_modules = max(1, -(-num_cameras // per))
    account_id = 1000001
    scenario: dict[str, Any] = {
        "accounts": [
            {
                "email": "bench@example.com",
                "password": "bench-password",
                "two_factor": two_factor,
                "pin": "123456",
                "account_id": account_id,
                "client_id": 2000001,
                "user_id": 3000001,
                "tier": "u034",
            }
        ],
        "networks": [
            {"id": 4000001 + i, "name": f"Site {i + 1}", "account_id": account_id}
            for i in range(num_modules)
        ],
        "sync_modules": [
            {
                "serial": f"S{i + 1:07d}",
                "name": f"Sync Module {i + 1}",
                "id": 5000001 + i,
                "network_id": 4000001 + i,
                "wifi_bars": 4,
            }
            for i in range(num_modules)
        ],
        "cameras": [
            {
                "serial": f"C{i + 1:08d}",
                "name": f"Camera {i + 1}",
                "id": 6000001 + i,
                "network_id": 4000001 + i // per,
                "type": ("catalina", "xt2", "white", "xt")[i % 4],
                "wifi_bars": 1 + i % 5,
                "wifi_dbm": -45 - (i % 5) * 8,
                "lfr_bars": 5 - i % 3,
                "lfr_dbm": -55 - (i % 3) * 6,
            }
            for i in range(num_cameras)
        ],
    }
    return World(scenario, clock=clock)
