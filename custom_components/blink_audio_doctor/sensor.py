"""Signal sensors of Blink cameras and Sync Modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    EntityCategory,
    UnitOfDataRate,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .data import BlinkAudioDoctorConfigEntry
from .doctor.capabilities import camera_can_report
from .doctor.model import AccountSnapshot, CameraSnapshot, SyncModuleSnapshot
from .doctor.rules import ALL_DIAGNOSIS_CODES
from .entity import (
    CameraEntity,
    CameraHealthEntity,
    InternetEntity,
    SyncModuleEntity,
    async_add_entities_for_new_devices,
)
from .network_reading import NetworkReading
from .readd import serials_being_re_added

# Read-only: everything comes from the coordinator.
PARALLEL_UPDATES = 0

type SensorValue = int | float | datetime | None


@dataclass(frozen=True, kw_only=True)
class CameraSensorDescription(SensorEntityDescription):
    """A camera sensor: its value, and the snapshot field it shows (not every model has it).

    `on_reading`: created only once Blink gives a reading, even for a model that reports the
    field in its config (we read the configs of Minis and doorbells only).
    """

    value_fn: Callable[[CameraSnapshot], SensorValue]
    field: str
    on_reading: bool = False


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
    CameraSensorDescription(
        key="sync_link_signal",
        translation_key="sync_link_signal",
        field="sync_link_dbm",
        on_reading=True,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda camera: camera.sync_link_dbm,
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


@dataclass(frozen=True, kw_only=True)
class InternetSensorDescription(SensorEntityDescription):
    """A figure of the home's internet connection."""

    value_fn: Callable[[NetworkReading], SensorValue]
    figure: str  # the NetworkReading field, also the key of a mirrored sensor


INTERNET_SENSORS: tuple[InternetSensorDescription, ...] = (
    InternetSensorDescription(
        key="download",
        translation_key="download",
        figure="download_mbps",
        native_unit_of_measurement=UnitOfDataRate.MEGABITS_PER_SECOND,
        device_class=SensorDeviceClass.DATA_RATE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda reading: reading.download_mbps,
    ),
    InternetSensorDescription(
        key="upload",
        translation_key="upload",
        figure="upload_mbps",
        native_unit_of_measurement=UnitOfDataRate.MEGABITS_PER_SECOND,
        device_class=SensorDeviceClass.DATA_RATE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda reading: reading.upload_mbps,
    ),
    InternetSensorDescription(
        key="latency",
        translation_key="latency",
        figure="latency_ms",
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda reading: reading.latency_ms,
    ),
    InternetSensorDescription(
        key="jitter",
        translation_key="jitter",
        figure="jitter_ms",
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        device_class=SensorDeviceClass.DURATION,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda reading: reading.jitter_ms,
    ),
    InternetSensorDescription(
        key="packet_loss",
        translation_key="packet_loss",
        figure="packet_loss_pct",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda reading: reading.packet_loss_pct,
    ),
    InternetSensorDescription(
        key="last_speed_test",
        translation_key="last_speed_test",
        figure="speed_tested_at",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda reading: reading.speed_tested_at,
    ),
)


DIAGNOSIS = SensorEntityDescription(
    key="diagnosis",
    translation_key="diagnosis",
    device_class=SensorDeviceClass.ENUM,
    options=list(ALL_DIAGNOSIS_CODES),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlinkAudioDoctorConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the signal sensors of every camera and Sync Module, now and when new ones appear."""
    async_add_entities(
        InternetSensor(entry.runtime_data.network, description) for description in INTERNET_SENSORS
    )
    coordinator = entry.runtime_data.account
    async_add_entities_for_new_devices(
        coordinator,
        async_add_entities,
        lambda camera: [DiagnosisSensor(coordinator, camera.serial)],
        lambda sync_module: [
            SyncModuleSensor(coordinator, sync_module.serial, description)
            for description in SYNC_MODULE_SENSORS
        ],
    )
    _async_add_camera_sensors(hass, entry, async_add_entities)


@callback
def _async_add_camera_sensors(
    hass: HomeAssistant,
    entry: BlinkAudioDoctorConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """The signal sensors of each camera: those its model reports, and those it turns out to.

    A Mini's Wi-Fi dBm and a doorbell's Sync Module link dBm come from the device's config
    endpoint, when that carries them: their sensors appear with the first reading. A sensor
    that existed before (in the entity registry) is back at once after a restart, before the
    first reading arrives.
    """
    coordinator = entry.runtime_data.account
    registry = er.async_get(hass)
    added: dict[str, set[str]] = {}  # serial -> keys of the sensors added

    @callback
    def add_new() -> None:
        snapshot: AccountSnapshot | None = coordinator.data
        if snapshot is None:
            return
        # A camera that left the account lost its entities; if it comes back, it gets new ones.
        # A camera being re-added keeps its entities while it is away.
        present = set(snapshot.cameras) | serials_being_re_added(hass, entry.entry_id)
        for serial in set(added) - present:
            del added[serial]
        new: list[CameraSensor] = []
        for serial, camera in snapshot.cameras.items():
            keys = added.setdefault(serial, set())
            for description in CAMERA_SENSORS:
                if description.key not in keys and _exists(camera, description, registry):
                    keys.add(description.key)
                    new.append(CameraSensor(coordinator, serial, description))
        if new:
            async_add_entities(new)

    add_new()
    entry.async_on_unload(coordinator.async_add_listener(add_new))


def _exists(
    camera: CameraSnapshot, description: CameraSensorDescription, registry: er.EntityRegistry
) -> bool:
    """Whether a camera has this sensor now: its model reports the field, or it gave a reading."""
    unique_id = f"{camera.serial}-{description.key}"
    if registry.async_get_entity_id("sensor", DOMAIN, unique_id) is not None:
        return True
    if description.value_fn(camera) is not None:
        return True
    return not description.on_reading and camera_can_report(camera, description.field)


class CameraSensor(CameraEntity, SensorEntity):
    """A signal sensor of a camera."""

    entity_description: CameraSensorDescription

    @property
    def available(self) -> bool:
        """Unavailable while Blink reports the camera offline.

        Blink keeps sending the last signal it had from an offline camera; shown as a current
        value it would look like the camera still has that Wi-Fi. Unavailable (not unknown):
        the camera cannot be reached, as HA marks the entities of any unreachable device; the
        last value stays in the history, and the camera's Online sensor says why.
        """
        camera = self.camera
        return super().available and not (camera is not None and camera.online is False)

    @property
    def native_value(self) -> SensorValue:
        """The newest reading; None (unknown) when Blink did not report it."""
        camera = self.camera
        return None if camera is None else self.entity_description.value_fn(camera)


class SyncModuleSensor(SyncModuleEntity, SensorEntity):
    """A sensor of a Sync Module."""

    entity_description: SyncModuleSensorDescription

    @property
    def native_value(self) -> SensorValue:
        """The newest reading; None (unknown) when Blink did not report it."""
        sync_module = self.sync_module
        return None if sync_module is None else self.entity_description.value_fn(sync_module)


class InternetSensor(InternetEntity, SensorEntity):
    """A figure of the home's internet connection (measured, or mirrored from a sensor)."""

    entity_description: InternetSensorDescription

    @property
    def available(self) -> bool:
        """A mirrored figure is unavailable while its source sensor is."""
        source = self.coordinator.mirrors.get(self.entity_description.figure)
        if source is not None:
            state = self.hass.states.get(source)
            return state is not None and state.state not in (STATE_UNAVAILABLE, STATE_UNKNOWN)
        return super().available

    @property
    def native_value(self) -> SensorValue:
        """The newest figure; None (unknown) when it could not be measured."""
        reading: NetworkReading | None = self.coordinator.data
        return None if reading is None else self.entity_description.value_fn(reading)


class DiagnosisSensor(CameraHealthEntity, SensorEntity):
    """Why two-way audio is (not) likely to work: "ok" or the most important finding."""

    entity_description = DIAGNOSIS

    # The findings change with every evaluation (their ages); the recorder keeps the state only.
    _unrecorded_attributes = frozenset({"findings"})

    @property
    def native_value(self) -> str | None:
        """The diagnosis code of the newest evaluation."""
        health = self.health
        return None if health is None else health.diagnosis.code

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Every finding behind the diagnosis, with its reading's value, threshold and time.

        A reading Blink never sends for the model (a Mini's Wi-Fi) is a finding of its own
        (`wifi_not_reported`), so a dashboard can say so instead of showing an empty value.
        """
        health = self.health
        if health is None:
            return None
        return {"findings": [finding.to_dict() for finding in health.diagnosis.findings]}
