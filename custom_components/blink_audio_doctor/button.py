"""Buttons: power cycle, diagnostics, talk-path test and network test.

Power cycle: each device with a smart plug; diagnostics and talk-path test: each camera; network
test: the account's Internet device.
"""

from __future__ import annotations

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_PLUGS
from .data import BlinkAudioDoctorConfigEntry
from .doctor.model import CameraSnapshot, SyncModuleSnapshot
from .entity import (
    BlinkDeviceEntity,
    CameraEntity,
    InternetEntity,
    async_add_entities_for_new_devices,
)
from .power_cycle import async_get_power_cycles

# Presses start a background cycle; the power-cycle manager serialises per plug.
PARALLEL_UPDATES = 0

POWER_CYCLE = ButtonEntityDescription(
    key="power_cycle",
    translation_key="power_cycle",
    entity_category=EntityCategory.CONFIG,
)


RUN_DIAGNOSTICS = ButtonEntityDescription(key="run_diagnostics", translation_key="run_diagnostics")
RUN_NETWORK_TEST = ButtonEntityDescription(
    key="run_network_test", translation_key="run_network_test"
)
TEST_TALK_PATH = ButtonEntityDescription(key="test_talk_path", translation_key="test_talk_path")


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: BlinkAudioDoctorConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a Power cycle button per device with a mapped plug (devices that appear later too)."""
    coordinator = entry.runtime_data.account
    # The options flow reloads the entry, so a newly mapped plug gets its button then.
    plugs: dict[str, str] = entry.options.get(CONF_PLUGS, {})

    def power_cycle_button(
        device: CameraSnapshot | SyncModuleSnapshot,
    ) -> list[PowerCycleButton]:
        return [PowerCycleButton(coordinator, device.serial)] if plugs.get(device.serial) else []

    # The shared helper forgets a device that left the account, so one added back (same
    # serial) gets its button again, like its other entities.
    async_add_entities_for_new_devices(
        coordinator, async_add_entities, power_cycle_button, power_cycle_button
    )
    async_add_entities([RunNetworkTestButton(entry.runtime_data.network)])
    async_add_entities_for_new_devices(
        coordinator,
        async_add_entities,
        lambda camera: [
            RunDiagnosticsButton(coordinator, camera.serial),
            TestTalkPathButton(coordinator, camera.serial),
        ],
    )


class PowerCycleButton(BlinkDeviceEntity, ButtonEntity):
    """Cuts the device's power through its smart plug for 10 s (the power_cycle defaults)."""

    entity_description = POWER_CYCLE

    @property
    def available(self) -> bool:
        """Available while the device is on the account and still has a plug mapped."""
        plugs = self.coordinator.config_entry.options.get(CONF_PLUGS, {})
        return super().available and bool(plugs.get(self.serial))

    async def async_press(self) -> None:
        """Start a power cycle; refusals (cooldown, plug unavailable ...) are raised at once."""
        async_get_power_cycles(self.hass).async_start_in_background(
            self.coordinator.config_entry.entry_id, self.serial
        )


class RunDiagnosticsButton(CameraEntity, ButtonEntity):
    """Fresh Blink data now (cheap: one request when linked) and a new verdict."""

    entity_description = RUN_DIAGNOSTICS

    async def async_press(self) -> None:
        """Refresh; the verdict and the diagnosis follow."""
        await self.coordinator.async_refresh_now(configs_of=[self.serial])


class RunNetworkTestButton(InternetEntity, ButtonEntity):
    """Measure latency and speed now."""

    entity_description = RUN_NETWORK_TEST

    async def async_press(self) -> None:
        """Run the test (or join the one under way)."""
        await self.coordinator.async_run_network_test()


class TestTalkPathButton(CameraEntity, ButtonEntity):
    """Measure the camera's live view now (the talk-path test, within its rate limits)."""

    entity_description = TEST_TALK_PATH

    async def async_press(self) -> None:
        """Run the test; a refusal (a limit reached) is raised with when it may run again."""
        runtime = self.coordinator.config_entry.runtime_data
        await runtime.talk.async_run(self.serial, runtime.health)
