"""The world's devices and accounts, and the questions asked about them (who owns what, online?)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import (
    Account,
    Camera,
    Family,
    Network,
    SyncModule,
    UnknownDeviceError,
    iso,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable


class Inventory:
    """Accounts, networks, sync modules and cameras, looked up by id or serial."""

    def __init__(self, clock: Callable[[], float], wall_clock: Callable[[], dt.datetime]) -> None:
        """Start empty; `clock` gives boot times, `wall_clock` timestamps such as `last_hb`."""
        self.clock = clock
        self.wall_clock = wall_clock
        self.accounts: list[Account] = []
        self.networks: dict[int, Network] = {}
        self.sync_modules: dict[str, SyncModule] = {}
        self.cameras: dict[str, Camera] = {}
        self.deleted_cameras: dict[str, Camera] = {}

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
        return _by_serial(self.cameras, serial, "camera")

    def sync_module(self, serial: str) -> SyncModule:
        """Return the sync module with that serial number."""
        return _by_serial(self.sync_modules, serial, "sync module")

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
    def is_powered(self, serial: str) -> bool:
        """Return whether the device has power (it may still be booting)."""
        return self.device(serial).powered

    def is_online(self, serial: str) -> bool:
        """Return whether the device reports online to the cloud now."""
        device = self.device(serial)
        if isinstance(device, SyncModule):
            return self.sync_module_online(device)
        return self.camera_online(device)


def _by_serial[T](devices: dict[str, T], serial: str, kind: str) -> T:
    try:
        return devices[serial]
    except KeyError:
        msg = f"no {kind} with serial {serial!r}"
        raise UnknownDeviceError(msg) from None
