"""Index a homescreen response: its device entries and its Sync Modules.

The homescreen (``/api/v3/accounts/{a}/homescreen``) lists sync-module cameras under
``cameras``, Minis under ``owls``, doorbells under ``doorbells`` and the real Sync Modules
under ``sync_modules`` (``status``, ``wifi_strength`` in bars, ``last_hb``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .capabilities import Family
from .model import SyncModuleSnapshot
from .values import bars_or_none, get_attr, get_key, ident, online, parse_time, text

SECTION_FAMILY: Mapping[str, Family] = {
    "cameras": Family.SYNC_MODULE_CAMERA,
    "owls": Family.MINI,
    "doorbells": Family.DOORBELL,
}
"""The family of every device listed in a homescreen section."""

type Entry = tuple[str, Mapping[str, Any]]
"""A device entry and the section it was listed in."""


class Homescreen:
    """Index of the homescreen's device entries by serial, id and name."""

    def __init__(self, homescreen: object) -> None:
        """Index the entries of every device section (anything else in them is skipped)."""
        # True when the homescreen lists devices at all: it is then the account's truth.
        self.lists_devices = any(
            isinstance(get_key(homescreen, section), list) for section in SECTION_FAMILY
        )
        self.entries: list[Entry] = []
        self.by_serial: dict[str, Entry] = {}
        self.by_id: dict[str, Entry] = {}
        self.by_name: dict[str, Entry] = {}
        for section in SECTION_FAMILY:
            devices = get_key(homescreen, section)
            if not isinstance(devices, list):
                continue
            for device in devices:
                if not isinstance(device, Mapping):
                    continue
                entry = (section, device)
                self.entries.append(entry)
                for index, key in (
                    (self.by_serial, ident(get_key(device, "serial"))),
                    (self.by_id, ident(get_key(device, "id"))),
                    (self.by_name, text(get_key(device, "name"))),
                ):
                    if key is not None:
                        index.setdefault(key, entry)

    def match(self, serial: str | None, camera_id: str | None, name: str | None) -> Entry | None:
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
            entry_serial = ident(get_key(entry[1], "serial"))
            if serial is None or entry_serial is None or entry_serial == serial:
                return entry
        return None


def sync_modules_from_homescreen(homescreen: object) -> dict[str, SyncModuleSnapshot]:
    """Read the real Sync Modules of a homescreen response, by serial."""
    modules: dict[str, SyncModuleSnapshot] = {}
    entries = get_key(homescreen, "sync_modules")
    if not isinstance(entries, list):
        return modules
    for entry in entries:
        serial = ident(get_key(entry, "serial"))
        if serial is None or serial in modules:
            continue
        modules[serial] = SyncModuleSnapshot(
            serial=serial,
            name=text(get_key(entry, "name")),
            network_id=ident(get_key(entry, "network_id")),
            online=online(get_key(entry, "status")),
            wifi_bars=bars_or_none(get_key(entry, "wifi_strength")),
            last_heartbeat=parse_time(get_key(entry, "last_hb")),
        )
    return modules


def sync_modules_from_blinkpy(sync: object, known: dict[str, SyncModuleSnapshot]) -> None:
    """Add real Sync Modules that blinkpy knows but the homescreen did not list.

    A real module's ``status`` is a string; the Mini/doorbell pseudo modules carry a bool
    there, which is how they are left out. blinkpy reads that status only at start-up and has
    no heartbeat, so such a module can never make a camera look healthy on its own.
    """
    if not isinstance(sync, Mapping):
        return
    for module in list(sync.values()):
        status = get_attr(module, "status")
        serial = ident(get_attr(module, "serial"))
        if not isinstance(status, str) or serial is None or serial in known:
            continue
        known[serial] = SyncModuleSnapshot(
            serial=serial,
            name=text(get_attr(module, "name")),
            network_id=ident(get_attr(module, "network_id")),
            online=online(status),
        )
