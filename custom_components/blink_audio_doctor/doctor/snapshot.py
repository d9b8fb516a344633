"""Turn blinkpy objects or raw Blink payloads into an ``AccountSnapshot``.

Where each field comes from (config responses are read by ``readings.parse_config``):

* Wi-Fi bars: homescreen ``signals.wifi`` (sync-module cameras; Blink sends no Wi-Fi for Minis
  and doorbells there), an older camera's ``wifi_strength`` in bars, or a config response.
* Wi-Fi dBm: a config response: ``wifi_strength`` (sync-module cameras), ``wifi_rssi``
  (doorbells), or a Mini config's Wi-Fi field when its value is in dBm; blinkpy's
  ``wifi_strength`` when it holds dBm. -255 and other non-readings become ``None``.
* Sync Module link: ``sync_signal_strength`` or ``signals.lfr`` in bars; ``lfr_strength`` or
  a doorbell's ``lfr_rssi`` in dBm.
* Online: the homescreen entry's ``status`` (``done``/``online`` -> True, ``offline`` -> False),
  else the camera's own ``status``. blinkpy's ``sync.online`` is never read: for a Mini or
  doorbell without a Sync Module it is a pseudo module whose status is a bool, so it is always
  False.
* Sync Modules: the homescreen's ``sync_modules`` (the real ones), with ``status``,
  ``wifi_strength`` (bars) and ``last_hb``. A camera belongs to the Sync Module on its network.

Every reading keeps the time it was fetched (``CameraSnapshot.readings_at``): homescreen and
blinkpy values the snapshot's ``now``, a config reading its ``DeviceConfigReading.fetched_at``.
When two sources give a field, the newer reading wins (on a tie, the order listed in
``_Builder.add``).

The input is never trusted: wrong types, missing keys and raising properties all end up as
``None``, and no function here raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .capabilities import Family, capability_for
from .homescreen import (
    SECTION_FAMILY,
    Entry,
    Homescreen,
    sync_modules_from_blinkpy,
    sync_modules_from_homescreen,
)
from .model import (
    AccountSnapshot,
    CameraSnapshot,
    DeviceConfigReading,
    SyncModuleSnapshot,
)
from .readings import ConfigReadings, parse_config
from .values import (
    SignalUnit,
    aware,
    bars_or_none,
    battery,
    celsius,
    firmware,
    first,
    get_attr,
    get_key,
    ident,
    online,
    real,
    signal_or_none,
    text,
)

if TYPE_CHECKING:
    from datetime import datetime

_CAMERA_TYPE_FAMILY: Mapping[str, Family] = {"mini": Family.MINI, "doorbell": Family.DOORBELL}

type ConfigInput = DeviceConfigReading | Mapping[str, Any]
"""A config response as ``snapshot_from_blink`` takes it: with its fetch time, or bare."""


def _newest(*readings: tuple[Any, datetime | None]) -> tuple[Any, datetime | None]:
    """Return the newest ``(value, fetched_at)`` whose value is known; ties keep the order."""
    best: tuple[Any, datetime | None] = (None, None)
    for value, at in readings:
        if value is None:
            continue
        if best[0] is None or (at is not None and best[1] is not None and at > best[1]):
            best = (value, at)
    return best


def _signal(value: object, unit: SignalUnit) -> int | None:
    """Return ``value`` when its range says it is in ``unit`` (see ``signal_or_none``)."""
    found = signal_or_none(value)
    return found[0] if found is not None and found[1] is unit else None


def _family(product_type: str | None, section: str | None, camera_type: object) -> Family | None:
    capability = capability_for(product_type)
    if capability is not None:
        return capability.family
    if section is not None:
        return SECTION_FAMILY[section]
    if isinstance(camera_type, str):
        return _CAMERA_TYPE_FAMILY.get(camera_type)
    return None


def _poor_connection(raw: object) -> bool | None:
    """Read ``options.poor_connection`` from a live-view response (or take a bool as is)."""
    if isinstance(raw, bool):
        return raw
    flag = get_key(get_key(raw, "options"), "poor_connection")
    return flag if isinstance(flag, bool) else None


class _Builder:
    """Builds camera snapshots from every source one camera may have."""

    def __init__(  # noqa: PLR0913 - each source and each time has its own name
        self,
        homescreen: object,
        configs: object,
        liveview: object,
        sync_modules: dict[str, SyncModuleSnapshot],
        *,
        now: datetime,
        objects_at: datetime,
    ) -> None:
        self.homescreen = Homescreen(homescreen)
        self.configs = configs if isinstance(configs, Mapping) else {}
        self.liveview = liveview if isinstance(liveview, Mapping) else {}
        self.sync_modules = sync_modules
        self.now = now
        self.objects_at = objects_at
        self.module_by_network: dict[str, str] = {}
        for module in sync_modules.values():
            if module.network_id is not None:
                self.module_by_network.setdefault(module.network_id, module.serial)
        self.cameras: dict[str, CameraSnapshot] = {}
        self.used: set[int] = set()

    def _lookup(self, mapping: Mapping[Any, Any], *keys: str | None) -> Any:
        for key in keys:
            if key is not None:
                value = get_key(mapping, key)
                if value is not None:
                    return value
        return None

    def add(self, camera: object, entry: Entry | None) -> None:
        """Add one camera; ``camera`` is a blinkpy camera object or ``None``."""
        section, device = entry if entry is not None else (None, None)
        # The homescreen is the newer list: after a re-add it has the new id while blinkpy's
        # object still holds the old one until the Blink integration reloads.
        camera_id = first(ident(get_key(device, "id")), ident(get_attr(camera, "camera_id")))
        serial = first(ident(get_attr(camera, "serial")), ident(get_key(device, "serial")))
        config = parse_config(self._lookup(self.configs, serial, camera_id), now=self.now)
        if config is None:
            config = ConfigReadings(fetched_at=self.now)
        camera_id = first(camera_id, config.camera_id)
        serial = first(serial, config.serial)
        if serial is None or serial in self.cameras:
            return  # the serial is the identity; without one there is nothing to key on

        # Homescreen values are as new as `now`; blinkpy's objects may be older; configs say.
        now, obj, at = self.now, self.objects_at, config.fetched_at
        signals = get_key(device, "signals")
        product_type = first(
            text(get_attr(camera, "product_type")),
            text(get_key(device, "type")),
            config.product_type,
        )
        family = _family(product_type, section, get_attr(camera, "camera_type"))
        blinkpy_wifi = get_attr(camera, "wifi_strength")
        device_wifi = get_key(device, "wifi_strength")  # older firmware, in bars
        readings = {
            "online": _newest(
                (online(get_key(device, "status")), now),
                (online(get_attr(camera, "status")), obj),
                (config.online, at),
            ),
            "wifi_dbm": _newest(
                (_signal(blinkpy_wifi, SignalUnit.DBM), obj),
                (config.wifi_dbm, at),
            ),
            "wifi_bars": _newest(
                (bars_or_none(get_key(signals, "wifi")), now),
                (_signal(device_wifi, SignalUnit.BARS), now),
                (_signal(blinkpy_wifi, SignalUnit.BARS), obj),
                (config.wifi_bars, at),
            ),
            "sync_link_bars": _newest(
                (bars_or_none(get_attr(camera, "sync_signal_strength")), obj),
                (bars_or_none(get_key(signals, "lfr")), now),
                (config.sync_link_bars, at),
            ),
            "sync_link_dbm": _newest((config.sync_link_dbm, at)),
            "battery_state": _newest(
                (battery(get_attr(camera, "battery_state")), obj),
                (battery(get_key(device, "battery")), now),
                (config.battery_state, at),
            ),
            "temperature": _newest(
                (real(get_attr(camera, "temperature_c")), obj),
                (celsius(get_attr(camera, "temperature")), obj),
                (celsius(get_key(signals, "temp")), now),
                (config.temperature, at),
            ),
            "poor_connection": _newest(
                (_poor_connection(self._lookup(self.liveview, serial, camera_id)), now)
            ),
        }

        network_id = first(
            ident(get_attr(camera, "network_id")),
            ident(get_key(device, "network_id")),
            config.network_id,
            ident(get_attr(get_attr(camera, "sync"), "network_id")),
        )
        sync_module_serial = None if network_id is None else self.module_by_network.get(network_id)
        if sync_module_serial is None:
            sync_serial = ident(get_attr(get_attr(camera, "sync"), "serial"))
            if sync_serial is not None and sync_serial in self.sync_modules:
                sync_module_serial = sync_serial

        # The camera's name: a rename shows in the homescreen first (blinkpy keeps a Mini's old
        # name), then blinkpy's, then the config response's.
        name = first(text(get_key(device, "name")), text(get_attr(camera, "name")), config.name)

        self.cameras[serial] = CameraSnapshot(
            serial=serial,
            name=name,
            product_type=product_type,
            family=None if family is None else family.value,
            firmware=first(
                firmware(get_attr(camera, "_version")),
                firmware(get_attr(camera, "version")),
                firmware(get_key(device, "fw_version")),
                config.firmware,
            ),
            camera_id=camera_id,
            network_id=network_id,
            sync_module_serial=sync_module_serial,
            readings_at={
                k: at for k, (v, at) in readings.items() if v is not None and at is not None
            },
            **{k: value for k, (value, _) in readings.items()},
        )

    def add_blinkpy_camera(self, camera: object) -> None:
        """Add a blinkpy camera, matched to its homescreen entry."""
        entry = self.homescreen.match(
            ident(get_attr(camera, "serial")),
            ident(get_attr(camera, "camera_id")),
            text(get_attr(camera, "name")),
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
    objects_at: datetime | None = None,
    configs: Mapping[str, ConfigInput] | None = None,
    liveview: Mapping[str, Any] | None = None,
) -> AccountSnapshot:
    """Read a logged-in blinkpy ``Blink`` object (duck-typed, read-only) into a snapshot.

    Cameras come from ``blink.cameras`` matched to their ``blink.homescreen`` entries (by
    serial, else id, else name); homescreen devices blinkpy has no object for are added too.
    Cameras without a serial are left out: the serial is their identity.

    Args:
        blink: The blinkpy ``Blink`` object (or anything shaped like it).
        now: When the data was read; becomes ``taken_at`` and the fetch time of every
            homescreen reading (and of blinkpy's, unless ``objects_at`` says otherwise).
        objects_at: When blinkpy's camera objects were last refreshed, when that is before
            ``now`` (a homescreen fetched after blinkpy's last refresh): their readings keep
            that older time, so a newer homescreen value wins and none looks newer than it is.
        configs: Optional config responses by serial or camera id: a sync-module camera's
            ``/network/{n}/camera/{id}/config``, a doorbell's or a Mini's
            ``/api/v1/accounts/{a}/networks/{n}/doorbells|owls/{id}/config`` response. Each
            is a ``DeviceConfigReading(payload, fetched_at)``, whose readings then carry
            ``fetched_at`` in ``CameraSnapshot.readings_at``, or a bare payload (read at
            ``now``). When a config and the homescreen or blinkpy give the same field, the
            newer reading wins.
        liveview: Optional live-view responses (or bools) by serial or camera id, for
            ``poor_connection``.

    Returns:
        The snapshot. Never raises.
    """
    homescreen = get_attr(blink, "homescreen")
    sync_modules = sync_modules_from_homescreen(homescreen)
    sync_modules_from_blinkpy(get_attr(blink, "sync"), sync_modules)
    taken_at = aware(now)
    objects_taken_at = taken_at if objects_at is None else min(aware(objects_at), taken_at)
    builder = _Builder(
        homescreen, configs, liveview, sync_modules, now=taken_at, objects_at=objects_taken_at
    )
    cameras = get_attr(blink, "cameras")
    if isinstance(cameras, Mapping):
        for camera in list(cameras.values()):
            builder.add_blinkpy_camera(camera)
    builder.add_homescreen_rest()
    auth = get_attr(blink, "auth")
    return AccountSnapshot(
        cameras=builder.cameras,
        sync_modules=sync_modules,
        taken_at=taken_at,
        account_id=first(ident(get_attr(auth, "account_id")), ident(get_attr(blink, "account_id"))),
        region=text(get_attr(auth, "region_id")),
    )


def snapshot_from_payloads(  # noqa: PLR0913 - every optional payload has its own name
    homescreen: object,
    camera_configs: Mapping[str, ConfigInput] | None = None,
    *,
    now: datetime,
    account_id: object = None,
    region: object = None,
    liveview: Mapping[str, Any] | None = None,
) -> AccountSnapshot:
    """Build a snapshot from raw Blink responses (no blinkpy objects).

    Args:
        homescreen: The ``/api/v3/accounts/{a}/homescreen`` response.
        camera_configs: Config responses by serial or camera id, bare or as
            ``DeviceConfigReading`` (see ``snapshot_from_blink``).
        now: When the data was read; becomes ``taken_at``.
        account_id: Blink account id; defaults to the homescreen's ``account.id``.
        region: Blink tier, e.g. ``u034``.
        liveview: Optional live-view responses (or bools) by serial or camera id.

    Returns:
        The snapshot. Never raises.
    """
    sync_modules = sync_modules_from_homescreen(homescreen)
    taken_at = aware(now)
    builder = _Builder(
        homescreen, camera_configs, liveview, sync_modules, now=taken_at, objects_at=taken_at
    )
    builder.add_homescreen_rest()
    return AccountSnapshot(
        cameras=builder.cameras,
        sync_modules=sync_modules,
        taken_at=taken_at,
        account_id=first(ident(account_id), ident(get_key(get_key(homescreen, "account"), "id"))),
        region=text(region),
    )
