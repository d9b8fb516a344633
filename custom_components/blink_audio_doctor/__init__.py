"""Blink Audio Doctor: tells why Blink two-way audio fails and fixes what it can."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .coordinator import AccountCoordinator, source_issue_id
from .data import BlinkAudioDoctorConfigEntry, BlinkAudioDoctorData
from .discovery import async_setup_discovery
from .entity import async_attach_to_blink_devices
from .health import HealthMonitor
from .instance import async_setup_instance
from .migration import async_migrate
from .network import NetworkCoordinator
from .power_cycle import DATA_POWER_CYCLES, PowerCycleManager, async_get_power_cycles
from .readd import DATA_RE_ADDS, ReAddTracker, async_get_re_adds, serials_being_re_added
from .services import async_setup_services
from .talk_tests import TalkPathTests
from .targets import device_serials

PLATFORMS: list[Platform] = [Platform.BINARY_SENSOR, Platform.BUTTON, Platform.SENSOR]


CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:  # noqa: ARG001
    """Register the actions; honour power cycles and re-adds left open by the last run.

    Runs before any entry loads: a plug that a cut-short power cycle left off is turned back on
    even when the entry cannot load.
    """
    await async_setup_instance(hass, DATA_POWER_CYCLES, PowerCycleManager(hass))
    await async_setup_instance(hass, DATA_RE_ADDS, ReAddTracker(hass))
    async_setup_services(hass)
    async_setup_discovery(hass)
    return True


async def async_migrate_entry(hass: HomeAssistant, entry: BlinkAudioDoctorConfigEntry) -> bool:
    """Bring an entry stored by an earlier version up to date."""
    return await async_migrate(hass, entry)


async def async_setup_entry(hass: HomeAssistant, entry: BlinkAudioDoctorConfigEntry) -> bool:
    """Set up Blink Audio Doctor from a config entry."""
    account = AccountCoordinator(hass, entry)
    if account.linked:
        # Reading HA's Blink entry sends nothing to Blink; when it cannot be read the entities
        # stay unavailable and a repair issue says why, until that entry is back.
        await account.async_refresh()
        account.async_follow_blink()
        entry.async_on_unload(account.async_stop_following)
        entry.async_on_unload(
            account.async_add_listener(partial(async_attach_to_blink_devices, account))
        )
    else:
        await account.async_config_entry_first_refresh()
    network = NetworkCoordinator(hass, entry, account)
    talk = TalkPathTests(hass, entry, account)
    health = HealthMonitor(hass, entry, account, network, talk.result_for)
    entry.runtime_data = BlinkAudioDoctorData(
        account=account, network=network, health=health, talk=talk
    )
    await network.async_start()
    await talk.async_load()  # before the first judgement: a stored result still counts
    await health.async_start()
    entry.async_on_unload(account.async_add_listener(_remover_of_gone_devices(hass, entry)))
    entry.async_on_unload(async_get_re_adds(hass).async_entry_loaded(entry))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: BlinkAudioDoctorConfigEntry) -> bool:
    """Unload a config entry; a power cycle under way turns its plug back on first."""
    await async_get_power_cycles(hass).async_entry_unloading(entry.entry_id)
    await entry.runtime_data.health.async_save()
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: BlinkAudioDoctorConfigEntry) -> None:
    """Clean up what the entry raised when it is deleted."""
    ir.async_delete_issue(hass, DOMAIN, source_issue_id(entry.entry_id))


async def async_remove_config_entry_device(
    hass: HomeAssistant,
    entry: BlinkAudioDoctorConfigEntry,
    device_entry: dr.AnyDeviceEntry,
) -> bool:
    """Let the user delete a device that is no longer on the Blink account."""
    snapshot = entry.runtime_data.account.data
    present = set() if snapshot is None else set(snapshot.cameras) | set(snapshot.sync_modules)
    present |= serials_being_re_added(hass, entry.entry_id)
    return not device_serials(device_entry) & present


def _remover_of_gone_devices(
    hass: HomeAssistant, entry: BlinkAudioDoctorConfigEntry
) -> Callable[[], None]:
    """Remove our entities (and own devices) of cameras and Sync Modules gone from the account."""

    @callback
    def remove_gone() -> None:
        account = entry.runtime_data.account
        snapshot = account.data
        if snapshot is None or not account.last_update_success:
            return
        present = set(snapshot.cameras) | set(snapshot.sync_modules)
        # A camera in a guided re-add is away only for a while: keep its entities and history.
        present |= serials_being_re_added(hass, entry.entry_id)
        device_registry = dr.async_get(hass)
        entity_registry = er.async_get(hass)
        for entity in er.async_entries_for_config_entry(entity_registry, entry.entry_id):
            device = device_registry.async_get(entity.device_id) if entity.device_id else None
            if (
                device is not None
                and device_serials(device)
                and not device_serials(device) & present
            ):
                entity_registry.async_remove(entity.entity_id)
        for device in dr.async_entries_for_config_entry(device_registry, entry.entry_id):
            if device_serials(device) and not device_serials(device) & present:
                device_registry.async_remove_device(device.id)

    return remove_gone
