"""Diagnostics download: what the doctor sees, with secrets and identities removed."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .const import CONF_ACCOUNT_ID, CONF_PLUGS
from .data import BlinkAudioDoctorConfigEntry
from .doctor.model import AccountSnapshot

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
