"""Reading our stores defensively: damaged stored data never stops setup.

A store file can hold valid JSON of the wrong shape (a manual edit, a restored backup of another
version, a disk error that still parses). Each reader here keeps what it can use, drops the rest
with a warning, and never raises; a power-cycle record whose plug can still be read is kept, so
that plug is turned back on.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.core import valid_entity_id
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import LOGGER


async def async_load_mapping(store: Store[dict[str, Any]]) -> dict[str, Any]:
    """The store's data when it is a JSON object; {} (with a warning) when it is not."""
    return mapping(await store.async_load(), store.key)


def timestamp_now() -> float:
    """Now, as the POSIX timestamp the stores hold (Home Assistant's clock, which tests move)."""
    return dt_util.utcnow().timestamp()


def mapping(stored: object, key: str) -> dict[str, Any]:
    """Loaded data when it is a JSON object; {} (with a warning) when it is something else."""
    if stored is None:
        return {}
    if not isinstance(stored, dict):
        LOGGER.warning("Ignoring the stored data of %s: it is not an object", key)
        return {}
    return stored


def number(value: object) -> float | None:
    """A JSON number (never a boolean), or None."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def text(value: object) -> str | None:
    """A non-empty JSON string, or None."""
    return value if isinstance(value, str) and value else None


def utc_datetime(value: object) -> datetime | None:
    """An ISO time stamp with a time zone, or None (naive or unreadable times are dropped)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def power_cycle_state(
    stored: dict[str, Any], key: str
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The pending "turn back on" records and the per-plug attempt history of the power cycles.

    A pending record whose plug (its key) is an entity id is always kept: when its time cannot be
    read it is due now, so the plug goes back on at once rather than staying off.
    """
    pending: dict[str, dict[str, Any]] = {}
    raw_pending = stored.get("pending", {})
    if not isinstance(raw_pending, dict):
        LOGGER.warning("Ignoring the pending power cycles stored in %s: not an object", key)
        raw_pending = {}
    for plug, raw in raw_pending.items():
        if not valid_entity_id(plug):
            LOGGER.warning("Dropping a stored power cycle of %r: not an entity id", plug)
            continue
        record = raw if isinstance(raw, dict) else {}
        turn_on_at = number(record.get("turn_on_at"))
        if turn_on_at is None:
            LOGGER.warning("The stored power cycle of %s is damaged; turning it on now", plug)
        pending[plug] = {
            "turn_on_at": turn_on_at or 0.0,
            "serial": text(record.get("serial")),
            "entry_id": text(record.get("entry_id")),
        }
    history: dict[str, dict[str, Any]] = {}
    raw_history = stored.get("history", {})
    if not isinstance(raw_history, dict):
        LOGGER.warning("Ignoring the power-cycle history stored in %s: not an object", key)
        raw_history = {}
    for plug, raw in raw_history.items():
        starts = raw.get("starts") if isinstance(raw, dict) else None
        if not valid_entity_id(plug) or not isinstance(starts, list):
            LOGGER.warning("Dropping the damaged power-cycle history of %r", plug)
            continue
        history[plug] = {
            "starts": [t for t in map(number, starts) if t is not None],
            "last_end": number(raw.get("last_end")),
        }
    return pending, history


_RE_ADD_TEXT = ("tracking_id", "entry_id", "serial")
_RE_ADD_OPTIONAL_TEXT = ("name", "device_id", "camera_id", "network_id", "product_type", "plug")
_RE_ADD_TIMES = ("started_at", "deadline")


def re_add_fields(raw: object, states: tuple[str, ...]) -> dict[str, Any] | None:
    """The fields of one stored re-add, checked; None when it cannot be used.

    `states` are the known states (the first is the default); settings that are not an object
    are dropped (they are only shown).
    """
    if not isinstance(raw, dict):
        return None
    fields: dict[str, Any] = {}
    for name in _RE_ADD_TEXT:
        fields[name] = text(raw.get(name))
        if fields[name] is None:
            return None
    for name in _RE_ADD_OPTIONAL_TEXT:
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            return None
        fields[name] = value
    for name in _RE_ADD_TIMES:
        fields[name] = number(raw.get(name))
        if fields[name] is None:
            return None
    state = raw.get("state", states[0])
    if state not in states:
        return None
    fields["state"] = state
    settings = raw.get("settings")
    fields["settings"] = settings if isinstance(settings, dict) else {}
    return fields
