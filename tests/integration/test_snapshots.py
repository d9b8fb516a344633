"""Every platform's entities (registry entries and states) against the simulator's default world.

One platform at a time, in each mode, as Home Assistant core snapshots its integrations. A
renamed, added or removed entity, a changed unique ID, device class, unit, icon, translation
key or state shows up as a snapshot difference. Regenerate after an intended change with
`scripts/run pytest tests/integration/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import snapshot_platform
from pytest_homeassistant_custom_component.syrupy import (
    HomeAssistantSnapshotExtension,
    StateSnapshot,
)
from syrupy.assertion import SnapshotAssertion

import custom_components.blink_audio_doctor as integration
from blink_cloud_sim.server import SimServer

from .conftest import setup_core_blink, setup_linked, setup_own

FROZEN_AT = "2026-11-02T12:00:00+00:00"
# Measured over loopback at setup: a number whose value depends on the machine's load.
MEASURED = {"sensor.internet_latency", "sensor.internet_jitter"}
MEASURED_NUMBER = "<a measured number>"


def stable_values(entry_id: str) -> Callable[..., Any]:
    """A syrupy matcher for what differs from run to run, everything else compared as it is.

    The config entry's ID (random, part of the network entities' unique IDs) is written as
    `<entry_id>`; a measured figure's state as a placeholder when it is a number. Anything else
    in its place (unknown, unavailable, text) stays in the snapshot and fails the comparison.
    """

    def matcher(*, data: Any, path: tuple[Any, ...]) -> Any:
        if path and path[-1][0] == "unique_id" and isinstance(data, str):
            return data.replace(entry_id, "<entry_id>")
        if path or not isinstance(data, StateSnapshot) or data["entity_id"] not in MEASURED:
            return data
        try:
            number = float(data["state"])
        except ValueError:
            return data
        if not math.isfinite(number) or number < 0:
            return data
        return StateSnapshot(data | {"state": MEASURED_NUMBER})

    return matcher


def settle_blink_device_names(hass: HomeAssistant, core: ConfigEntry, sim: SimServer) -> None:
    """Give each camera's device in HA's Blink the camera's own name.

    HA's Blink names a camera's device "Garden" from some of its platforms and "blink Garden"
    from its sensor platform; the platform that finishes last wins. Our entities join that
    device and take their entity IDs from its name, so the snapshot fixes the race's outcome.
    """
    registry = dr.async_get(hass)
    names = {camera.serial: camera.name for camera in sim.world.cameras.values()}
    for device in dr.async_entries_for_config_entry(registry, core.entry_id):
        for domain, serial in device.identifiers:
            if domain == "blink" and serial in names:
                registry.async_update_device(device.id, name=names[serial])


@pytest.mark.parametrize("platform", [Platform.SENSOR, Platform.BINARY_SENSOR, Platform.BUTTON])
@pytest.mark.parametrize("mode", ["linked", "own"])
async def test_platform_snapshot(
    hass: HomeAssistant,
    blink_sim: SimServer,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    freezer: FrozenDateTimeFactory,
    platform: Platform,
    mode: str,
) -> None:
    """The platform's entities match the committed snapshot."""
    freezer.move_to(FROZEN_AT)
    with patch.object(integration, "PLATFORMS", [platform]):
        if mode == "linked":
            core = await setup_core_blink(hass, blink_sim)
            settle_blink_device_names(hass, core, blink_sim)
            entry = await setup_linked(hass, core)
        else:
            entry = await setup_own(hass, blink_sim)
        await hass.async_block_till_done(wait_background_tasks=True)
    # Home Assistant's serializer: registry entries and states as plain data, the registry's own
    # IDs (config entry, device) written as ANY; files go to snapshots/.
    snapshot = snapshot.use_extension(HomeAssistantSnapshotExtension).with_defaults(
        matcher=stable_values(entry.entry_id)
    )
    await snapshot_platform(hass, entity_registry, snapshot, entry.entry_id)
