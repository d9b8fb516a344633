"""Defensive readers for values in Blink payloads and foreign objects.

Nothing here trusts its input or raises: wrong types, missing keys and raising properties
all come back as ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

MAX_BARS = 5
# Blink uses -255 as "no reading"; a received Wi-Fi signal is weaker than 0 dBm and stronger
# than -100 dBm (below that no link holds), so only -100..-1 counts as a dBm reading.
MIN_DBM = -100


def bars_or_none(value: object) -> int | None:
    """Return a signal reading in bars (0-5), or ``None`` when it is not one."""
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is int and 0 <= value <= MAX_BARS:
        return value
    return None


def dbm_or_none(value: object) -> int | None:
    """Return a Wi-Fi reading in dBm (-100..-1), or ``None`` for placeholders and junk."""
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is int and MIN_DBM <= value < 0:
        return value
    return None


_ONLINE: Mapping[str, bool] = {"online": True, "done": True, "offline": False}
_BATTERY_STATES = frozenset({"ok", "low"})
# blinkpy writes the string "unknown" when an id is absent from the config.
_NOT_AN_ID = frozenset({"", "unknown", "none", "null"})


def get_attr(obj: object, name: str) -> Any:
    """Read an attribute of a foreign object; ``None`` when absent or when reading fails."""
    try:
        return getattr(obj, name, None)
    except Exception:  # noqa: BLE001 - a property of a foreign object may raise anything
        return None


def get_key(obj: object, key: str) -> Any:
    """Read a key of a JSON object; ``None`` when ``obj`` is not a mapping or lacks it."""
    if isinstance(obj, Mapping):
        try:
            return obj.get(key)
        except Exception:  # noqa: BLE001 - a foreign mapping may raise anything
            return None
    return None


def first(*values: Any) -> Any:
    """Return the first value that is not ``None``."""
    for value in values:
        if value is not None:
            return value
    return None


def text(value: object) -> str | None:
    """Return a non-empty string, else ``None``."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def ident(value: object) -> str | None:
    """Return an id or serial as a string (JSON may carry either numbers or strings)."""
    if type(value) is int:
        return str(value)
    found = text(value)
    if found is None or found.lower() in _NOT_AN_ID:
        return None
    return found


def age_s(now: object, then: object) -> float | None:
    """Return ``now - then`` in seconds, or ``None`` when it cannot be computed."""
    if not isinstance(now, datetime) or not isinstance(then, datetime):
        return None
    try:
        return (now - then).total_seconds()
    except TypeError:  # naive against aware
        return None


def firmware(value: object) -> str | None:
    """Return a firmware version; the Mini config reports it as a number (``9.63``)."""
    if type(value) is int or type(value) is float:
        return str(value)
    return text(value)


def online(value: object) -> bool | None:
    """Map a Blink status string to online/offline; anything else is unknown."""
    if isinstance(value, str):
        return _ONLINE.get(value.strip().lower())
    return None


def battery(value: object) -> str | None:
    """Return ``ok`` or ``low``; any other battery value is unknown."""
    if isinstance(value, str):
        state = value.strip().lower()
        if state in _BATTERY_STATES:
            return state
    return None


def finite(value: object) -> float | None:
    """Return a finite real number, or ``None`` for bools, NaN, infinities and non-numbers."""
    if type(value) is int:
        return value
    if type(value) is float and math.isfinite(value):
        return value
    return None


def measurement(value: object) -> float | None:
    """Return a physical measurement (finite, not negative), or ``None``."""
    number = finite(value)
    return number if number is not None and number >= 0 else None


def real(value: object) -> float | None:
    """Return a finite number (not a bool), else ``None``."""
    if type(value) is int or type(value) is float:
        try:
            number = float(value)
        except OverflowError:  # an int too large for a float
            return None
        if math.isfinite(number):
            return number
    return None


def celsius(value_f: object) -> float | None:
    """Convert a Blink temperature (degrees Fahrenheit) to degrees Celsius."""
    fahrenheit = real(value_f)
    return None if fahrenheit is None else round((fahrenheit - 32) * 5 / 9, 1)


def parse_time(value: object) -> datetime | None:
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


def aware(now: object) -> datetime:
    """Return ``now`` as an aware datetime (naive means UTC; junk means the current time)."""
    if isinstance(now, datetime):
        return now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    return datetime.now(UTC)


class SignalUnit(StrEnum):
    """The unit a signal reading turned out to be in."""

    DBM = "dBm"
    BARS = "bars"


def signal_or_none(value: object) -> tuple[int, SignalUnit] | None:
    """Tell a signal reading's unit from its value alone, never by guessing.

    -100..-1 is dBm, 0..5 is bars, anything else is no reading. 0 counts as bars (an empty
    meter in the Blink app): no radio receives a signal of 0 dBm. Used for fields whose unit
    Blink has changed over time or never published (``wifi_strength``, a Mini config's Wi-Fi).
    """
    bars = bars_or_none(value)
    if bars is not None:
        return bars, SignalUnit.BARS
    dbm = dbm_or_none(value)
    return None if dbm is None else (dbm, SignalUnit.DBM)
