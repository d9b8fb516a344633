"""Diagnostics download: what the doctor sees, with secrets and identities removed.

Nothing is exported by default: the entry's data is summarised (never the stored login), and
every serial number, wherever it appears, becomes a short label that keeps devices apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from homeassistant.components.diagnostics import REDACTED
from homeassistant.core import HomeAssistant

from .const import CONF_ACCOUNT_ID, CONF_BLINK_ENTRY_ID, CONF_LOGIN, CONF_MODE, CONF_PLUGS
from .data import BlinkAudioDoctorConfigEntry
from .doctor.model import AccountSnapshot
from .source import SourceUnavailableError

# Blink's own ids of the account and its devices: enough, with a token, to address them.
_BLINK_IDS = (CONF_ACCOUNT_ID, "camera_id", "network_id")
_SERIAL_TAIL = 4


class SerialLabels:
    """Short stand-ins for serial numbers: a number that keeps devices apart, the last 4 characters.

    Serials are numbered in sorted order, so the same devices get the same labels in every
    download; the last characters alone are not enough (one owner's cameras often share them).
    """

    def __init__(self, serials: Iterable[str]) -> None:
        """Number the serials (empty ones are ignored)."""
        ordered = sorted({serial for serial in serials if serial})
        self._labels = {
            serial.upper(): self._label(index, serial) for index, serial in enumerate(ordered, 1)
        }
        # Longest first, so a serial that contains another is replaced whole.
        self._pattern = (
            re.compile(
                "|".join(re.escape(serial) for serial in sorted(ordered, key=len, reverse=True)),
                re.IGNORECASE,
            )
            if ordered
            else None
        )

    @staticmethod
    def _label(index: int, serial: str) -> str:
        if len(serial) > _SERIAL_TAIL:
            return f"device {index} (…{serial[-_SERIAL_TAIL:]})"
        return f"device {index}"

    def scrub(self, value: Any) -> Any:
        """Return the value with every serial in its strings and keys replaced by its label."""
        if isinstance(value, str):
            return self._scrub_text(value)
        if isinstance(value, Mapping):
            return {self.scrub(key): self.scrub(item) for key, item in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.scrub(item) for item in value]
        return value

    def _scrub_text(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda match: self._labels[match.group(0).upper()], text)


def _known_serials(entry: BlinkAudioDoctorConfigEntry) -> set[str]:
    runtime = entry.runtime_data
    serials = set(entry.options.get(CONF_PLUGS, {})) | set(runtime.health.cameras)
    snapshot = runtime.account.data
    if snapshot is not None:
        serials |= set(snapshot.cameras) | set(snapshot.sync_modules)
        serials |= {c.sync_module_serial for c in snapshot.cameras.values() if c.sync_module_serial}
    return serials


def _entry_data(entry: BlinkAudioDoctorConfigEntry) -> dict[str, Any]:
    """The entry's data as far as it helps: the mode, the linked entry, what the login holds."""
    data = entry.data
    summary: dict[str, Any] = {CONF_MODE: data.get(CONF_MODE)}
    if CONF_BLINK_ENTRY_ID in data:
        summary[CONF_BLINK_ENTRY_ID] = data[CONF_BLINK_ENTRY_ID]
    login = data.get(CONF_LOGIN)
    if isinstance(login, Mapping):
        expires = login.get("expiration_date")
        summary[CONF_LOGIN] = {
            "region": login.get("region_id"),
            "has_access_token": bool(login.get("token")),
            "has_refresh_token": bool(login.get("refresh_token")),
            "access_token_expires": (
                datetime.fromtimestamp(expires, UTC).isoformat()
                if isinstance(expires, int | float)
                else None
            ),
        }
    return summary


def _snapshot(snapshot: AccountSnapshot) -> dict[str, Any]:
    """The snapshot without Blink's ids; devices as lists (their labels are inside)."""
    data: dict[str, Any] = _without_blink_ids(asdict(snapshot))
    for group in ("cameras", "sync_modules"):
        data[group] = list(data[group].values())
    return data


def _without_blink_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: REDACTED if key in _BLINK_IDS and item is not None else _without_blink_ids(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_without_blink_ids(item) for item in value]
    return value


# The homescreen sections whose entries are shown by their keys.
_SECTIONS = ("cameras", "owls", "doorbells", "sync_modules")


def _keys(payload: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Every key of a JSON object, nested ones as `outer.inner`; never a value."""
    keys: list[str] = []
    for key, value in payload.items():
        path = f"{prefix}{key}"
        keys.append(path)
        if isinstance(value, Mapping):
            keys.extend(_keys(value, f"{path}."))
    return sorted(keys)


def payload_shapes(entry: BlinkAudioDoctorConfigEntry) -> list[dict[str, Any]]:
    """Per device, the keys of what Blink sent: its homescreen entry and its config response.

    Shows the shapes Blink really sends for each model, without a single value.
    """
    account = entry.runtime_data.account
    try:
        homescreen = getattr(account.session_blink(), "homescreen", None)
    except SourceUnavailableError:
        homescreen = None
    readings = account.device_configs.readings
    shapes: list[dict[str, Any]] = []
    for section in _SECTIONS:
        devices = homescreen.get(section) if isinstance(homescreen, Mapping) else None
        for device in devices if isinstance(devices, list) else ():
            if not isinstance(device, Mapping):
                continue
            serial = device.get("serial")
            reading = readings.get(serial) if isinstance(serial, str) else None
            shapes.append(
                {
                    "serial": serial if isinstance(serial, str) else None,  # labelled below
                    "section": section,
                    "type": device.get("type"),
                    "homescreen_keys": _keys(device),
                    "config_keys": None if reading is None else _keys(reading.payload),
                    "config_fetched_at": None
                    if reading is None
                    else reading.fetched_at.isoformat(),
                }
            )
    return shapes


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001
    entry: BlinkAudioDoctorConfigEntry,
) -> dict[str, Any]:
    """Return what the doctor knows, without secrets, Blink's ids or full serial numbers."""
    account = entry.runtime_data.account
    snapshot = account.data
    network = entry.runtime_data.network.data
    shapes = payload_shapes(entry)
    diagnostics = {
        # The title is the account's e-mail address in own mode.
        "entry": {"title": REDACTED, "data": _entry_data(entry), "options": dict(entry.options)},
        "account": {
            "mode": "linked" if account.linked else "own",
            "last_update_success": account.last_update_success,
            "snapshot": None if snapshot is None else _snapshot(snapshot),
            "payload_keys": shapes,
        },
        "network": None if network is None else network.as_response(),
        "health": [
            {
                "serial": serial,
                "verdict": health.verdict.value,
                "diagnosis": health.diagnosis.to_dict(),
            }
            for serial, health in entry.runtime_data.health.cameras.items()
        ],
        # The last talk-path test of each camera (the media server's host only).
        "talk_path": [
            {"serial": serial, **result.as_dict()}
            for serial, result in entry.runtime_data.talk.results.items()
        ],
    }
    serials = _known_serials(entry) | {shape["serial"] for shape in shapes if shape["serial"]}
    return dict(SerialLabels(serials).scrub(diagnostics))
