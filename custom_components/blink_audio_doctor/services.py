"""Actions of Blink Audio Doctor, registered once in `async_setup`.

`async_setup_services` registers every action; each handler resolves its target (targets.py) and
hands the work to the manager that owns it (power cycles, re-adds, the coordinators).
"""

from __future__ import annotations

import probatio as vol
from homeassistant.const import (
    ATTR_CONFIG_ENTRY_ID,
)
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import target as target_helpers
from homeassistant.util.json import JsonValueType

from .const import (
    ATTR_FORCE,
    ATTR_OFF_SECONDS,
    ATTR_TIMEOUT,
    ATTR_WAIT_FOR_ONLINE,
    DEFAULT_OFF_SECONDS,
    DEFAULT_ONLINE_TIMEOUT,
    DEFAULT_RE_ADD_TIMEOUT,
    DOMAIN,
    MAX_RE_ADD_TIMEOUT,
    MIN_RE_ADD_TIMEOUT,
    SERVICE_POWER_CYCLE,
    SERVICE_RE_ADD_CAMERA,
    SERVICE_RUN_DIAGNOSTICS,
    SERVICE_RUN_NETWORK_TEST,
    SERVICE_TEST_TALK_PATH,
)
from .data import BlinkAudioDoctorConfigEntry
from .doctor.rules import fix_order
from .power_cycle import async_get_power_cycles
from .readd import async_get_re_adds
from .targets import (
    async_resolve_device,
    async_resolve_devices,
    check_range,
    invalid,
    loaded_entries,
)

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
TEST_TALK_PATH_SCHEMA = vol.Schema(_TARGET)


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
    hass.services.async_register(
        DOMAIN,
        SERVICE_TEST_TALK_PATH,
        _async_test_talk_path,
        schema=TEST_TALK_PATH_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )


# ------------------------------------------------------------------------------ power cycle


async def _async_power_cycle(call: ServiceCall) -> ServiceResponse:
    hass = call.hass
    manager = async_get_power_cycles(hass)
    cycle = manager.async_prepare(
        async_resolve_device(hass, dict(call.data)),
        off_seconds=call.data[ATTR_OFF_SECONDS],
        wait_for_online=call.data[ATTR_WAIT_FOR_ONLINE],
        timeout=call.data[ATTR_TIMEOUT],
        force=call.data[ATTR_FORCE],
    )
    response = await manager.async_run(cycle)
    return response if call.return_response else None


async def _async_re_add_camera(call: ServiceCall) -> ServiceResponse:
    hass = call.hass
    if not target_helpers.TargetSelection(dict(call.data)).has_any_target:
        raise invalid("no_camera_target")  # only a camera can be re-added
    device = async_resolve_device(hass, dict(call.data))
    timeout = call.data[ATTR_TIMEOUT]
    check_range("re_add_timeout_out_of_range", timeout, MIN_RE_ADD_TIMEOUT, MAX_RE_ADD_TIMEOUT)
    if not device.is_camera:
        raise invalid("re_add_not_a_camera")
    record = await async_get_re_adds(hass).async_begin(
        device.entry, device.serial, device_id=device.device_id, timeout_seconds=timeout
    )
    return record.response() if call.return_response else None


async def _async_test_talk_path(call: ServiceCall) -> ServiceResponse:
    """One camera's live view, measured (within the rate limits); figures and verdict change."""
    hass = call.hass
    if not target_helpers.TargetSelection(dict(call.data)).has_any_target:
        raise invalid("no_camera_target")  # a live view is always of one camera
    device = async_resolve_device(hass, dict(call.data))
    if not device.is_camera:
        raise invalid("talk_path_not_a_camera", name=device.name or device.serial[-4:])
    runtime = device.entry.runtime_data
    response = await runtime.talk.async_run(device.serial, runtime.health)
    return response if call.return_response else None


# ------------------------------------------------------------------------ network, diagnostics


async def _async_run_network_test(call: ServiceCall) -> ServiceResponse:
    """Measure latency and speed now (a test already running is joined, not repeated)."""
    entries = loaded_entries(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
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
        entries = loaded_entries(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))
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
