"""Which Blink device an action (or our own button and repair flow) means, and the refusals.

Home Assistant's target helper expands entities, devices, areas, floors and labels; what counts is
each Blink camera or Sync Module device of a loaded entry among them. Every refusal is a
translated ServiceValidationError that changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import target as target_helpers

from .const import BLINK_DOMAIN, CONF_BLINK_ENTRY_ID, DOMAIN, SERVICE_DEVICE_PREFIX
from .data import BlinkAudioDoctorConfigEntry


@dataclass(frozen=True, slots=True)
class ResolvedDevice:
    """The one camera or Sync Module an action targets."""

    entry: BlinkAudioDoctorConfigEntry
    serial: str
    device_id: str | None
    name: str | None
    product_type: str | None
    is_camera: bool


def invalid(key: str, **placeholders: Any) -> ServiceValidationError:
    """A translated refusal of a call."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={k: str(v) for k, v in placeholders.items()} or None,
    )


def check_range(key: str, value: float, low: float, high: float) -> None:
    """Refuse a number outside its range, naming the range."""
    if not low <= value <= high:
        raise invalid(key, value=f"{value:g}", min=f"{low:g}", max=f"{high:g}")


@callback
def async_resolve_devices(hass: HomeAssistant, data: Mapping[str, Any]) -> list[ResolvedDevice]:
    """Every camera and Sync Module of a loaded entry that the call's target names.

    Entities, devices, areas, floors and labels are expanded by Home Assistant's target helper;
    a device counts when it is a Blink device (ours, or HA's Blink one in linked mode), an entity
    through its device. A target that names no Blink camera or Sync Module is refused.
    """
    selection = target_helpers.TargetSelection(dict(data))
    if not selection.has_any_target:
        raise invalid("no_target")
    devices = dr.async_get(hass)
    device_ids, foreign, missing = _targeted_devices(hass, selection)
    found: dict[tuple[str, str], str] = {}
    for device_id, named in sorted(device_ids.items()):
        device = devices.async_get(device_id)
        if device is None:
            continue
        key = _blink_device_key(hass, device)
        if key is not None:
            found.setdefault(key, device.id)
        elif named == device_id:
            foreign.append(device.name_by_user or device.name or device_id)
        elif named is not None:
            foreign.append(named)
    if not found:
        if missing:
            raise invalid("unknown_device")
        if foreign:
            raise invalid("target_not_ours", target=min(foreign))
        raise invalid("no_blink_device_in_target")
    resolved = [
        blink_device
        for (entry_id, serial), device_id in found.items()
        if (blink_device := _resolved(hass, entry_id, serial, device_id)) is not None
    ]
    if not resolved:
        raise invalid("unknown_device")
    return resolved


@callback
def async_resolve_device(hass: HomeAssistant, data: Mapping[str, Any]) -> ResolvedDevice:
    """The single camera or Sync Module of a loaded entry that the call's target names."""
    devices = async_resolve_devices(hass, data)
    if len(devices) > 1:
        raise invalid("one_device_only")
    return devices[0]


def _targeted_devices(
    hass: HomeAssistant, selection: target_helpers.TargetSelection
) -> tuple[dict[str, str | None], list[str], bool]:
    """The devices a target reaches, and what was named but is not a Blink device.

    Returns each device id reached with the name to show should it not be a Blink device (None
    when only an area, floor or label reached it), the named entities without a device, and
    whether a named entity or device does not exist.
    """
    selected = target_helpers.async_extract_referenced_entity_ids(hass, selection)
    entities = er.async_get(hass)
    devices: dict[str, str | None] = dict.fromkeys(
        selected.referenced_devices - selected.missing_devices
    )
    devices.update({device_id: device_id for device_id in selection.device_ids & devices.keys()})
    foreign: list[str] = []
    missing = bool(selected.missing_devices)
    for entity_id in selected.referenced | selected.indirectly_referenced:
        entity = entities.async_get(entity_id)
        named = entity_id in selected.referenced
        if entity is not None and entity.device_id is not None:
            if named or entity.device_id not in devices:
                devices[entity.device_id] = entity_id if named else None
        elif named and entity is None and hass.states.get(entity_id) is None:
            missing = True
        elif named:
            foreign.append(entity_id)
    return devices, foreign, missing


def _blink_device_key(
    hass: HomeAssistant, device: dr.DeviceEntry | dr.ChildDeviceEntry
) -> tuple[str, str] | None:
    """(our entry id, serial) of a Blink camera or Sync Module device; None for any other."""
    serials = device_serials(device)
    if not serials:
        return None
    for entry in hass.config_entries.async_entries(DOMAIN):
        if device.config_entry_id in (entry.entry_id, entry.data.get(CONF_BLINK_ENTRY_ID)):
            return entry.entry_id, min(serials)
    return None


def device_serials(device: dr.AnyDeviceEntry) -> set[str]:
    """Serial numbers of a Blink camera or Sync Module device (ours or HA's Blink's)."""
    return {
        value
        for domain, value in device.identifiers
        if domain in (DOMAIN, BLINK_DOMAIN) and not value.startswith(SERVICE_DEVICE_PREFIX)
    }


def _resolved(
    hass: HomeAssistant, entry_id: str, serial: str, device_id: str | None
) -> ResolvedDevice | None:
    """The device of a loaded entry by serial; None when it is not on the account (any more)."""
    entry: BlinkAudioDoctorConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.state is not ConfigEntryState.LOADED:
        raise invalid("entry_not_loaded")
    snapshot = entry.runtime_data.account.data
    camera = None if snapshot is None else snapshot.cameras.get(serial)
    if camera is not None:
        return ResolvedDevice(
            entry, serial, device_id, camera.name, camera.product_type, is_camera=True
        )
    sync_module = None if snapshot is None else snapshot.sync_modules.get(serial)
    if sync_module is not None:
        return ResolvedDevice(entry, serial, device_id, sync_module.name, None, is_camera=False)
    return None


# ------------------------------------------------------------------------------ power cycle


@callback
def async_resolve_device_by_serial(
    hass: HomeAssistant, entry_id: str, serial: str
) -> ResolvedDevice:
    """A device of an entry, by serial (our own callers: button, repair flow)."""
    device = _resolved(hass, entry_id, serial, None)
    if device is None:
        raise invalid("unknown_device")
    return device


def loaded_entries(hass: HomeAssistant, entry_id: str | None) -> list[BlinkAudioDoctorConfigEntry]:
    """The entry named by the call, or every loaded entry of ours."""
    if entry_id is None:
        entries: list[BlinkAudioDoctorConfigEntry] = hass.config_entries.async_loaded_entries(
            DOMAIN
        )
        if not entries:
            raise invalid("entry_not_loaded")
        return entries
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise invalid("unknown_entry")
    if entry.state is not ConfigEntryState.LOADED:
        raise invalid("entry_not_loaded")
    return [entry]
