"""Config readings of Minis and doorbells: where Blink reports their Wi-Fi in dBm.

The homescreen carries no signal for `owls` and `doorbells`; their config endpoints do. Each
device is read at most once per interval (an option, 30 minutes by default, 0 = never), right
after the account's data arrives (the session's token was just used and is fresh), and on
demand when a user asks for a check. Reads never hold up the entry's start.

Both modes send the same direct request with Home Assistant's shared HTTP session and the
current token of the blinkpy object in use. In linked mode that object belongs to HA's Blink
entry: its token is only read, never refreshed or stored, and blinkpy's request path (which
may refresh it) is not used. A refusal (401, 429), an error or a malformed answer skips the
device until its next interval; its last good reading stays, with the time it was fetched.
In own mode our own poll keeps the token fresh and applies its rules to a refused token.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any

from aiohttp import ClientError, ClientTimeout
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util import dt as dt_util

from .const import CONF_CONFIG_READ_MINUTES, DEFAULT_CONFIG_READ_MINUTES, DOMAIN, LOGGER
from .doctor.model import DeviceConfigReading
from .doctor.values import ident
from .source import SourceUnavailableError

# The homescreen sections whose devices have a config endpoint of this shape.
SECTIONS = ("owls", "doorbells")
# The homescreen's device lists: an answer with none of them is an error body.
LISTS = ("cameras", "owls", "doorbells", "sync_modules")


def lists_devices(homescreen: object) -> bool:
    """Whether a homescreen is Blink's device list (not an error answer in its place)."""
    return isinstance(homescreen, Mapping) and any(
        isinstance(homescreen.get(key), list) for key in LISTS
    )


# First reads of newly seen devices are this far apart, so a start-up sends no burst.
STAGGER = timedelta(seconds=30)
REQUEST_TIMEOUT = ClientTimeout(total=15)


@dataclass(frozen=True, slots=True)
class ConfigTarget:
    """One Mini or doorbell as the homescreen lists it."""

    serial: str
    section: str
    network_id: str
    device_id: str


def config_targets(homescreen: Mapping[str, Any]) -> list[ConfigTarget]:
    """Every Mini and doorbell of a homescreen that has the ids its config request needs."""
    targets: list[ConfigTarget] = []
    for section in SECTIONS:
        devices = homescreen.get(section)
        if not isinstance(devices, list):
            continue
        for device in devices:
            if not isinstance(device, Mapping):
                continue
            ids = [ident(device.get(key)) for key in ("serial", "network_id", "id")]
            serial, network_id, device_id = ids
            if serial is not None and network_id is not None and device_id is not None:
                targets.append(ConfigTarget(serial, section, network_id, device_id))
    return targets


class DeviceConfigs:
    """Reads the config endpoint of each Mini and doorbell on a budget; keeps the last good one."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        *,
        blink: Callable[[], Any],
        on_new_readings: Callable[[], None],
    ) -> None:
        """Prepare; `blink` returns the blinkpy object whose session is used (or raises)."""
        self._hass = hass
        self._entry = entry
        self._blink = blink
        self._on_new_readings = on_new_readings
        minutes = float(entry.options.get(CONF_CONFIG_READ_MINUTES, DEFAULT_CONFIG_READ_MINUTES))
        self.interval: timedelta | None = timedelta(minutes=minutes) if minutes > 0 else None
        self.readings: dict[str, DeviceConfigReading] = {}
        self._next_read: dict[str, datetime] = {}
        self._task: asyncio.Task[None] | None = None

    def snapshot_configs(self) -> dict[str, DeviceConfigReading]:
        """The config readings a snapshot rests on (each with its fetch time), by serial."""
        return dict(self.readings)

    @callback
    def async_read_due(self) -> None:
        """Start reading, in the background, every device whose interval has passed."""
        if self.interval is None or (self._task is not None and not self._task.done()):
            return
        targets = self._targets()
        if targets is None:
            return  # the source cannot be read now: nothing is known to have left the account
        now = dt_util.utcnow()
        present = {target.serial for target in targets}
        for serial in set(self._next_read) - present:
            del self._next_read[serial]  # gone from the account
            self.readings.pop(serial, None)
        for index, target in enumerate(t for t in targets if t.serial not in self._next_read):
            self._next_read[target.serial] = now + index * STAGGER
        due = [target for target in targets if self._next_read[target.serial] <= now]
        if due:
            self._task = self._entry.async_create_background_task(
                self._hass, self._read_and_announce(due), f"{DOMAIN} device configs"
            )

    async def async_read_now(self, serials: Collection[str]) -> None:
        """Read these devices now, for a user who asked (Minis and doorbells only).

        A device that cannot be read now loses its older reading: the check the user asked
        for must not rest on a value from before they asked.
        """
        if self.interval is None:
            return
        if self._task is not None and not self._task.done():
            await asyncio.shield(self._task)  # a scheduled read under way finishes first
        asked_at = dt_util.utcnow()
        wanted = set(serials)
        targets = self._targets() or []
        await self._read([target for target in targets if target.serial in wanted])
        for serial in wanted:
            reading = self.readings.get(serial)
            if reading is not None and reading.fetched_at < asked_at:
                del self.readings[serial]

    async def _read_and_announce(self, targets: list[ConfigTarget]) -> None:
        if await self._read(targets):
            self._on_new_readings()

    async def _read(self, targets: list[ConfigTarget]) -> bool:
        """Read each target once; whether any new reading arrived."""
        if not targets or self.interval is None:
            return False
        new = False
        for target in targets:
            # Success or not, the next scheduled read waits a full interval.
            self._next_read[target.serial] = dt_util.utcnow() + self.interval
            payload = await self._fetch(target)
            if payload is not None:
                self.readings[target.serial] = DeviceConfigReading(payload, dt_util.utcnow())
                new = True
        return new

    def _targets(self) -> list[ConfigTarget] | None:
        """The Minis and doorbells to read; None when the Blink data cannot be read."""
        try:
            blink = self._blink()
        except SourceUnavailableError:
            return None
        homescreen = getattr(blink, "homescreen", None)
        return config_targets(homescreen) if isinstance(homescreen, Mapping) else None

    async def _fetch(self, target: ConfigTarget) -> dict[str, Any] | None:
        """One config request with the session's current token; None when it gave nothing."""
        return await self._get_json(
            f"/api/v1/accounts/{{account}}/networks/{target.network_id}"
            f"/{target.section}/{target.device_id}/config",
            f"config of {target.section} device …{target.serial[-4:]}",
        )

    async def async_fetch_homescreen(self) -> tuple[dict[str, Any], datetime] | None:
        """The account's homescreen now, with the time it came; None when Blink gave none.

        The same read-only request as the config reads, for a user who asked for a check
        while HA's Blink would not refresh yet. An answer that lists no devices (an error
        body) is no homescreen.
        """
        payload = await self._get_json("/api/v3/accounts/{account}/homescreen", "homescreen")
        if payload is None or not lists_devices(payload):
            return None
        return payload, dt_util.utcnow()

    async def _get_json(self, path: str, what: str) -> dict[str, Any] | None:
        """GET `path` ({account} filled in) with the session's current token, never renewing it."""
        try:
            blink = self._blink()
            headers = blink.auth.header
            url = f"{blink.urls.base_url}{path.format(account=blink.account_id)}"
        except SourceUnavailableError, AttributeError:
            return None
        if not isinstance(headers, Mapping):
            return None  # no token yet
        session = async_get_clientsession(self._hass)
        try:
            async with session.get(url, headers=dict(headers), timeout=REQUEST_TIMEOUT) as response:
                if response.status != HTTPStatus.OK:
                    LOGGER.debug("Blink's %s not read: HTTP %s", what, response.status)
                    return None
                payload = await response.json(content_type=None)
        except (ClientError, TimeoutError, ValueError) as err:
            LOGGER.debug("Blink's %s not read: %r", what, err)
            return None
        return payload if isinstance(payload, dict) else None
