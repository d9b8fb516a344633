"""Turn blinkpy objects or raw Blink payloads into an ``AccountSnapshot``.

Where each field comes from (research/blinkpy.md sections 2, 3 and 7):

* Wi-Fi bars: homescreen ``signals.wifi`` for every model; else a config response's
  ``signals.wifi`` or top-level ``wifi`` (the Mini config endpoint reports bars there).
* Wi-Fi dBm: the camera's ``wifi_strength`` from its config endpoint, for sync-module cameras
  only (Minis, doorbells and floodlights report none); -255 and other non-readings become None.
* Sync Module link bars: ``sync_signal_strength`` or ``signals.lfr``, sync-module cameras only.
* Online: the homescreen entry's ``status`` (``done``/``online`` -> True, ``offline`` -> False),
  else the camera's own ``status``. blinkpy's ``sync.online`` is never read: for a Mini or
  doorbell without a Sync Module it is a pseudo module whose status is a bool, so it is always
  False.
* Sync Modules: the homescreen's ``sync_modules`` (the real ones), with ``status``,
  ``wifi_strength`` (bars) and ``last_hb``. A camera belongs to the Sync Module on its network.

The input is never trusted: wrong types, missing keys and raising properties all end up as
``None``, and no function here raises.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .capabilities import Family, capability_for
from .model import (
    AccountSnapshot,
    CameraSnapshot,
    SyncModuleSnapshot,
    bars_or_none,
    dbm_or_none,
)

_ONLINE: Mapping[str, bool] = {"online": True, "done": True, "offline": False}
_SECTION_FAMILY: Mapping[str, Family] = {
    "cameras": Family.SYNC_MODULE_CAMERA,
    "owls": Family.MINI,
    "doorbells": Family.DOORBELL,
}
_CAMERA_TYPE_FAMILY: Mapping[str, Family] = {"mini": Family.MINI, "doorbell": Family.DOORBELL}
_BATTERY_STATES = frozenset({"ok", "low"})
# blinkpy writes the string "unknown" when an id is absent from the config.
_NOT_AN_ID = frozenset({"", "unknown", "none", "null"})

type _Entry = tuple[str, Mapping[str, Any]]


def _get(obj: object, name: str) -> Any:
    """Read an attribute of a foreign object; ``None`` when absent or when reading fails."""
    try:
        return getattr(obj, name, None)
    except Exception:  # noqa: BLE001 - a property of a foreign object may raise anything
        return None


def _key(obj: object, key: str) -> Any:
    """Read a key of a JSON object; ``None`` when ``obj`` is not a mapping or lacks it."""
    if isinstance(obj, Mapping):
        try:
            return obj.get(key)
        except Exception:  # noqa: BLE001 - a foreign mapping may raise anything
            return None
    return None


def _first(*values: Any) -> Any:
    """Return the first value that is not ``None``."""
    for value in values:
        if value is not None:
            return value
    return None


def _text(value: object) -> str | None:
    """Return a non-empty string, else ``None``."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _ident(value: object) -> str | None:
    """Return an id or serial as a string (JSON may carry either numbers or strings)."""
    if type(value) is int:
        return str(value)
    text = _text(value)
    if text is None or text.lower() in _NOT_AN_ID:
        return None
    return text


def _firmware(value: object) -> str | None:
    """Return a firmware version; the Mini config reports it as a number (``9.63``)."""
    if type(value) is int or type(value) is float:
        return str(value)
    return _text(value)


def _online(value: object) -> bool | None:
    """Map a Blink status string to online/offline; anything else is unknown."""
    if isinstance(value, str):
        return _ONLINE.get(value.strip().lower())
    return None


def _battery(value: object) -> str | None:
    """Return ``ok`` or ``low``; any other battery value is unknown."""
    if isinstance(value, str):
        state = value.strip().lower()
        if state in _BATTERY_STATES:
            return state
    return None


def _real(value: object) -> float | None:
    """Return a finite number (not a bool), else ``None``."""
    if type(value) is int or type(value) is float:
        try:
            number = float(value)
        except OverflowError:  # an int too large for a float
            return None
        if math.isfinite(number):
            return number
    return None


def _celsius(value_f: object) -> float | None:
    """Convert a Blink temperature (degrees Fahrenheit) to degrees Celsius."""
    fahrenheit = _real(value_f)
    return None if fahrenheit is None else round((fahrenheit - 32) * 5 / 9, 1)


def _time(value: object) -> datetime | None:
    """Parse an ISO 8601 time (or epoch seconds) into an aware UTC datetime."""
    try:
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.strip())
        elif type(value) is int or type(value) is float:
            parsed = datetime.fromtimestamp(value, UTC)
        else:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)  # Blink's times are UTC
        return parsed.astimezone(UTC)
    except ValueError, OverflowError, OSError:
        return None


def _aware(now: object) -> datetime:
    """Return ``now`` as an aware datetime (naive means UTC; junk means the current time)."""
    if isinstance(now, datetime):
        return now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    return datetime.now(UTC)


def _config(raw: object) -> Mapping[str, Any] | None:
    """Normalise a config response to the camera's own dict.

    Accepts the sync-module camera response (``{"camera": [{...}], "signals": {...}}``), a
    Mini/doorbell config response, or the inner camera dict itself.
    """
    if not isinstance(raw, Mapping):
        return None
    cameras = _key(raw, "camera")
    if isinstance(cameras, list) and cameras and isinstance(cameras[0], Mapping):
        inner: dict[str, Any] = dict(cameras[0])
        if not isinstance(inner.get("signals"), Mapping):
            inner["signals"] = _key(raw, "signals")
        return inner
    return raw


class _Homescreen:
    """Index of the homescreen's device entries by serial, id and name."""

    def __init__(self, homescreen: object) -> None:
        # True when the homescreen lists devices at all: it is then the account's truth.
        self.lists_devices = any(
            isinstance(_key(homescreen, section), list) for section in _SECTION_FAMILY
        )
        self.entries: list[_Entry] = []
        self.by_serial: dict[str, _Entry] = {}
        self.by_id: dict[str, _Entry] = {}
        self.by_name: dict[str, _Entry] = {}
        for section in _SECTION_FAMILY:
            devices = _key(homescreen, section)
            if not isinstance(devices, list):
                continue
            for device in devices:
                if not isinstance(device, Mapping):
                    continue
                entry = (section, device)
                self.entries.append(entry)
                for index, key in (
                    (self.by_serial, _ident(_key(device, "serial"))),
                    (self.by_id, _ident(_key(device, "id"))),
                    (self.by_name, _text(_key(device, "name"))),
                ):
                    if key is not None:
                        index.setdefault(key, entry)

    def match(self, serial: str | None, camera_id: str | None, name: str | None) -> _Entry | None:
        """Find a device's entry: by serial, else by id, else by name.

        An id or name match whose entry carries a different serial is another device (ids of
        cameras, Minis and doorbells live in separate tables; names can repeat), so it is
        rejected.
        """
        if serial is not None and serial in self.by_serial:
            return self.by_serial[serial]
        for index, key in ((self.by_id, camera_id), (self.by_name, name)):
            entry = None if key is None else index.get(key)
            if entry is None:
                continue
            entry_serial = _ident(_key(entry[1], "serial"))
            if serial is None or entry_serial is None or entry_serial == serial:
                return entry
        return None


def _sync_modules_from_homescreen(homescreen: object) -> dict[str, SyncModuleSnapshot]:
    modules: dict[str, SyncModuleSnapshot] = {}
    entries = _key(homescreen, "sync_modules")
    if not isinstance(entries, list):
        return modules
    for entry in entries:
        serial = _ident(_key(entry, "serial"))
        if serial is None or serial in modules:
            continue
        modules[serial] = SyncModuleSnapshot(
            serial=serial,
            name=_text(_key(entry, "name")),
            network_id=_ident(_key(entry, "network_id")),
            online=_online(_key(entry, "status")),
            wifi_bars=bars_or_none(_key(entry, "wifi_strength")),
            last_heartbeat=_time(_key(entry, "last_hb")),
        )
    return modules


def _sync_modules_from_blinkpy(sync: object, known: dict[str, SyncModuleSnapshot]) -> None:
    """Add real Sync Modules that blinkpy knows but the homescreen did not list.

    A real module's ``status`` is a string; the Mini/doorbell pseudo modules carry a bool
    there, which is how they are left out. blinkpy reads that status only at start-up and has
    no heartbeat, so such a module can never make a camera look healthy on its own.
    """
    if not isinstance(sync, Mapping):
        return
    for module in list(sync.values()):
        status = _get(module, "status")
        serial = _ident(_get(module, "serial"))
        if not isinstance(status, str) or serial is None or serial in known:
            continue
        known[serial] = SyncModuleSnapshot(
            serial=serial,
            name=_text(_get(module, "name")),
            network_id=_ident(_get(module, "network_id")),
            online=_online(status),
        )


def _family(product_type: str | None, section: str | None, camera_type: object) -> Family | None:
    capability = capability_for(product_type)
    if capability is not None:
        return capability.family
    if section is not None:
        return _SECTION_FAMILY[section]
    if isinstance(camera_type, str):
        return _CAMERA_TYPE_FAMILY.get(camera_type)
    return None


def _poor_connection(raw: object) -> bool | None:
    """Read ``options.poor_connection`` from a live-view response (or take a bool as is)."""
    if isinstance(raw, bool):
        return raw
    flag = _key(_key(raw, "options"), "poor_connection")
    return flag if isinstance(flag, bool) else None


class _Builder:
    """Builds camera snapshots from every source one camera may have."""

    def __init__(
        self,
        homescreen: object,
        configs: object,
        liveview: object,
        sync_modules: dict[str, SyncModuleSnapshot],
    ) -> None:
        self.homescreen = _Homescreen(homescreen)
        self.configs = configs if isinstance(configs, Mapping) else {}
        self.liveview = liveview if isinstance(liveview, Mapping) else {}
        self.sync_modules = sync_modules
        self.module_by_network: dict[str, str] = {}
        for module in sync_modules.values():
            if module.network_id is not None:
                self.module_by_network.setdefault(module.network_id, module.serial)
        self.cameras: dict[str, CameraSnapshot] = {}
        self.used: set[int] = set()

    def _lookup(self, mapping: Mapping[Any, Any], *keys: str | None) -> Any:
        for key in keys:
            if key is not None:
                value = _key(mapping, key)
                if value is not None:
                    return value
        return None

    def add(self, camera: object, entry: _Entry | None) -> None:
        """Add one camera; ``camera`` is a blinkpy camera object or ``None``."""
        section, device = entry if entry is not None else (None, None)
        # The homescreen is the newer list: after a re-add it has the new id while blinkpy's
        # object still holds the old one until the Blink integration reloads.
        camera_id = _first(_ident(_key(device, "id")), _ident(_get(camera, "camera_id")))
        serial = _first(_ident(_get(camera, "serial")), _ident(_key(device, "serial")))
        config = _config(self._lookup(self.configs, serial, camera_id))
        camera_id = _first(camera_id, _ident(_key(config, "id")))
        serial = _first(serial, _ident(_key(config, "serial")))
        if serial is None or serial in self.cameras:
            return  # the serial is the identity; without one there is nothing to key on

        signals = _key(device, "signals")
        config_signals = _key(config, "signals")
        product_type = _first(
            _text(_get(camera, "product_type")),
            _text(_key(device, "type")),
            _text(_key(config, "type")),
        )
        family = _family(product_type, section, _get(camera, "camera_type"))
        sync_camera = family is Family.SYNC_MODULE_CAMERA

        wifi_dbm = None
        sync_link_bars = None
        if sync_camera:
            wifi_dbm = _first(
                dbm_or_none(_get(camera, "wifi_strength")),
                dbm_or_none(_key(config, "wifi_strength")),
            )
            sync_link_bars = _first(
                bars_or_none(_get(camera, "sync_signal_strength")),
                bars_or_none(_key(signals, "lfr")),
                bars_or_none(_key(config_signals, "lfr")),
            )

        network_id = _first(
            _ident(_get(camera, "network_id")),
            _ident(_key(device, "network_id")),
            _ident(_key(config, "network_id")),
            _ident(_get(_get(camera, "sync"), "network_id")),
        )
        sync_module_serial = None if network_id is None else self.module_by_network.get(network_id)
        if sync_module_serial is None:
            sync_serial = _ident(_get(_get(camera, "sync"), "serial"))
            if sync_serial is not None and sync_serial in self.sync_modules:
                sync_module_serial = sync_serial

        self.cameras[serial] = CameraSnapshot(
            serial=serial,
            name=_first(  # a rename shows in the homescreen first; blinkpy keeps the old name
                _text(_key(device, "name")),
                _text(_get(camera, "name")),
                _text(_key(config, "name")),
            ),
            product_type=product_type,
            family=None if family is None else family.value,
            firmware=_first(
                _firmware(_get(camera, "_version")),
                _firmware(_get(camera, "version")),
                _firmware(_key(device, "fw_version")),
                _firmware(_key(config, "fw_version")),
            ),
            online=_first(
                _online(_key(device, "status")),
                _online(_get(camera, "status")),
                _online(_key(config, "status")),
            ),
            wifi_dbm=wifi_dbm,
            wifi_bars=_first(
                bars_or_none(_key(signals, "wifi")),
                bars_or_none(_key(config_signals, "wifi")),
                bars_or_none(_key(config, "wifi")),
            ),
            sync_link_bars=sync_link_bars,
            battery_state=_first(
                _battery(_get(camera, "battery_state")),
                _battery(_key(device, "battery")),
                _battery(_key(config, "battery_state")),
                _battery(_key(config, "battery")),
                _battery(_key(config_signals, "battery_state")),
            ),
            temperature=_first(
                _real(_get(camera, "temperature_c")),
                _celsius(_get(camera, "temperature")),
                _celsius(_key(signals, "temp")),
                _celsius(_key(config_signals, "temp")),
                _celsius(_key(config, "temperature")),
            ),
            camera_id=camera_id,
            network_id=network_id,
            sync_module_serial=sync_module_serial,
            poor_connection=_poor_connection(self._lookup(self.liveview, serial, camera_id)),
        )

    def add_blinkpy_camera(self, camera: object) -> None:
        """Add a blinkpy camera, matched to its homescreen entry."""
        entry = self.homescreen.match(
            _ident(_get(camera, "serial")),
            _ident(_get(camera, "camera_id")),
            _text(_get(camera, "name")),
        )
        if entry is None and self.homescreen.lists_devices:
            # Gone from the account (deleted in the Blink app): blinkpy keeps its object until
            # the Blink integration reloads, but the camera is no longer there.
            return
        if entry is not None:
            self.used.add(id(entry[1]))
        self.add(camera, entry)

    def add_homescreen_rest(self) -> None:
        """Add homescreen devices that no camera object stood for."""
        for entry in self.homescreen.entries:
            if id(entry[1]) not in self.used:
                self.add(None, entry)


def snapshot_from_blink(
    blink: object,
    *,
    now: datetime,
    configs: Mapping[str, Any] | None = None,
    liveview: Mapping[str, Any] | None = None,
) -> AccountSnapshot:
    """Read a logged-in blinkpy ``Blink`` object (duck-typed, read-only) into a snapshot.

    Cameras come from ``blink.cameras`` matched to their ``blink.homescreen`` entries (by
    serial, else id, else name); homescreen devices blinkpy has no object for are added too.
    Cameras without a serial are left out: the serial is their identity.

    Args:
        blink: The blinkpy ``Blink`` object (or anything shaped like it).
        now: When the data was read; becomes ``taken_at``.
        configs: Optional raw config responses by serial or camera id, e.g. a Mini's
            ``owls/{id}/config`` response whose ``wifi`` gives its Wi-Fi bars.
        liveview: Optional live-view responses (or bools) by serial or camera id, for
            ``poor_connection``.

    Returns:
        The snapshot. Never raises.
    """
    homescreen = _get(blink, "homescreen")
    sync_modules = _sync_modules_from_homescreen(homescreen)
    _sync_modules_from_blinkpy(_get(blink, "sync"), sync_modules)
    builder = _Builder(homescreen, configs, liveview, sync_modules)
    cameras = _get(blink, "cameras")
    if isinstance(cameras, Mapping):
        for camera in list(cameras.values()):
            builder.add_blinkpy_camera(camera)
    builder.add_homescreen_rest()
    auth = _get(blink, "auth")
    return AccountSnapshot(
        cameras=builder.cameras,
        sync_modules=sync_modules,
        taken_at=_aware(now),
        account_id=_first(_ident(_get(auth, "account_id")), _ident(_get(blink, "account_id"))),
        region=_text(_get(auth, "region_id")),
    )


def snapshot_from_payloads(  # noqa: PLR0913 - every optional payload has its own name
    homescreen: object,
    camera_configs: Mapping[str, Any] | None = None,
    *,
    now: datetime,
    account_id: object = None,
    region: object = None,
    liveview: Mapping[str, Any] | None = None,
) -> AccountSnapshot:
    """Build a snapshot from raw Blink responses (no blinkpy objects).

    Args:
        homescreen: The ``/api/v3/accounts/{a}/homescreen`` response.
        camera_configs: Config responses by serial or camera id: the sync-module camera
            ``/network/{n}/camera/{id}/config`` response or its ``camera[0]`` dict, or a
            Mini/doorbell config response.
        now: When the data was read; becomes ``taken_at``.
        account_id: Blink account id; defaults to the homescreen's ``account.id``.
        region: Blink tier, e.g. ``u034``.
        liveview: Optional live-view responses (or bools) by serial or camera id.

    Returns:
        The snapshot. Never raises.
    """
    sync_modules = _sync_modules_from_homescreen(homescreen)
    builder = _Builder(homescreen, camera_configs, liveview, sync_modules)
    builder.add_homescreen_rest()
    return AccountSnapshot(
        cameras=builder.cameras,
        sync_modules=sync_modules,
        taken_at=_aware(now),
        account_id=_first(_ident(account_id), _ident(_key(_key(homescreen, "account"), "id"))),
        region=_text(region),
    )
