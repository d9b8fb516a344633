"""Guided camera re-add against the simulator: delete, add back with a new id, entities kept."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_ON
from homeassistant.core import Event, HomeAssistant
from homeassistant.data_entry_flow import AbortFlow, FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor import async_remove_config_entry_device
from custom_components.blink_audio_doctor.const import DOMAIN, EVENT_RE_ADD
from custom_components.blink_audio_doctor.readd import (
    STATE_DELETED,
    STORAGE_KEY,
    async_get_re_adds,
    re_add_issue_id,
)
from custom_components.blink_audio_doctor.readd_flow import async_create_re_add_fix_flow

from .power_helpers import (
    HALLWAY,
    Plugs,
    async_map_plugs,
    async_setup_plugs,
    our_entity,
    re_add_record,
    settle,
    stored,
    tick,
)

# The simulator's clock follows Home Assistant's (see conftest.blink_sim_clock).
SIM_FOLLOWS_HASS_CLOCK = True


def re_add_events(hass: HomeAssistant) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []

    def record(event: Event) -> None:
        seen.append(dict(event.data))

    hass.bus.async_listen(EVENT_RE_ADD, record)
    return seen


def entities_of(hass: HomeAssistant, serial: str) -> dict[str, str]:
    return {
        entry.unique_id: entry.entity_id
        for entry in er.async_get(hass).entities.values()
        if entry.platform == DOMAIN and entry.unique_id.startswith(f"{serial}-")
    }


async def start_re_add(hass: HomeAssistant, serial: str, **data: Any) -> dict[str, Any]:
    sensor = our_entity(hass, "binary_sensor", serial, "online")
    response = await hass.services.async_call(
        DOMAIN,
        "re_add_camera",
        {"entity_id": sensor, **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def test_guided_re_add_end_to_end(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    any_entry: ConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    seen = re_add_events(hass)
    before = entities_of(hass, HALLWAY)
    assert before
    response = await start_re_add(hass, HALLWAY)
    tracking_id = response["tracking_id"]
    assert [step["step"] for step in response["steps"]] == [
        "delete",
        "restart",
        "add_back",
        "wait",
    ]
    assert HALLWAY in response["steps"][2]["text"]
    issue = issue_registry.async_get_issue(DOMAIN, re_add_issue_id(tracking_id))
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_key == "re_add_camera"
    tracker = async_get_re_adds(hass)
    old_id = tracker.open[tracking_id].camera_id
    assert old_id == "6000002"

    # Blink is asked every minute, in both modes (linked: with HA's Blink's sign-in as it is).
    wait = 61
    blink_sim.world.delete_camera(HALLWAY)
    blink_sim.world.clear_log()
    await tick(hass, freezer, wait)
    assert tracker.open[tracking_id].state == STATE_DELETED
    assert entities_of(hass, HALLWAY) == before  # kept while the camera is away
    # Asked Blink once in that minute, not more.
    assert blink_sim.world.endpoint_counts().get("homescreen", 0) == 1

    new_id = blink_sim.world.add_camera_back(HALLWAY)
    await tick(hass, freezer, wait)
    await hass.async_block_till_done()

    assert tracking_id not in tracker.open
    assert issue_registry.async_get_issue(DOMAIN, re_add_issue_id(tracking_id)) is None
    assert entities_of(hass, HALLWAY) == before
    finished = seen[-1]
    assert finished["type"] == "finished"
    assert finished["outcome"] == "completed"
    assert finished["old_camera_id"] == "6000002"
    assert finished["new_camera_id"] == str(new_id)
    notifications = hass.states.async_all("persistent_notification")
    assert notifications or hass.data.get("persistent_notification")  # notification created
    sensor = our_entity(hass, "binary_sensor", HALLWAY, "online")
    assert sensor is not None
    assert hass.states.get(sensor).state == STATE_ON  # type: ignore[union-attr]
    # Nothing polls once no re-add is open (after the one refresh that re-runs the diagnosis).
    await tick(hass, freezer, 15)
    blink_sim.world.clear_log()
    await tick(hass, freezer, 125, step=5)
    assert blink_sim.world.endpoint_counts().get("homescreen", 0) == 0


async def test_a_camera_being_re_added_cannot_be_deleted_from_home_assistant(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    await start_re_add(hass, HALLWAY)
    blink_sim.world.delete_camera(HALLWAY)
    await own_entry.runtime_data.account.async_refresh()
    device = er.async_get(hass).async_get(
        our_entity(hass, "binary_sensor", HALLWAY, "online") or ""
    )
    assert device is not None
    from homeassistant.helpers import device_registry as dr  # noqa: PLC0415

    hallway = dr.async_get(hass).async_get(device.device_id or "")
    assert hallway is not None
    assert not await async_remove_config_entry_device(hass, own_entry, hallway)


async def test_re_add_time_out_leaves_the_issue_open_as_not_seen_yet(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    seen = re_add_events(hass)
    tracking_id = (await start_re_add(hass, HALLWAY, timeout=300))["tracking_id"]
    blink_sim.world.delete_camera(HALLWAY)
    await tick(hass, freezer, 305, step=5)
    issue = issue_registry.async_get_issue(DOMAIN, re_add_issue_id(tracking_id))
    assert issue is not None
    assert issue.translation_key == "re_add_not_seen"
    assert seen[-1]["outcome"] == "timed_out"
    # No more minute checks; the next regular poll still notices the camera's return.
    blink_sim.world.add_camera_back(HALLWAY)
    blink_sim.world.clear_log()
    await tick(hass, freezer, 120, step=5)
    assert blink_sim.world.endpoint_counts().get("homescreen", 0) == 0
    await own_entry.runtime_data.account.async_refresh()
    await settle(hass)
    assert issue_registry.async_get_issue(DOMAIN, re_add_issue_id(tracking_id)) is None
    assert seen[-1]["outcome"] == "completed"


async def test_open_re_adds_survive_a_restart(
    hass: HomeAssistant, hass_storage: dict[str, Any], issue_registry: ir.IssueRegistry
) -> None:
    stored(hass_storage, STORAGE_KEY, {"open": [re_add_record()]})
    assert await async_setup_component(hass, DOMAIN, {})
    issue = issue_registry.async_get_issue(DOMAIN, re_add_issue_id("abc123"))
    assert issue is not None
    assert issue.translation_key == "re_add_camera"


async def test_the_repair_flow_walks_the_steps_and_restarts_through_the_plug(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
) -> None:
    plugs: Plugs = await async_setup_plugs(hass, blink_sim)
    await async_map_plugs(hass, own_entry, [HALLWAY])
    assert await async_setup_component(hass, "repairs", {})
    tracking_id = (await start_re_add(hass, HALLWAY))["tracking_id"]
    manager = repairs_flow_manager(hass)
    assert manager is not None

    result = await manager.async_init(DOMAIN, data={"issue_id": re_add_issue_id(tracking_id)})
    assert result["step_id"] == "delete"
    # Only the serial's last four characters are shown.
    assert result["description_placeholders"]["serial"] == HALLWAY[-4:]
    blink_sim.world.delete_camera(HALLWAY)
    result = await manager.async_configure(result["flow_id"], {})
    assert result["step_id"] == "restart_plug"
    result = await manager.async_configure(result["flow_id"], {})
    assert result["step_id"] == "add_back"
    await tick(hass, freezer, 15)  # the power cycle runs beside the flow
    assert plugs.power_log[:2] == [(HALLWAY, False), (HALLWAY, True)]

    # Not back yet: the flow says so and stays open.
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "not_seen_yet"}

    blink_sim.world.add_camera_back(HALLWAY)
    await tick(hass, freezer, 61)  # the next check may ask Blink again
    assert tracking_id not in async_get_re_adds(hass).open
    result = await manager.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await tick(hass, freezer, 70)


async def test_the_repair_flow_without_a_plug_gives_instructions(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    assert await async_setup_component(hass, "repairs", {})
    tracking_id = (await start_re_add(hass, HALLWAY))["tracking_id"]
    manager = repairs_flow_manager(hass)
    assert manager is not None
    result = await manager.async_init(DOMAIN, data={"issue_id": re_add_issue_id(tracking_id)})
    result = await manager.async_configure(result["flow_id"], {})
    assert result["step_id"] == "restart_manual"
    result = await manager.async_configure(result["flow_id"], {})
    assert result["step_id"] == "add_back"


async def test_repair_entry_points_and_a_flow_whose_re_add_is_gone(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    response = await async_get_re_adds(hass).async_start_serial(own_entry, HALLWAY)
    assert response["issue_id"] == re_add_issue_id(response["tracking_id"])
    flow = async_create_re_add_fix_flow(hass, "re_add_unknown", None)
    flow.hass = hass
    # Home Assistant's flow manager turns AbortFlow into the flow's abort with that reason.
    for step in (
        flow.async_step_init,
        flow.async_step_delete,
        flow.async_step_restart_plug,
        flow.async_step_restart_manual,
    ):
        with pytest.raises(AbortFlow, match="re_add_not_found"):
            await step()
    result = await flow.async_step_add_back()
    assert result["type"] is FlowResultType.CREATE_ENTRY  # nothing left to do
