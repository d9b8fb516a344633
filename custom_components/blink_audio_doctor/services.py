"""Actions of Blink Audio Doctor, registered once in `async_setup`.

`async_setup_services` registers every action; each action's handler lives next to its schema.
Target resolution (`async_resolve_devices`) is shared: Home Assistant's target helper expands
entities, devices, areas, floors and labels; what counts is each Blink camera or Sync Module device
of a loaded entry among them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import probatio as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_CONFIG_ENTRY_ID,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import target as target_helpers
from homeassistant.util.json import JsonValueType

from .const import (
    ATTR_FORCE,
    ATTR_OFF_SECONDS,
    ATTR_TIMEOUT,
    ATTR_WAIT_FOR_ONLINE,
    BLINK_DOMAIN,
    CONF_BLINK_ENTRY_ID,
    CONF_PLUGS,
    DEFAULT_OFF_SECONDS,
    DEFAULT_ONLINE_TIMEOUT,
    DEFAULT_RE_ADD_TIMEOUT,
    DOMAIN,
    LOGGER,
    MAX_OFF_SECONDS,
    MAX_ONLINE_TIMEOUT,
    MAX_RE_ADD_TIMEOUT,
    MIN_OFF_SECONDS,
    MIN_ONLINE_TIMEOUT,
    MIN_RE_ADD_TIMEOUT,
    SERVICE_DEVICE_PREFIX,
    SERVICE_POWER_CYCLE,
    SERVICE_RE_ADD_CAMERA,
    SERVICE_RUN_DIAGNOSTICS,
    SERVICE_RUN_NETWORK_TEST,
)
from .data import BlinkAudioDoctorConfigEntry
from .doctor.capabilities import capability_for
from .doctor.rules import fix_order
from .power_cycle import ActiveCycle, CycleRequest, async_get_power_cycles
from .readd import async_get_re_adds

# Entities, devices, areas, floors and labels, validated as Home Assistant's own actions do.
_TARGET = cv.ENTITY_SERVICE_FIELDS

# Ranges are checked in the handlers, so that they fail with a translated message.
POWER_CYCLE_SCHEMA = vol.Schema(
    {
        **_TARGET,
        vol.Optional(ATTR_OFF_SECONDS, default=DEFAULT_OFF_SECONDS): vol.Coerce(float),
        vol.Optional(ATTR_WAIT_FOR_ONLINE, default=True): cv.boolean,
        vol.Optional(ATTR_TIMEOUT, default=DEFAULT_ONLINE_TIMEOUT): vol.Coerce(float),
        vol.Optional(ATTR_FORCE, default=False): cv.boolean,
    }
)

RE_ADD_CAMERA_SCHEMA = vol.Schema(
    {
        **_TARGET,
        vol.Optional(ATTR_TIMEOUT, default=DEFAULT_RE_ADD_TIMEOUT): vol.Coerce(float),
    }
)


ENTRY_SCHEMA = vol.Schema({vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string})
RUN_DIAGNOSTICS_SCHEMA = vol.Schema({**_TARGET, vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string})


@dataclass(frozen=True, slots=True)
class ResolvedDevice:
    """The one camera or Sync Module an action targets."""

    entry: BlinkAudioDoctorConfigEntry
    serial: str
    device_id: str | None
    name: str | None
    product_type: str | None
    is_camera: bool


def _invalid(key: str, **placeholders: Any) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={k: str(v) for k, v in placeholders.items()} or None,
    )


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions (called once from `async_setup`)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_POWER_CYCLE,
        _async_power_cycle,
        schema=POWER_CYCLE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_RE_ADD_CAMERA,
        _async_re_add_camera,
        schema=RE_ADD_CAMERA_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_RUN_NETWORK_TEST,
        _async_run_network_test,
        schema=ENTRY_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_RUN_DIAGNOSTICS,
        _async_run_diagnostics,
        schema=RUN_DIAGNOSTICS_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )


# ---------------------------------------------------------------------------------- targets


@callback
def async_resolve_devices(hass: HomeAssistant, data: Mapping[str, Any]) -> list[ResolvedDevice]:
    """Every camera and Sync Module of a loaded entry that the call's target names.

    Entities, devices, areas, floors and labels are expanded by Home Assistant's target helper;
    a device counts when it is a Blink device (ours, or HA's Blink one in linked mode), an entity
    through its device. A target that names no Blink camera or Sync Module is refused.
    """
    selection = target_helpers.TargetSelection(dict(data))
    if not selection.has_any_target:
        raise _invalid("no_target")
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
            raise _invalid("unknown_device")
        if foreign:
            raise _invalid("target_not_ours", target=min(foreign))
        raise _invalid("no_blink_device_in_target")
    resolved = [
        blink_device
        for (entry_id, serial), device_id in found.items()
        if (blink_device := _resolved(hass, entry_id, serial, device_id)) is not None
    ]
    if not resolved:
        raise _invalid("unknown_device")
    return resolved


@callback
def async_resolve_device(hass: HomeAssistant, data: Mapping[str, Any]) -> ResolvedDevice:
    """The single camera or Sync Module of a loaded entry that the call's target names."""
    devices = async_resolve_devices(hass, data)
    if len(devices) > 1:
        raise _invalid("one_device_only")
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
    serials = [
        value
        for domain, value in device.identifiers
        if domain in (DOMAIN, BLINK_DOMAIN) and not value.startswith(SERVICE_DEVICE_PREFIX)
    ]
    if not serials:
        return None
    for entry in hass.config_entries.async_entries(DOMAIN):
        if device.config_entry_id in (entry.entry_id, entry.data.get(CONF_BLINK_ENTRY_ID)):
            return entry.entry_id, serials[0]
    return None


def _resolved(
    hass: HomeAssistant, entry_id: str, serial: str, device_id: str | None
) -> ResolvedDevice | None:
    """The device of a loaded entry by serial; None when it is not on the account (any more)."""
    entry: BlinkAudioDoctorConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.state is not ConfigEntryState.LOADED:
        raise _invalid("entry_not_loaded")
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


def _check_range(key: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise _invalid(key, value=f"{value:g}", min=f"{low:g}", max=f"{high:g}")


@callback
def async_prepare_power_cycle(  # noqa: PLR0913 - the action's fields
    hass: HomeAssistant,
    device: ResolvedDevice,
    *,
    off_seconds: float = DEFAULT_OFF_SECONDS,
    wait_for_online: bool = True,
    timeout: float = DEFAULT_ONLINE_TIMEOUT,
    force: bool = False,
) -> ActiveCycle:
    """Validate a power cycle and claim its plug; raises ServiceValidationError, changes nothing."""
    _check_range("off_seconds_out_of_range", off_seconds, MIN_OFF_SECONDS, MAX_OFF_SECONDS)
    _check_range("timeout_out_of_range", timeout, MIN_ONLINE_TIMEOUT, MAX_ONLINE_TIMEOUT)
    name = device.name or device.serial[-4:]
    if device.is_camera:
        capability = capability_for(device.product_type)
        if capability is None:
            raise _invalid("unknown_model", name=name)
        if not capability.plug_power_cycle:
            raise _invalid("battery_device", name=name)
    plug = device.entry.options.get(CONF_PLUGS, {}).get(device.serial)
    if not plug:
        raise _invalid("no_plug_mapped", name=name)
    state = hass.states.get(plug)
    if not plug.startswith("switch.") or state is None:
        raise _invalid("plug_missing", name=name, plug=plug)
    if state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
        raise _invalid("plug_unavailable", name=name, plug=plug)
    return async_get_power_cycles(hass).async_begin(
        CycleRequest(
            entry_id=device.entry.entry_id,
            serial=device.serial,
            name=device.name,
            device_id=device.device_id,
            plug=plug,
            off_seconds=off_seconds,
            wait_for_online=wait_for_online,
            timeout=timeout,
            force=force,
        )
    )


async def _async_power_cycle(call: ServiceCall) -> ServiceResponse:
    hass = call.hass
    device = async_resolve_device(hass, dict(call.data))
    cycle = async_prepare_power_cycle(
        hass,
        device,
        off_seconds=call.data[ATTR_OFF_SECONDS],
        wait_for_online=call.data[ATTR_WAIT_FOR_ONLINE],
        timeout=call.data[ATTR_TIMEOUT],
        force=call.data[ATTR_FORCE],
    )
    response = await async_get_power_cycles(hass).async_run(cycle)
    return response if call.return_response else None


@callback
def async_start_power_cycle(hass: HomeAssistant, entry_id: str, serial: str) -> ActiveCycle:
    """Start a power cycle with the defaults in the background (button, repair flow).

    Validation errors are raised at once; the cycle's own outcome goes to the event and the log.
    """
    device = async_resolve_device_by_serial(hass, entry_id, serial)
    cycle = async_prepare_power_cycle(hass, device)
    manager = async_get_power_cycles(hass)

    async def run() -> None:
        try:
            await manager.async_run(cycle)
        except HomeAssistantError as err:
            LOGGER.warning("Power cycle through %s failed: %s", cycle.request.plug, err)

    hass.async_create_background_task(run(), f"{DOMAIN} power cycle {cycle.request.plug}")
    return cycle


@callback
def async_resolve_device_by_serial(
    hass: HomeAssistant, entry_id: str, serial: str
) -> ResolvedDevice:
    """A device of an entry, by serial (our own callers: button, repair flow)."""
    device = _resolved(hass, entry_id, serial, None)
    if device is None:
        raise _invalid("unknown_device")
    return device


# --------------------------------------------------------------------------------- re-add


async def _async_re_add_camera(call: ServiceCall) -> ServiceResponse:
    hass = call.hass
    device = async_resolve_device(hass, dict(call.data))
    timeout = call.data[ATTR_TIMEOUT]
    _check_range("re_add_timeout_out_of_range", timeout, MIN_RE_ADD_TIMEOUT, MAX_RE_ADD_TIMEOUT)
    if not device.is_camera:
        raise _invalid("re_add_not_a_camera")
    record = await async_get_re_adds(hass).async_begin(
        device.entry, device.serial, device_id=device.device_id, timeout_seconds=timeout
    )
    return record.response() if call.return_response else None


# ------------------------------------------------------------------------ network, diagnostics


def _loaded_entries(hass: HomeAssistant, entry_id: str | None) -> list[BlinkAudioDoctorConfigEntry]:
    """The entry named by the call, or every loaded entry of ours."""
    if entry_id is None:
        entries: list[BlinkAudioDoctorConfigEntry] = hass.config_entries.async_loaded_entries(
            DOMAIN
        )
        if not entries:
            raise _invalid("entry_not_loaded")
        return entries
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN:
        raise _invalid("unknown_entry")
    if entry.state is not ConfigEntryState.LOADED:
        raise _invalid("entry_not_loaded")
    return [entry]


async def _async_run_network_test(call: ServiceCall) -> ServiceResponse:
    """Measure latency and speed now (a test already running is joined, not repeated)."""
    entries = _loaded_entries(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    # Over the limit for any entry: refused before anything runs.
    for entry in entries:
        entry.runtime_data.network.async_check_test_allowed()
    results: list[JsonValueType] = []
    for entry in entries:
        reading = await entry.runtime_data.network.async_run_network_test()
        results.append({"entry_id": entry.entry_id, "title": entry.title, **reading.as_response()})
    return {"results": results}


async def _async_run_diagnostics(call: ServiceCall) -> ServiceResponse:
    """Fresh, cheap data and the full report per camera: verdict, findings, fix order."""
    # Targeted serials per entry; None: every camera of the entries.
    only: dict[str, set[str]] | None = None
    if target_helpers.TargetSelection(dict(call.data)).has_any_target:
        only = {}
        entries: list[BlinkAudioDoctorConfigEntry] = []
        for device in async_resolve_devices(call.hass, call.data):
            if device.entry.entry_id not in only:
                entries.append(device.entry)
            only.setdefault(device.entry.entry_id, set()).add(device.serial)
    else:
        entries = _loaded_entries(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    cameras: list[JsonValueType] = []
    networks: list[JsonValueType] = []
    for entry in entries:
        account = entry.runtime_data.account
        # The cameras in question get their configs re-read too (a Sync Module: its cameras).
        wanted = None if only is None else only[entry.entry_id]
        await account.async_refresh_now(
            configs_of=[
                serial
                for serial, camera in (account.data.cameras.items() if account.data else ())
                if wanted is None or wanted & {serial, camera.sync_module_serial}
            ]
        )
        snapshot = entry.runtime_data.account.data
        reading = entry.runtime_data.network.data
        networks.append({"entry_id": entry.entry_id, **(reading.as_response() if reading else {})})
        for serial, health in entry.runtime_data.health.cameras.items():
            camera = snapshot.cameras.get(serial) if snapshot else None
            # A Sync Module as target: the report of each of its cameras.
            if only is not None and not only[entry.entry_id] & {
                serial,
                camera.sync_module_serial if camera else None,
            }:
                continue
            cameras.append(
                {
                    "entry_id": entry.entry_id,
                    "serial": serial,
                    "name": camera.name if camera else None,
                    "verdict": health.verdict.value,
                    "diagnosis": health.diagnosis.code,
                    "findings": [finding.to_dict() for finding in health.diagnosis.findings],
                    "fix_order": [step.value for step in fix_order(health.diagnosis)],
                }
            )
    return {"cameras": cameras, "network": networks}
