"""Read a device's config response: sync-module camera, doorbell or Mini.

Shapes (see ``tests/fixtures/real/`` for published samples):

* Sync-module camera, ``/network/{n}/camera/{id}/config``: ``{"camera": [{...}], "signals":
  {...}}``. In ``camera[0]``: ``wifi_strength`` and ``lfr_strength`` in dBm, ``temperature``
  in degrees Fahrenheit, ``signals`` with ``wifi``/``lfr`` in bars, ``temp`` (F) and
  ``battery_state``.
* Doorbell, ``/api/v1/accounts/{a}/networks/{n}/doorbells/{id}/config``: ``wifi_rssi`` and
  ``lfr_rssi`` in dBm, ``temp`` and ``battery_state``. ``temp`` has no published unit; its
  sample values (86, 90 on a doorbell in use) only fit degrees Fahrenheit, the unit of every
  other Blink temperature, so it is read as such.
* Mini, ``.../owls/{id}/config``: one published sample, of firmware 9.63 (2020), carries
  ``wifi`` in bars; what newer firmware sends is not published. Every known spelling of a
  Wi-Fi field is accepted (``wifi_rssi``, ``wifi_strength``, ``wifi``, ``signal_strength``,
  ``signals.wifi``), at the top level or under a ``camera``, ``owl`` or ``config`` wrapper.

Units are never guessed: ``*_rssi`` and ``lfr_strength`` are dBm by name, so only -100..-1
counts there; any other field's unit comes from its value (``model.signal_or_none``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .model import DeviceConfigReading
from .values import (
    SignalUnit,
    aware,
    battery,
    celsius,
    dbm_or_none,
    firmware,
    first,
    get_key,
    ident,
    online,
    signal_or_none,
    text,
)

# Wrappers a Mini config may put its fields under, most specific first.
_WRAPPERS = ("camera", "owl", "doorbell", "config")
# Wi-Fi fields in the order they are trusted: named dBm first, then the unit-by-value ones.
_WIFI_DBM_KEYS = ("wifi_rssi",)
_WIFI_KEYS = ("wifi_strength", "wifi", "signal_strength")
_LINK_DBM_KEYS = ("lfr_rssi", "lfr_strength")


@dataclass(frozen=True, slots=True)
class ConfigReadings:
    """What one config response says about its device, and when it was fetched.

    Attributes:
        fetched_at: When the response was fetched (aware).
        serial: The device's serial, when the response names it.
        camera_id: The device's id, when the response names it.
        name: Its name.
        product_type: Blink's ``type`` string.
        firmware: Firmware version.
        network_id: Blink network id.
        online: Online state from the response's ``status``.
        wifi_dbm: Wi-Fi signal in dBm.
        wifi_bars: Wi-Fi signal in bars.
        sync_link_dbm: Link to the Sync Module in dBm.
        sync_link_bars: Link to the Sync Module in bars.
        battery_state: ``ok`` or ``low``.
        temperature: Degrees Celsius.
    """

    fetched_at: datetime
    serial: str | None = None
    camera_id: str | None = None
    name: str | None = None
    product_type: str | None = None
    firmware: str | None = None
    network_id: str | None = None
    online: bool | None = None
    wifi_dbm: int | None = None
    wifi_bars: int | None = None
    sync_link_dbm: int | None = None
    sync_link_bars: int | None = None
    battery_state: str | None = None
    temperature: float | None = None


def _layers(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Return the mappings that may hold the device's fields, innermost first."""
    layers: list[Mapping[str, Any]] = []
    for wrapper in _WRAPPERS:
        inner = get_key(payload, wrapper)
        if isinstance(inner, list) and inner and isinstance(inner[0], Mapping):
            inner = inner[0]  # the sync-module camera response: {"camera": [{...}]}
        if isinstance(inner, Mapping):
            layers.append(inner)
    layers.append(payload)
    return layers


def _find(layers: list[Mapping[str, Any]], keys: tuple[str, ...], read: Any) -> Any:
    """Return the first value of ``keys`` that ``read`` accepts, innermost layer first."""
    for layer in layers:
        for key in keys:
            value = read(get_key(layer, key))
            if value is not None:
                return value
    return None


def _signal(layers: list[Mapping[str, Any]], keys: tuple[str, ...], unit: SignalUnit) -> Any:
    """Return the first value of ``keys`` whose range says it is in ``unit``."""

    def read(value: object) -> int | None:
        found = signal_or_none(value)
        return found[0] if found is not None and found[1] is unit else None

    return _find(layers, keys, read)


def parse_config(raw: object, *, now: datetime) -> ConfigReadings | None:
    """Read a config response, bare or as a ``DeviceConfigReading``.

    Args:
        raw: The response (a mapping) or a ``DeviceConfigReading`` wrapping it.
        now: The time a bare response counts as fetched at.

    Returns:
        The readings, or ``None`` when ``raw`` is no JSON object. Never raises.
    """
    fetched_at = now
    if isinstance(raw, DeviceConfigReading):
        fetched_at = aware(raw.fetched_at)
        raw = raw.payload
    if not isinstance(raw, Mapping):
        return None
    layers = _layers(raw)
    signals = [s for s in (get_key(layer, "signals") for layer in layers) if isinstance(s, Mapping)]
    signal_keys = ("wifi",)
    return ConfigReadings(
        fetched_at=fetched_at,
        serial=_find(layers, ("serial",), ident),
        camera_id=_find(layers, ("id", "camera_id"), ident),
        name=_find(layers, ("name",), text),
        product_type=_find(layers, ("type",), text),
        firmware=_find(layers, ("fw_version",), firmware),
        network_id=_find(layers, ("network_id",), ident),
        online=_find(layers, ("status",), online),
        wifi_dbm=first(
            _find(layers, _WIFI_DBM_KEYS, dbm_or_none),
            _signal(layers, _WIFI_KEYS, SignalUnit.DBM),
            _signal(signals, signal_keys, SignalUnit.DBM),
        ),
        wifi_bars=first(
            _signal(signals, signal_keys, SignalUnit.BARS),
            _signal(layers, _WIFI_KEYS, SignalUnit.BARS),
        ),
        sync_link_dbm=_find(layers, _LINK_DBM_KEYS, dbm_or_none),
        sync_link_bars=first(
            _signal(signals, ("lfr",), SignalUnit.BARS),
            _signal(layers, ("sync_signal_strength",), SignalUnit.BARS),
        ),
        battery_state=first(
            _find(layers, ("battery_state", "battery"), battery),
            _find(signals, ("battery_state",), battery),
        ),
        temperature=first(
            _find(signals, ("temp",), celsius),
            _find(layers, ("temperature", "temp"), celsius),
        ),
    )
