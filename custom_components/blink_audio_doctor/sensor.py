"""Signal sensors of Blink cameras and Sync Modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import SIGNAL_STRENGTH_DECIBELS_MILLIWATT, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import AccountCoordinator
from .data import BlinkAudioDoctorConfigEntry
from .doctor.capabilities import camera_can_report
from .doctor.model import CameraSnapshot, SyncModuleSnapshot
from .entity import CameraEntity, SyncModuleEntity, async_add_entities_for_new_devices

# Read-only: everything comes from the coordinator.
PARALLEL_UPDATES = 0

type SensorValue = int | float | datetime | None


@dataclass(frozen=True, kw_only=True)
class CameraSensorDescription(SensorEntityDescription):
    """A camera sensor: its value, and the snapshot field it shows (not every model has it)."""

    value_fn: Callable[[CameraSnapshot], SensorValue]
    field: str


@dataclass(frozen=True, kw_only=True)
class SyncModuleSensorDescription(SensorEntityDescription):
    """A Sync Module sensor."""

    value_fn: Callable[[SyncModuleSnapshot], SensorValue]


CAMERA_SENSORS: tuple[CameraSensorDescription, ...] = (
    CameraSensorDescription(
        key="wifi_signal",
        translation_key="wifi_signal",
        field="wifi_dbm",
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda camera: camera.wifi_dbm,
    ),
    CameraSensorDescription(
        key="wifi_bars",
        translation_key="wifi_bars",
        field="wifi_bars",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda camera: camera.wifi_bars,
    ),
    CameraSensorDescription(
        key="sync_link_bars",
        translation_key="sync_link_bars",
        field="sync_link_bars",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda camera: camera.sync_link_bars,
    ),
)

SYNC_MODULE_SENSORS: tuple[SyncModuleSensorDescription, ...] = (
    SyncModuleSensorDescription(
        key="wifi_bars",
        translation_key="wifi_bars",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda sync_module: sync_module.wifi_bars,
    ),
    SyncModuleSensorDescription(
        key="last_heartbeat",
        translation_key="last_heartbeat",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda sync_module: sync_module.last_heartbeat,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: BlinkAudioDoctorConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the signal sensors of every camera and Sync Module, now and when new ones appear."""
    coordinator = entry.runtime_data.account
    async_add_entities_for_new_devices(
        coordinator,
        async_add_entities,
        lambda camera: [
            CameraSensor(coordinator, camera.serial, description)
            for description in CAMERA_SENSORS
            if camera_can_report(camera, description.field)
        ],
        lambda sync_module: [
            SyncModuleSensor(coordinator, sync_module.serial, description)
            for description in SYNC_MODULE_SENSORS
        ],
    )


class CameraSensor(CameraEntity, SensorEntity):
    """A signal sensor of a camera."""

    entity_description: CameraSensorDescription

    def __init__(
        self, coordinator: AccountCoordinator, serial: str, description: CameraSensorDescription
    ) -> None:
        """Describe the sensor."""
        super().__init__(coordinator, serial, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> SensorValue:
        """The newest reading; None (unknown) when Blink did not report it."""
        camera = self.camera
        return None if camera is None else self.entity_description.value_fn(camera)


class SyncModuleSensor(SyncModuleEntity, SensorEntity):
    """A sensor of a Sync Module."""

    entity_description: SyncModuleSensorDescription

    def __init__(
        self,
        coordinator: AccountCoordinator,
        serial: str,
        description: SyncModuleSensorDescription,
    ) -> None:
        """Describe the sensor."""
        super().__init__(coordinator, serial, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> SensorValue:
        """The newest reading; None (unknown) when Blink did not report it."""
        sync_module = self.sync_module
        return None if sync_module is None else self.entity_description.value_fn(sync_module)
