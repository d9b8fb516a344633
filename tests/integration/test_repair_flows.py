"""Repair flows driven through Home Assistant's repairs flow manager, against the simulator.

What takes time (a power cycle, a network test) runs behind a progress step and ends on a step of
its own; a camera that is healthy again ends the flow with that news; a finished re-add leaves
HA's Blink integration alone until the user chooses to reload it.
"""

from __future__ import annotations

from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.persistent_notification import _async_get_or_create_notifications
from homeassistant.components.repairs import repairs_flow_manager
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import FlowManager, FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import DOMAIN
from custom_components.blink_audio_doctor.health import issue_id
from custom_components.blink_audio_doctor.readd import async_get_re_adds, re_add_issue_id

from .power_helpers import (
    GARDEN,
    HALLWAY,
    async_map_plugs,
    async_setup_plugs,
    our_entity,
    settle,
    start,
    tick,
)
from .test_entities import next_poll
from .test_health import healthy_start
from .test_readd import start_re_add

# The simulator's clock follows Home Assistant's (see conftest.blink_sim_clock).
SIM_FOLLOWS_HASS_CLOCK = True


@pytest.fixture(autouse=True)
def minis_report_wifi(blink_sim: SimServer) -> None:
    """The Hallway Mini's config carries its Wi-Fi in bars, as the one published sample does.

    Blink's homescreen has no Wi-Fi for Minis; without a config reading a Mini's weak Wi-Fi
    cannot be seen (tests/integration/test_device_configs.py covers both shapes).
    """
    blink_sim.world.set_device_config(HALLWAY, config_wifi="wifi")


async def open_fix_flow(
    hass: HomeAssistant, entry: ConfigEntry, serial: str
) -> tuple[FlowManager[Any, Any], str]:
    """Open the fix flow of a camera's "two-way audio likely broken" issue."""
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id(entry.entry_id, serial))
    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    menu = await manager.async_init(DOMAIN, data={"issue_id": issue_id(entry.entry_id, serial)})
    assert menu["type"] is FlowResultType.MENU
    return manager, menu["flow_id"]


async def weak_wifi(
    hass: HomeAssistant, sim: SimServer, freezer: FrozenDateTimeFactory, serial: str
) -> None:
    """A camera whose weak Wi-Fi has been measured twice: its issue is open."""
    sim.world.set_signals(serial, wifi_bars=1, wifi_dbm=-82)
    # A Mini's Wi-Fi comes from its config, read every 30 minutes or when someone asks.
    button = our_entity(hass, "button", serial, "run_diagnostics")
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await next_poll(hass, freezer)
    await next_poll(hass, freezer)


async def until_progress_ends(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    manager: FlowManager[Any, Any],
    flow_id: str,
) -> dict[str, Any]:
    """Let simulated time pass until the flow leaves its progress step; fetch it as the UI does."""
    for _ in range(400):
        if manager.async_get(flow_id)["step_id"] not in ("power_cycling", "network_testing"):
            break
        await tick(hass, freezer, 1)
    result: dict[str, Any] = await manager.async_configure(flow_id)
    return result


async def press_power_cycle_now(
    hass: HomeAssistant, sim: SimServer, freezer: FrozenDateTimeFactory, entry: ConfigEntry
) -> tuple[FlowManager[Any, Any], str, dict[str, Any]]:
    """The unhealthy Hallway Mini's fix flow: "Restart the camera" with "power-cycle now".

    Returns the flow and the dialog's answer, which comes at once while the cycle runs on.
    """
    await async_map_plugs(hass, entry, [HALLWAY])
    await healthy_start(hass, entry)
    await weak_wifi(hass, sim, freezer, HALLWAY)
    manager, flow_id = await open_fix_flow(hass, entry, HALLWAY)
    step = await manager.async_configure(flow_id, {"next_step_id": "restart_camera"})
    assert step["data_schema"].schema.keys() == {"power_cycle_now"}
    pressed = start(hass, manager.async_configure(flow_id, {"power_cycle_now": True}))
    await settle(hass)
    assert pressed.done(), "the dialog waits for the whole power cycle"
    return manager, flow_id, pressed.result()


async def test_a_power_cycle_shows_progress_then_its_own_result(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
) -> None:
    plugs = await async_setup_plugs(hass, blink_sim)
    # The dialog answers at once with a progress step; the cycle runs on.
    manager, flow_id, progress = await press_power_cycle_now(hass, blink_sim, freezer, own_entry)
    assert progress["type"] is FlowResultType.SHOW_PROGRESS
    assert progress["progress_action"] == "power_cycling"
    assert progress["description_placeholders"]["plug"] == "switch.hallway_plug"

    result = await until_progress_ends(hass, freezer, manager, flow_id)
    assert plugs.power_log[:2] == [(HALLWAY, False), (HALLWAY, True)]
    # Back online after the Mini's boot (Blink asked 31 s and 62 s after power-on); the Wi-Fi
    # is still weak, so the result says so and the flow goes on.
    # A result only explains: it ends with "Back to the list" or "Done".
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["init", "done"]
    assert result["step_id"] == "power_cycle_online"
    assert int(result["description_placeholders"]["seconds"]) == pytest.approx(62, abs=2)
    assert "1" in result["description_placeholders"]["findings"]

    menu = await manager.async_configure(flow_id, {"next_step_id": "init"})
    assert menu["type"] is FlowResultType.MENU
    # Another step shows no result of its own, and none left over from the cycle.
    step = await manager.async_configure(flow_id, {"next_step_id": "internet_speed"})
    assert step["description_placeholders"]["result"] == ""


async def test_a_power_cycle_that_mends_the_camera_ends_the_flow_with_that_news(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    await async_setup_plugs(hass, blink_sim)
    manager, flow_id, _ = await press_power_cycle_now(hass, blink_sim, freezer, own_entry)
    blink_sim.world.set_signals(HALLWAY, wifi_bars=4, wifi_dbm=-58)  # the restart helped

    done = await until_progress_ends(hass, freezer, manager, flow_id)
    assert done["type"] is FlowResultType.CREATE_ENTRY
    assert done["description"] == "back_online_healthy"
    assert done["description_placeholders"]["name"] == "Hallway"
    assert int(done["description_placeholders"]["seconds"]) == pytest.approx(62, abs=2)
    assert issue_registry.async_get_issue(DOMAIN, issue_id(own_entry.entry_id, HALLWAY)) is None


async def test_a_plug_that_does_not_switch_is_the_power_cycles_own_result(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
) -> None:
    plugs = await async_setup_plugs(hass, blink_sim)
    plugs.ignore_off.add("hallway_plug")
    manager, flow_id, _ = await press_power_cycle_now(hass, blink_sim, freezer, own_entry)

    result = await until_progress_ends(hass, freezer, manager, flow_id)
    assert result["step_id"] == "power_cycle_plug_failed"
    assert result["description_placeholders"]["plug"] == "switch.hallway_plug"
    assert plugs.power_log == []


async def test_a_network_test_shows_progress_then_its_figures(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
) -> None:
    await healthy_start(hass, own_entry)
    await weak_wifi(hass, blink_sim, freezer, GARDEN)
    manager, flow_id = await open_fix_flow(hass, own_entry, GARDEN)
    await manager.async_configure(flow_id, {"next_step_id": "internet_speed"})
    blink_sim.world.clear_log()

    progress = await manager.async_configure(flow_id, {"run_network_test_now": True})
    assert progress["type"] is FlowResultType.SHOW_PROGRESS
    assert progress["progress_action"] == "network_testing"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert blink_sim.world.endpoint_counts().get("probe_down", 0) >= 1

    result = await until_progress_ends(hass, freezer, manager, flow_id)
    assert result["step_id"] == "network_test_done"
    assert "Mbit/s" in result["description_placeholders"]["measured"]
    assert "3" in result["description_placeholders"]["findings"]  # Wi-Fi still below 3 bars

    # The test's figures stay on its own step: the next fix shows no leftover result.
    await manager.async_configure(flow_id, {"next_step_id": "init"})
    step = await manager.async_configure(flow_id, {"next_step_id": "restart_camera"})
    assert step["description_placeholders"]["result"] == ""


async def test_starting_a_re_add_ends_the_fix_flow_pointing_to_the_re_add(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
) -> None:
    await healthy_start(hass, own_entry)
    await weak_wifi(hass, blink_sim, freezer, GARDEN)
    manager, flow_id = await open_fix_flow(hass, own_entry, GARDEN)
    await manager.async_configure(flow_id, {"next_step_id": "re_add_camera"})
    result = await manager.async_configure(flow_id, {"start_re_add_now": True})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "re_add_started"
    assert result["description_placeholders"] == {"name": "Garden"}
    assert async_get_re_adds(hass).serials(own_entry.entry_id) == {GARDEN}


async def re_add_garden(hass: HomeAssistant, sim: SimServer, freezer: FrozenDateTimeFactory) -> str:
    """A guided re-add of the Garden camera (a Sync Module camera), finished by itself."""
    tracking_id = str((await start_re_add(hass, GARDEN))["tracking_id"])
    sim.world.delete_camera(GARDEN)
    await tick(hass, freezer, 61)
    sim.world.add_camera_back(GARDEN)
    await tick(hass, freezer, 61)
    await hass.async_block_till_done()
    assert tracking_id not in async_get_re_adds(hass).open
    return tracking_id


@pytest.mark.parametrize("choice", ["reload_blink", "reload_later"])
async def test_a_finished_re_add_reloads_home_assistants_blink_only_when_the_user_chooses(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    core_blink: ConfigEntry,
    linked_entry: ConfigEntry,
    issue_registry: ir.IssueRegistry,
    choice: str,
) -> None:
    blink_data = core_blink.runtime_data
    blink_states: list[ConfigEntryState] = []

    @callback
    def state_changed() -> None:
        blink_states.append(core_blink.state)

    core_blink.async_on_state_change(state_changed)
    tracking_id = await re_add_garden(hass, blink_sim, freezer)
    await tick(hass, freezer, 30)

    # Finished, and HA's Blink was left as it was: loaded, never set up again.
    assert core_blink.state is ConfigEntryState.LOADED
    assert core_blink.runtime_data is blink_data
    assert blink_states == []
    # Its blinkpy object has no camera object for the new camera id, so the re-add asks.
    issue = issue_registry.async_get_issue(DOMAIN, re_add_issue_id(tracking_id))
    assert issue is not None
    assert issue.translation_key == "re_add_blink_reload"
    note = _async_get_or_create_notifications(hass)[f"{DOMAIN}_re_add_{tracking_id}"]
    assert "sign in to Blink again" in note["message"]  # the risk, and how to reload later

    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    menu = await manager.async_init(DOMAIN, data={"issue_id": re_add_issue_id(tracking_id)})
    assert menu["type"] is FlowResultType.MENU
    assert menu["step_id"] == "blink_reload"
    assert menu["menu_options"] == ["reload_blink", "reload_later"]
    assert menu["description_placeholders"] == {"name": "Garden"}

    done = await manager.async_configure(menu["flow_id"], {"next_step_id": choice})
    await hass.async_block_till_done()
    assert done["type"] is FlowResultType.CREATE_ENTRY
    assert issue_registry.async_get_issue(DOMAIN, re_add_issue_id(tracking_id)) is None
    if choice == "reload_blink":
        assert blink_states  # set up again, as the user chose
        assert core_blink.runtime_data is not blink_data
        assert done["description"] == "blink_reloaded"
        assert done["description_placeholders"] == {"name": "Garden"}
    else:
        assert blink_states == []
        assert core_blink.runtime_data is blink_data
        assert done["description"] == "reload_later"


async def test_a_re_added_mini_needs_no_reload_of_home_assistants_blink(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    core_blink: ConfigEntry,
    linked_entry: ConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    # blinkpy refreshes a Mini from the homescreen by name, so it follows the new camera id.
    blink_data = core_blink.runtime_data
    tracking_id = str((await start_re_add(hass, HALLWAY))["tracking_id"])
    blink_sim.world.delete_camera(HALLWAY)
    await tick(hass, freezer, 61)
    blink_sim.world.add_camera_back(HALLWAY)
    await tick(hass, freezer, 61)
    await hass.async_block_till_done()
    assert tracking_id not in async_get_re_adds(hass).open
    assert issue_registry.async_get_issue(DOMAIN, re_add_issue_id(tracking_id)) is None
    assert core_blink.runtime_data is blink_data


async def test_explaining_steps_end_with_back_or_done_and_fit_a_battery_camera(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
) -> None:
    await healthy_start(hass, own_entry)
    await weak_wifi(hass, blink_sim, freezer, GARDEN)
    manager, flow_id = await open_fix_flow(hass, own_entry, GARDEN)

    # The Outdoor camera runs on batteries: its restart says nothing about smart plugs.
    step = await manager.async_configure(flow_id, {"next_step_id": "restart_camera"})
    assert step["type"] is FlowResultType.MENU
    assert step["step_id"] == "restart_battery_camera"
    assert step["menu_options"] == ["init", "done"]
    texts = await async_get_translations(hass, "en", "issues", [DOMAIN])
    prefix = f"component.{DOMAIN}.issues.camera_unhealthy.fix_flow.step.restart_battery_camera"
    assert "plug" not in texts[f"{prefix}.description"]
    assert "10 seconds" in texts[f"{prefix}.description"]

    # "Back to the list", then a step that only explains ends with "Done".
    menu = await manager.async_configure(flow_id, {"next_step_id": "init"})
    assert menu["step_id"] == "init"
    step = await manager.async_configure(flow_id, {"next_step_id": "re_add_camera"})
    assert step["description_placeholders"]["serial"] == GARDEN[-4:]  # never the full serial
    await manager.async_configure(flow_id, {"start_re_add_now": False})
    step = await manager.async_configure(flow_id, {"next_step_id": "obstructions"})
    assert step["menu_options"] == ["init", "done"]
    done = await manager.async_configure(flow_id, {"next_step_id": "done"})
    assert done["type"] is FlowResultType.ABORT
    assert done["reason"] == "done"
    # Closing the list is not a fix: the repair stays until the camera is healthy again.
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id(own_entry.entry_id, GARDEN))
