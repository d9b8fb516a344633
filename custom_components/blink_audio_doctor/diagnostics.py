"""Diagnostics download: what the doctor sees, with secrets and identities removed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .const import CONF_ACCOUNT_ID, CONF_PLUGS
from .data import BlinkAudioDoctorConfigEntry
from .doctor.model import AccountSnapshot
from .source import SourceUnavailableError

TO_REDACT = {
    CONF_PASSWORD,
    CONF_USERNAME,
    CONF_ACCOUNT_ID,
    "token",
    "refresh_token",
    "hardware_id",
    "uid",
    "user_id",
    "client_id",
    "unique_id",
    "email",
    "title",
}


SERIAL_FIELDS = ("serial", "sync_module_serial")


def mask_serial(serial: str) -> str:
    """Keep only the end of a serial number: enough to tell devices apart, not to claim one."""
    return f"…{serial[-4:]}" if len(serial) > 4 else "…"  # noqa: PLR2004


def _redacted_snapshot(snapshot: AccountSnapshot) -> dict[str, Any]:
    """The snapshot with serial numbers masked and the account id removed."""
    data = asdict(snapshot)
    data.pop(CONF_ACCOUNT_ID, None)
    for group in ("cameras", "sync_modules"):
        # A list, not a dict keyed by masked serials: two masked serials can be alike.
        data[group] = [_masked_device(device) for device in data[group].values()]
    return data


def _masked_device(device: dict[str, Any]) -> dict[str, Any]:
    return {
        key: mask_serial(value) if key in SERIAL_FIELDS and isinstance(value, str) else value
        for key, value in device.items()
    }


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
                    "serial": mask_serial(serial) if isinstance(serial, str) else None,
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
    """Return what the doctor knows, redacted."""
    account = entry.runtime_data.account
    snapshot = account.data
    network = entry.runtime_data.network.data
    options = dict(entry.options)
    if CONF_PLUGS in options:
        options[CONF_PLUGS] = {mask_serial(s): plug for s, plug in options[CONF_PLUGS].items()}
    return {
        "entry": async_redact_data(
            {"title": entry.title, "data": dict(entry.data), "options": options}, TO_REDACT
        ),
        "account": {
            "mode": "linked" if account.linked else "own",
            "last_update_success": account.last_update_success,
            "snapshot": None if snapshot is None else _redacted_snapshot(snapshot),
            "payload_keys": payload_shapes(entry),
        },
        "network": None if network is None else network.as_response(),
        "health": [
            {
                "serial": mask_serial(serial),
                "verdict": health.verdict.value,
                "diagnosis": health.diagnosis.to_dict(),
            }
            for serial, health in entry.runtime_data.health.cameras.items()
        ],
    }
