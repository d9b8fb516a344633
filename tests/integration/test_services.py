"""Bad input to the actions: a translated ServiceValidationError each, and no plug switches."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import area_registry as ar
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import floor_registry as fr
from homeassistant.helpers import label_registry as lr

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import CONF_PLUGS, DOMAIN

from .power_helpers import (
    DRIVEWAY,
    FRONT_DOOR,
    GARDEN,
    HALLWAY,
    SYNC_MODULE,
    Plugs,
    async_map_plugs,
    our_entity,
)

# The simulator's clock follows Home Assistant's (see conftest.blink_sim_clock).
SIM_FOLLOWS_HASS_CLOCK = True


def online_sensor(hass: HomeAssistant, serial: str) -> str:
    entity_id = our_entity(hass, "binary_sensor", serial, "online")
    assert entity_id is not None
    return entity_id


async def refused(
    hass: HomeAssistant, service: str, data: dict[str, Any], plugs: Plugs | None = None
) -> ServiceValidationError:
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(DOMAIN, service, data, blocking=True, return_response=True)
    assert err.value.translation_domain == DOMAIN
    # The message comes from translations/en.json, not the bare key.
    assert str(err.value) != err.value.translation_key
    if plugs is not None:
        assert plugs.power_log == []
        assert {plugs.state(serial) for serial in (HALLWAY, DRIVEWAY, SYNC_MODULE)} <= {
            STATE_ON,
            "unavailable",
        }
    return err.value


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"off_seconds": 4}, "off_seconds_out_of_range"),
        ({"off_seconds": 601}, "off_seconds_out_of_range"),
        ({"timeout": 10}, "timeout_out_of_range"),
        ({"timeout": 7200}, "timeout_out_of_range"),
    ],
)
async def test_out_of_range_fields(
    hass: HomeAssistant, any_entry: ConfigEntry, plugs: Plugs, data: dict[str, Any], key: str
) -> None:
    await async_map_plugs(hass, any_entry, [HALLWAY])
    err = await refused(
        hass, "power_cycle", {"entity_id": online_sensor(hass, HALLWAY), **data}, plugs
    )
    assert err.translation_key == key


@pytest.mark.parametrize("serial", [GARDEN, FRONT_DOOR])
async def test_battery_devices_are_told_to_take_the_batteries_out(
    hass: HomeAssistant, own_entry: ConfigEntry, plugs: Plugs, serial: str
) -> None:
    err = await refused(hass, "power_cycle", {"entity_id": online_sensor(hass, serial)}, plugs)
    assert err.translation_key == "battery_device"
    assert "batteries" in str(err)


async def test_device_without_a_plug(
    hass: HomeAssistant, own_entry: ConfigEntry, plugs: Plugs
) -> None:
    err = await refused(hass, "power_cycle", {"entity_id": online_sensor(hass, DRIVEWAY)}, plugs)
    assert err.translation_key == "no_plug_mapped"


async def test_plug_missing_or_unavailable(
    hass: HomeAssistant, own_entry: ConfigEntry, plugs: Plugs
) -> None:
    hass.config_entries.async_update_entry(
        own_entry, options={**own_entry.options, CONF_PLUGS: {HALLWAY: "switch.nowhere"}}
    )
    err = await refused(hass, "power_cycle", {"entity_id": online_sensor(hass, HALLWAY)}, plugs)
    assert err.translation_key == "plug_missing"

    await async_map_plugs(hass, own_entry, [HALLWAY])
    await plugs.set_reachable(HALLWAY, False)
    err = await refused(hass, "power_cycle", {"entity_id": online_sensor(hass, HALLWAY)}, plugs)
    assert err.translation_key == "plug_unavailable"


async def test_targets_that_are_not_ours_or_unknown(
    hass: HomeAssistant, linked_entry: ConfigEntry, core_blink: ConfigEntry, plugs: Plugs
) -> None:
    await async_map_plugs(hass, linked_entry, [HALLWAY])
    # An entity of another integration, and a device of another integration.
    err = await refused(hass, "power_cycle", {"entity_id": "switch.hallway_plug"}, plugs)
    assert err.translation_key == "target_not_ours"
    # An entity without a registry entry, and our own "Internet" service device's entity.
    err = await refused(
        hass, "power_cycle", {"entity_id": "input_boolean.hallway_plug_power"}, plugs
    )
    assert err.translation_key == "target_not_ours"
    internet = next(
        entry.entity_id
        for entry in er.async_get(hass).entities.values()
        if entry.platform == DOMAIN and entry.unique_id.startswith("internet_")
    )
    err = await refused(hass, "power_cycle", {"entity_id": internet}, plugs)
    assert err.translation_key == "target_not_ours"
    template_device = dr.async_get(hass).async_get_or_create(
        config_entry_id=core_blink.entry_id, identifiers={("elsewhere", "x")}, name="Other"
    )
    other_entry = await _other_entry(hass)
    other = dr.async_get(hass).async_get_or_create(
        config_entry_id=other_entry.entry_id, identifiers={("other", "1")}, name="Other"
    )
    err = await refused(hass, "power_cycle", {"device_id": other.id}, plugs)
    assert err.translation_key == "target_not_ours"
    err = await refused(hass, "power_cycle", {"device_id": template_device.id}, plugs)
    assert err.translation_key == "target_not_ours"
    # Unknown device and entity ids.
    err = await refused(hass, "power_cycle", {"device_id": "no-such-device"}, plugs)
    assert err.translation_key == "unknown_device"
    err = await refused(hass, "power_cycle", {"entity_id": "binary_sensor.nothing"}, plugs)
    assert err.translation_key == "unknown_device"
    # No target; two devices at once.
    err = await refused(hass, "power_cycle", {}, plugs)
    assert err.translation_key == "no_target"
    two = [online_sensor(hass, HALLWAY), online_sensor(hass, DRIVEWAY)]
    err = await refused(hass, "power_cycle", {"entity_id": two}, plugs)
    assert err.translation_key == "one_device_only"


async def _other_entry(hass: HomeAssistant) -> ConfigEntry:
    from pytest_homeassistant_custom_component.common import MockConfigEntry  # noqa: PLC0415

    entry = MockConfigEntry(domain="other")
    entry.add_to_hass(hass)
    return entry


async def test_blinks_device_in_linked_mode_is_a_valid_target(
    hass: HomeAssistant, linked_entry: ConfigEntry, core_blink: ConfigEntry, plugs: Plugs
) -> None:
    device = dr.async_get(hass).async_get_device_by_identifier(
        ("blink", GARDEN), core_blink.entry_id
    )
    assert device is not None
    err = await refused(hass, "power_cycle", {"device_id": device.id}, plugs)
    assert err.translation_key == "battery_device"  # resolved to Garden, then refused


async def test_a_device_gone_from_the_account(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry, plugs: Plugs
) -> None:
    await async_map_plugs(hass, own_entry, [HALLWAY])
    sensor = online_sensor(hass, HALLWAY)
    blink_sim.world.delete_camera(HALLWAY)
    await own_entry.runtime_data.account.async_refresh()
    assert er.async_get(hass).async_get(sensor) is None  # our clean-up removed the entity
    err = await refused(hass, "power_cycle", {"entity_id": sensor}, plugs)
    assert err.translation_key == "unknown_device"


async def test_entry_not_loaded(hass: HomeAssistant, own_entry: ConfigEntry, plugs: Plugs) -> None:
    await async_map_plugs(hass, own_entry, [HALLWAY])
    sensor = online_sensor(hass, HALLWAY)
    assert await hass.config_entries.async_unload(own_entry.entry_id)
    err = await refused(hass, "power_cycle", {"entity_id": sensor}, plugs)
    assert err.translation_key == "entry_not_loaded"


async def test_re_add_bad_input(hass: HomeAssistant, own_entry: ConfigEntry, plugs: Plugs) -> None:
    sync_module = online_sensor(hass, SYNC_MODULE)
    err = await refused(hass, "re_add_camera", {"entity_id": sync_module}, plugs)
    assert err.translation_key == "re_add_not_a_camera"
    # Only a camera can be re-added, so an empty target asks for one (not a Sync Module).
    err = await refused(hass, "re_add_camera", {}, plugs)
    assert str(err).startswith("Choose a Blink camera:")
    garden = online_sensor(hass, GARDEN)
    err = await refused(hass, "re_add_camera", {"entity_id": garden, "timeout": 10}, plugs)
    assert err.translation_key == "re_add_timeout_out_of_range"
    response = await hass.services.async_call(
        DOMAIN, "re_add_camera", {"entity_id": garden}, blocking=True, return_response=True
    )
    assert response is not None
    err = await refused(hass, "re_add_camera", {"entity_id": garden}, plugs)
    assert err.translation_key == "re_add_already_open"


def device_of(hass: HomeAssistant, serial: str) -> str:
    """The device our entities of a camera or Sync Module belong to (Blink's when linked)."""
    entity = er.async_get(hass).async_get(online_sensor(hass, serial))
    assert entity is not None
    assert entity.device_id is not None
    return entity.device_id


async def diagnosed(hass: HomeAssistant, target: dict[str, Any]) -> set[str]:
    """Serials of the cameras run_diagnostics reports for a target."""
    response = await hass.services.async_call(
        DOMAIN, "run_diagnostics", target, blocking=True, return_response=True
    )
    assert response is not None
    return {camera["serial"] for camera in response["cameras"]}  # type: ignore[index, union-attr]


async def test_areas_floors_and_labels_reach_the_blink_cameras_in_them(
    hass: HomeAssistant, any_entry: ConfigEntry, plugs: Plugs
) -> None:
    floor = fr.async_get(hass).async_create("Ground floor")
    garden = ar.async_get(hass).async_create("Garden", floor_id=floor.floor_id)
    label = lr.async_get(hass).async_create("Outdoor")
    devices = dr.async_get(hass)
    devices.async_update_device(device_of(hass, GARDEN), area_id=garden.id)
    devices.async_update_device(device_of(hass, DRIVEWAY), labels={label.label_id})

    assert await diagnosed(hass, {"area_id": garden.id}) == {GARDEN}
    assert await diagnosed(hass, {"floor_id": floor.floor_id}) == {GARDEN}
    assert await diagnosed(hass, {"label_id": label.label_id}) == {DRIVEWAY}
    assert await diagnosed(hass, {"area_id": garden.id, "label_id": label.label_id}) == {
        GARDEN,
        DRIVEWAY,
    }
    # power_cycle resolves the area to Garden, then refuses: it runs on batteries.
    err = await refused(hass, "power_cycle", {"area_id": garden.id}, plugs)
    assert err.translation_key == "battery_device"
    # Two cameras where the action takes one.
    err = await refused(
        hass, "power_cycle", {"floor_id": floor.floor_id, "label_id": label.label_id}, plugs
    )
    assert err.translation_key == "one_device_only"


async def test_a_target_without_a_blink_camera_is_refused(
    hass: HomeAssistant, own_entry: ConfigEntry, plugs: Plugs
) -> None:
    empty = ar.async_get(hass).async_create("Attic")
    # The plugs are in the kitchen: an area with devices and entities, none of them Blink's.
    kitchen = ar.async_get(hass).async_create("Kitchen")
    for serial in (HALLWAY, DRIVEWAY):
        er.async_get(hass).async_update_entity(plugs.entity(serial), area_id=kitchen.id)
    for target in ({"area_id": empty.id}, {"area_id": kitchen.id}, {"label_id": "no_such_label"}):
        err = await refused(hass, "power_cycle", target, plugs)
        assert err.translation_key == "no_blink_device_in_target"
        assert "no Blink camera" in str(err)
        err = await refused(hass, "run_diagnostics", target)
        assert err.translation_key == "no_blink_device_in_target"


async def test_device_targets_use_no_deprecated_registry_api(
    hass: HomeAssistant,
    linked_entry: ConfigEntry,
    core_blink: ConfigEntry,
    plugs: Plugs,
    caplog: pytest.LogCaptureFixture,
) -> None:
    device = dr.async_get(hass).async_get_device_by_identifier(
        ("blink", GARDEN), core_blink.entry_id
    )
    assert device is not None
    caplog.clear()
    err = await refused(hass, "power_cycle", {"device_id": device.id}, plugs)
    assert err.translation_key == "battery_device"
    assert "deprecated" not in caplog.text
