"""Actions of Blink Audio Doctor, registered once in `async_setup`.

`async_setup_services` registers every action; each action's handler lives next to its schema.
Target resolution (`async_resolve_device`) is shared: a camera or Sync Module device, or an entity
of this integration, of a loaded entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import probatio as vol
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import (
    ATTR_CONFIG_ENTRY_ID,
    ATTR_DEVICE_ID,
    ATTR_ENTITY_ID,
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

_TARGET = {
    vol.Optional(ATTR_DEVICE_ID): vol.All(cv.ensure_list, [cv.string]),
    vol.Optional(ATTR_ENTITY_ID): cv.comp_entity_ids,
}

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
def async_resolve_device(hass: HomeAssistant, data: dict[str, Any]) -> ResolvedDevice:
    """The single camera or Sync Module of a loaded entry that the call's target names."""
    found: dict[tuple[str, str], str | None] = {}
    for entity_id in data.get(ATTR_ENTITY_ID, []):
        entry_id, serial, device_id = _from_entity(hass, entity_id)
        found[entry_id, serial] = device_id
    for device_id in data.get(ATTR_DEVICE_ID, []):
        entry_id, serial = _from_device(hass, device_id)
        found[entry_id, serial] = device_id
    if not found:
        raise _invalid("no_target")
    if len(found) > 1:
        raise _invalid("one_device_only")
    ((entry_id, serial), device_id) = next(iter(found.items()))
    entry: BlinkAudioDoctorConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.state is not ConfigEntryState.LOADED:
        raise _invalid("entry_not_loaded")
    snapshot = entry.runtime_data.account.data
    camera = None if snapshot is None else snapshot.cameras.get(serial)
    sync_module = None if snapshot is None else snapshot.sync_modules.get(serial)
    if camera is None and sync_module is None:
        raise _invalid("unknown_device")
    if camera is not None:
        return ResolvedDevice(
            entry, serial, device_id, camera.name, camera.product_type, is_camera=True
        )
    assert sync_module is not None  # noqa: S101 - narrowed above
    return ResolvedDevice(entry, serial, device_id, sync_module.name, None, is_camera=False)


def _from_entity(hass: HomeAssistant, entity_id: str) -> tuple[str, str, str | None]:
    entity = er.async_get(hass).async_get(entity_id)
    if entity is None:
        if hass.states.get(entity_id) is not None:
            raise _invalid("target_not_ours", target=entity_id)
        raise _invalid("unknown_device")
    if entity.platform != DOMAIN or entity.config_entry_id is None:
        raise _invalid("target_not_ours", target=entity_id)
    serial = entity.unique_id.rsplit("-", 1)[0]
    if serial.startswith(SERVICE_DEVICE_PREFIX):
        raise _invalid("target_not_ours", target=entity_id)
    return entity.config_entry_id, serial, entity.device_id


def _from_device(hass: HomeAssistant, device_id: str) -> tuple[str, str]:
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        raise _invalid("unknown_device")
    serials = [
        value
        for domain, value in device.identifiers
        if domain in (DOMAIN, BLINK_DOMAIN) and not value.startswith(SERVICE_DEVICE_PREFIX)
    ]
    for entry in hass.config_entries.async_entries(DOMAIN):
        linked_to = entry.data.get(CONF_BLINK_ENTRY_ID)
        if serials and (
            entry.entry_id in device.config_entries or linked_to in device.config_entries
        ):
            return entry.entry_id, serials[0]
    raise _invalid("target_not_ours", target=device.name_by_user or device.name or device_id)


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
    entry: BlinkAudioDoctorConfigEntry | None = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.state is not ConfigEntryState.LOADED:
        raise _invalid("entry_not_loaded")
    snapshot = entry.runtime_data.account.data
    camera = None if snapshot is None else snapshot.cameras.get(serial)
    sync_module = None if snapshot is None else snapshot.sync_modules.get(serial)
    if camera is not None:
        return ResolvedDevice(entry, serial, None, camera.name, camera.product_type, is_camera=True)
    if sync_module is not None:
        return ResolvedDevice(entry, serial, None, sync_module.name, None, is_camera=False)
    raise _invalid("unknown_device")


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
    results: list[JsonValueType] = []
    for entry in _loaded_entries(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID)):
        reading = await entry.runtime_data.network.async_run_network_test()
        results.append({"entry_id": entry.entry_id, "title": entry.title, **reading.as_response()})
    return {"results": results}


async def _async_run_diagnostics(call: ServiceCall) -> ServiceResponse:
    """Fresh, cheap data and the full report per camera: verdict, findings, fix order."""
    only: str | None = None
    if call.data.get(ATTR_DEVICE_ID) or call.data.get(ATTR_ENTITY_ID):
        device = async_resolve_device(call.hass, dict(call.data))
        entries = [device.entry]
        only = device.serial
    else:
        entries = _loaded_entries(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
    cameras: list[JsonValueType] = []
    networks: list[JsonValueType] = []
    for entry in entries:
        account = entry.runtime_data.account
        # The cameras in question get their configs re-read too (a Sync Module: its cameras).
        await account.async_refresh_now(
            configs_of=[
                serial
                for serial, camera in (account.data.cameras.items() if account.data else ())
                if only is None or only in (serial, camera.sync_module_serial)
            ]
        )
        snapshot = entry.runtime_data.account.data
        reading = entry.runtime_data.network.data
        networks.append({"entry_id": entry.entry_id, **(reading.as_response() if reading else {})})
        for serial, health in entry.runtime_data.health.cameras.items():
            camera = snapshot.cameras.get(serial) if snapshot else None
            # A Sync Module as target: the report of each of its cameras.
            if only is not None and only not in (
                serial,
                camera.sync_module_serial if camera else None,
            ):
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
