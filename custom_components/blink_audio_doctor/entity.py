"""Base entity: one Blink camera or Sync Module, keyed by its serial number."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.core import callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import BLINK_DOMAIN, CONF_BLINK_ENTRY_ID, DOMAIN, SERVICE_DEVICE_PREFIX
from .coordinator import AccountCoordinator
from .doctor.capabilities import capability_for
from .doctor.model import AccountSnapshot, CameraSnapshot, SyncModuleSnapshot
from .health import CameraHealth, HealthMonitor
from .network import NetworkCoordinator
from .readd import serials_being_re_added


class BlinkDeviceEntity(CoordinatorEntity[AccountCoordinator]):
    """An entity of one Blink device (camera or Sync Module).

    The serial number is the identity: camera ids change when a camera is re-added and names
    change on rename. In linked mode the entity joins the device HA's Blink integration made.
    """

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: AccountCoordinator,
        serial: str,
        description: EntityDescription | None = None,
    ) -> None:
        """Describe the entity (a class's own description unless given); attach it to its device."""
        super().__init__(coordinator)
        if description is not None:
            self.entity_description = description
        self.serial = serial
        self._attr_unique_id = f"{serial}-{self.entity_description.key}"
        blink_device = None
        if coordinator.linked:
            blink_device = dr.async_get(coordinator.hass).async_get_device_by_identifier(
                (BLINK_DOMAIN, serial), coordinator.config_entry.data[CONF_BLINK_ENTRY_ID]
            )
        if blink_device is not None:
            self.device_entry = blink_device
        else:
            self._attr_device_info = self._own_device_info()

    def _own_device_info(self) -> DeviceInfo:
        device = self._device_snapshot()
        if isinstance(device, CameraSnapshot):
            capability = capability_for(device.product_type)
            return DeviceInfo(
                identifiers={(DOMAIN, self.serial)},
                manufacturer="Blink",
                model=capability.model if capability else device.product_type,
                name=device.name,
                serial_number=self.serial,
                sw_version=device.firmware,
            )
        return DeviceInfo(
            identifiers={(DOMAIN, self.serial)},
            manufacturer="Blink",
            model="Sync Module",
            name=device.name if device else None,
            serial_number=self.serial,
        )

    def _device_snapshot(self) -> CameraSnapshot | SyncModuleSnapshot | None:
        # None until the first good update (linked mode starts even when Blink is down).
        snapshot: AccountSnapshot | None = self.coordinator.data
        if snapshot is None:
            return None
        return snapshot.cameras.get(self.serial) or snapshot.sync_modules.get(self.serial)

    @property
    def available(self) -> bool:
        """Available while the account's data is good and the device is still on it."""
        return super().available and self._device_snapshot() is not None


class CameraEntity(BlinkDeviceEntity):
    """An entity of a Blink camera."""

    @property
    def camera(self) -> CameraSnapshot | None:
        """The camera's newest snapshot."""
        device = self._device_snapshot()
        return device if isinstance(device, CameraSnapshot) else None


class CameraHealthEntity(CameraEntity):
    """An entity that shows a camera's two-way audio health (updated on every evaluation)."""

    async def async_added_to_hass(self) -> None:
        """Follow the health monitor: it judges after every account and network update."""
        await super().async_added_to_hass()
        self.async_on_remove(self._monitor.async_add_listener(self.async_write_ha_state))

    @callback
    def _handle_coordinator_update(self) -> None:
        """Written by the monitor's evaluation of the same update instead (one source)."""

    @property
    def _monitor(self) -> HealthMonitor:
        monitor: HealthMonitor = self.coordinator.config_entry.runtime_data.health
        return monitor

    @property
    def health(self) -> CameraHealth | None:
        """The camera's newest verdict and diagnosis."""
        return self._monitor.cameras.get(self.serial)

    @property
    def available(self) -> bool:
        """Available while the camera is judged."""
        return super().available and self.health is not None


class SyncModuleEntity(BlinkDeviceEntity):
    """An entity of a Blink Sync Module."""

    @property
    def sync_module(self) -> SyncModuleSnapshot | None:
        """The Sync Module's newest snapshot."""
        device = self._device_snapshot()
        return device if isinstance(device, SyncModuleSnapshot) else None


@callback
def async_add_entities_for_new_devices(
    coordinator: AccountCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
    camera_entities: Callable[[CameraSnapshot], Iterable[Entity]],
    sync_module_entities: Callable[[SyncModuleSnapshot], Iterable[Entity]] | None = None,
) -> None:
    """Add entities for every device now and for each device that appears later.

    New cameras get their entities at the next update, without reloading the entry.
    """
    known: set[str] = set()

    @callback
    def add_new() -> None:
        snapshot: AccountSnapshot | None = coordinator.data
        if snapshot is None:
            return
        # A device that left the account lost its entities; if it comes back, it gets new ones.
        # A camera being re-added keeps its entities while it is away.
        known.intersection_update(
            set(snapshot.cameras)
            | set(snapshot.sync_modules)
            | serials_being_re_added(coordinator.hass, coordinator.config_entry.entry_id)
        )
        new: list[Entity] = []
        for serial, camera in snapshot.cameras.items():
            if serial not in known:
                known.add(serial)
                new.extend(camera_entities(camera))
        if sync_module_entities is not None:
            for serial, sync_module in snapshot.sync_modules.items():
                if serial not in known:
                    known.add(serial)
                    new.extend(sync_module_entities(sync_module))
        if new:
            async_add_entities(new)

    add_new()
    coordinator.config_entry.async_on_unload(coordinator.async_add_listener(add_new))


@callback
def async_attach_to_blink_devices(coordinator: AccountCoordinator) -> None:
    """Linked mode: move our entities onto the device HA's Blink now has for their camera.

    A camera new to the account is in Blink's homescreen (and so gets our entities) before HA's
    Blink integration makes a device for it, which it does only when it reloads. Until then our
    entities sit on a device of ours; once Blink's device exists, that one is left empty and
    removed, so the camera never shows as two devices.
    """
    if not coordinator.linked:
        return
    hass = coordinator.hass
    entry = coordinator.config_entry
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    for own in dr.async_entries_for_config_entry(devices, entry.entry_id):
        blink_device = next(
            (
                device
                for domain, serial in own.identifiers
                if domain == DOMAIN
                and (
                    device := devices.async_get_device_by_identifier(
                        (BLINK_DOMAIN, serial), entry.data[CONF_BLINK_ENTRY_ID]
                    )
                )
                is not None
            ),
            None,
        )
        if blink_device is None:
            continue
        for entity in er.async_entries_for_device(entities, own.id, include_disabled_entities=True):
            entities.async_update_entity(entity.entity_id, device_id=blink_device.id)
        devices.async_remove_device(own.id)


class InternetEntity(CoordinatorEntity[NetworkCoordinator]):
    """An entity of the "Internet" service device: the home's connection as Blink sees it."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: NetworkCoordinator, description: EntityDescription | None = None
    ) -> None:
        """One service device per entry, keyed by the entry (not by a Blink serial)."""
        super().__init__(coordinator)
        if description is not None:
            self.entity_description = description
        entry_id = coordinator.config_entry.entry_id
        self._attr_unique_id = f"{SERVICE_DEVICE_PREFIX}{entry_id}-{self.entity_description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, f"{SERVICE_DEVICE_PREFIX}{entry_id}")},
            entry_type=DeviceEntryType.SERVICE,
            translation_key="internet",
            manufacturer="Blink Audio Doctor",
        )
