"""Connectivity of Blink cameras and Sync Modules."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import BlinkAudioDoctorConfigEntry
from .doctor.model import Verdict
from .entity import BlinkDeviceEntity, CameraHealthEntity, async_add_entities_for_new_devices

# Read-only: everything comes from the coordinator.
PARALLEL_UPDATES = 0

ONLINE = BinarySensorEntityDescription(
    key="online",
    translation_key="online",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


TWO_WAY_AUDIO = BinarySensorEntityDescription(
    key="two_way_audio",
    translation_key="two_way_audio",
)


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: BlinkAudioDoctorConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an online sensor per camera and Sync Module, now and when new ones appear."""
    coordinator = entry.runtime_data.account
    async_add_entities_for_new_devices(
        coordinator,
        async_add_entities,
        lambda camera: [
            OnlineSensor(coordinator, camera.serial),
            TwoWayAudioSensor(coordinator, camera.serial),
        ],
        lambda sync_module: [OnlineSensor(coordinator, sync_module.serial)],
    )


class OnlineSensor(BlinkDeviceEntity, BinarySensorEntity):
    """On while Blink reports the camera or Sync Module online."""

    entity_description = ONLINE

    @property
    def is_on(self) -> bool | None:
        """Online as Blink reports it; None (unknown) when Blink did not say."""
        device = self._device_snapshot()
        return None if device is None else device.online


class TwoWayAudioSensor(CameraHealthEntity, BinarySensorEntity):
    """On while two-way audio is likely healthy; the reason is in the diagnosis sensor.

    Off for a model without a speaker (diagnosis "unsupported_model"); unknown when the doctor
    cannot tell (missing or stale data, unknown model).
    """

    entity_description = TWO_WAY_AUDIO

    @property
    def is_on(self) -> bool | None:
        """The debounced verdict."""
        health = self.health
        if health is None or health.verdict is Verdict.UNKNOWN:
            return None
        return health.verdict is Verdict.HEALTHY
