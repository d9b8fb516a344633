"""Two-way audio health through the simulator: verdicts, diagnosis, repairs, notifications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import persistent_notification
from homeassistant.components.persistent_notification import _async_get_or_create_notifications
from homeassistant.components.repairs import DOMAIN as REPAIRS_DOMAIN
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
    UnitOfDataRate,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import (
    CONF_MIRROR_LATENCY,
    CONF_MIRROR_UPLOAD,
    CONF_NOTIFICATIONS,
    DOMAIN,
)
from custom_components.blink_audio_doctor.health import issue_id, notification_id

from .conftest import setup_own
from .power_helpers import tick
from .test_entities import GARDEN, HALLWAY, SYNC_MODULE, next_poll, state


async def healthy_start(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Measure the internet once, so every check has its figures."""
    await hass.async_block_till_done(wait_background_tasks=True)
    await entry.runtime_data.network.async_run_network_test()
    await hass.async_block_till_done(wait_background_tasks=True)


def verdict(hass: HomeAssistant, serial: str) -> str:
    return state(hass, "binary_sensor", serial, "two_way_audio")


def diagnosis(hass: HomeAssistant, serial: str) -> str:
    return state(hass, "sensor", serial, "diagnosis")


def issue(hass: HomeAssistant, entry: ConfigEntry, serial: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id(entry.entry_id, serial))


def notification(hass: HomeAssistant, entry: ConfigEntry, serial: str) -> Any:
    return _async_get_or_create_notifications(hass).get(notification_id(entry.entry_id, serial))


async def test_a_healthy_home_is_healthy(hass: HomeAssistant, any_entry: ConfigEntry) -> None:
    # Until the internet is measured the doctor does not guess.
    await hass.async_block_till_done(wait_background_tasks=True)
    assert verdict(hass, GARDEN) == STATE_UNKNOWN
    assert diagnosis(hass, GARDEN) == "unknown"
    await healthy_start(hass, any_entry)
    for serial in (GARDEN, HALLWAY, "G8T40000DOOR0001", "G8T50000FLOOD001"):
        assert verdict(hass, serial) == STATE_ON
        assert diagnosis(hass, serial) == "ok"
        assert issue(hass, any_entry, serial) is None


async def _break(sim: SimServer, cause: str) -> str:
    """Make one thing wrong in the simulated home; return the camera that suffers."""
    world = sim.world
    if cause == "weak_wifi":
        world.set_signals(GARDEN, wifi_bars=1, wifi_dbm=-82)
    elif cause == "weak_sync_link":
        world.set_signals(GARDEN, lfr_bars=1)
    elif cause == "camera_offline":
        world.set_status(HALLWAY, online=False)
        return HALLWAY
    elif cause == "sync_module_offline":
        world.set_sync_module(SYNC_MODULE, online=False)
    return GARDEN


def _mend(sim: SimServer, cause: str) -> None:
    world = sim.world
    if cause in ("weak_wifi", "weak_sync_link"):
        world.set_signals(GARDEN, wifi_bars=4, wifi_dbm=-58, lfr_bars=5)
    elif cause == "camera_offline":
        world.set_status(HALLWAY, online=True)
    elif cause == "sync_module_offline":
        world.set_sync_module(SYNC_MODULE, online=True)


@pytest.mark.parametrize(
    ("cause", "code"),
    [
        ("weak_wifi", "weak_wifi"),
        ("weak_sync_link", "weak_sync_link"),
        ("camera_offline", "camera_offline"),
        # While its Sync Module is offline Blink reports the camera offline as well.
        ("sync_module_offline", "camera_offline"),
    ],
)
async def test_a_blink_cause_raises_one_alarm_and_clears_when_mended(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    cause: str,
    code: str,
) -> None:
    await healthy_start(hass, own_entry)
    camera = await _break(blink_sim, cause)

    await next_poll(hass, freezer)  # one bad evaluation: measured, not yet an alarm
    assert diagnosis(hass, camera) == code
    assert verdict(hass, camera) == STATE_ON
    assert issue(hass, own_entry, camera) is None

    await next_poll(hass, freezer)  # it holds: now it is one
    assert verdict(hass, camera) == STATE_OFF
    raised = issue(hass, own_entry, camera)
    assert raised is not None
    assert raised.is_fixable
    assert raised.translation_key == "camera_unhealthy"
    assert raised.translation_placeholders is not None
    assert raised.translation_placeholders["name"] in ("Garden", "Hallway")
    note = notification(hass, own_entry, camera)
    assert note is not None
    assert "/config/repairs" in note["message"]

    await next_poll(hass, freezer)  # still bad: no second notification
    assert notification(hass, own_entry, camera) is note

    _mend(blink_sim, cause)
    await next_poll(hass, freezer)  # one good evaluation recovers
    assert verdict(hass, camera) == STATE_ON
    assert diagnosis(hass, camera) == "ok"
    assert issue(hass, own_entry, camera) is None
    assert notification(hass, own_entry, camera) is None


@pytest.mark.parametrize(
    ("option", "entity_id", "value", "unit", "code"),
    [
        (
            CONF_MIRROR_UPLOAD,
            "sensor.isp_upload",
            "0.8",
            UnitOfDataRate.MEGABITS_PER_SECOND,
            "slow_upload",
        ),
        (CONF_MIRROR_LATENCY, "sensor.isp_ping", "250", UnitOfTime.MILLISECONDS, "high_latency"),
    ],
)
async def test_a_network_cause_reaches_every_camera(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    option: str,
    entity_id: str,
    value: str,
    unit: str,
    code: str,
) -> None:
    await healthy_start(hass, own_entry)
    hass.states.async_set(entity_id, value, {ATTR_UNIT_OF_MEASUREMENT: unit})
    hass.config_entries.async_update_entry(
        own_entry, options={**own_entry.options, option: entity_id}
    )
    await hass.config_entries.async_reload(own_entry.entry_id)
    await healthy_start(hass, own_entry)
    await next_poll(hass, freezer)
    await next_poll(hass, freezer)
    for serial in (GARDEN, HALLWAY):
        assert diagnosis(hass, serial) == code
        assert verdict(hass, serial) == STATE_OFF
        assert issue(hass, own_entry, serial) is not None

    hass.states.async_set(
        entity_id, "5" if code == "slow_upload" else "30", {ATTR_UNIT_OF_MEASUREMENT: unit}
    )
    await hass.async_block_till_done()
    # New network figures recover the cameras without waiting for Blink's next poll.
    assert verdict(hass, GARDEN) == STATE_ON
    assert issue(hass, own_entry, GARDEN) is None


@pytest.mark.parametrize("blink_sim_scenario", ["families"])
async def test_models_without_a_speaker_are_unsupported_and_raise_nothing(
    hass: HomeAssistant, blink_sim: SimServer, freezer: FrozenDateTimeFactory
) -> None:
    entry = await setup_own(hass, blink_sim)
    await healthy_start(hass, entry)
    await next_poll(hass, freezer)
    await next_poll(hass, freezer)
    white = next(c for c in blink_sim.world.cameras.values() if c.type == "white")
    assert verdict(hass, white.serial) == STATE_OFF
    assert diagnosis(hass, white.serial) == "unsupported_model"
    assert issue(hass, entry, white.serial) is None


async def test_an_unknown_model_is_judged_as_its_family(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await healthy_start(hass, own_entry)
    blink_sim.world.cameras[HALLWAY].type = "sedona"  # a type this version does not list
    await next_poll(hass, freezer)
    await next_poll(hass, freezer)
    # Listed under the homescreen's owls, it is judged as a Mini rather than left unknown.
    assert verdict(hass, HALLWAY) == STATE_ON
    assert diagnosis(hass, HALLWAY) == "ok"
    blink_sim.world.cameras[HALLWAY].online = False
    await next_poll(hass, freezer)
    assert diagnosis(hass, HALLWAY) == "camera_offline"


async def test_flapping_raises_no_notification_storm(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await healthy_start(hass, own_entry)
    created: list[str] = []
    hass.bus.async_listen(
        "persistent_notifications_updated", lambda event: created.append(event.event_type)
    )
    for _ in range(6):
        blink_sim.world.set_signals(GARDEN, wifi_bars=1)
        await next_poll(hass, freezer)
        blink_sim.world.set_signals(GARDEN, wifi_bars=4)
        await next_poll(hass, freezer)
    assert notification(hass, own_entry, GARDEN) is None
    assert issue(hass, own_entry, GARDEN) is None
    assert verdict(hass, GARDEN) == STATE_ON


async def weak_garden(hass: HomeAssistant, sim: SimServer, freezer: FrozenDateTimeFactory) -> None:
    """The Garden camera's Wi-Fi is weak for two polls in a row: it is reported unhealthy."""
    sim.world.set_signals(GARDEN, wifi_bars=1, wifi_dbm=-82)
    await next_poll(hass, freezer)
    await next_poll(hass, freezer)
    assert verdict(hass, GARDEN) == STATE_OFF


async def test_an_alarm_survives_a_restart_without_a_false_recovery_or_repeat(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await healthy_start(hass, own_entry)
    await weak_garden(hass, blink_sim, freezer)
    persistent = _async_get_or_create_notifications(hass)
    persistent.pop(notification_id(own_entry.entry_id, GARDEN))  # seen and dismissed by the user

    await hass.config_entries.async_reload(own_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert verdict(hass, GARDEN) == STATE_OFF  # no "recovered" blip
    assert issue(hass, own_entry, GARDEN) is not None
    assert notification(hass, own_entry, GARDEN) is None  # no repeat for the same alarm


async def test_a_dismissed_notification_stays_dismissed_when_a_reading_drops_out(
    hass: HomeAssistant,
    blink_sim: SimServer,
    any_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await healthy_start(hass, any_entry)
    await weak_garden(hass, blink_sim, freezer)
    assert notification(hass, any_entry, GARDEN) is not None
    persistent_notification.async_dismiss(hass, notification_id(any_entry.entry_id, GARDEN))

    # The camera stops reporting its Wi-Fi for a poll: the doctor cannot tell...
    garden = blink_sim.world.cameras[GARDEN]
    garden.wifi_bars, garden.wifi_dbm = None, -255
    await next_poll(hass, freezer)
    assert verdict(hass, GARDEN) == STATE_UNKNOWN
    # ...then reports the same weak signal again: still the same alarm, no second notice.
    blink_sim.world.set_signals(GARDEN, wifi_bars=1, wifi_dbm=-82)
    await next_poll(hass, freezer)
    assert verdict(hass, GARDEN) == STATE_OFF
    assert issue(hass, any_entry, GARDEN) is not None
    assert notification(hass, any_entry, GARDEN) is None

    # Healthy again ends the alarm; the next one is news again.
    blink_sim.world.set_signals(GARDEN, wifi_bars=4, wifi_dbm=-58)
    await next_poll(hass, freezer)
    assert verdict(hass, GARDEN) == STATE_ON
    await weak_garden(hass, blink_sim, freezer)
    assert notification(hass, any_entry, GARDEN) is not None


async def test_notifications_can_be_turned_off(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    hass.config_entries.async_update_entry(own_entry, options={CONF_NOTIFICATIONS: False})
    await hass.config_entries.async_reload(own_entry.entry_id)
    await healthy_start(hass, own_entry)
    blink_sim.world.set_signals(GARDEN, wifi_bars=1)
    await next_poll(hass, freezer)
    await next_poll(hass, freezer)
    assert issue(hass, own_entry, GARDEN) is not None
    assert notification(hass, own_entry, GARDEN) is None


async def _open_fix_flow(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: ConfigEntry, serial: str
) -> tuple[Any, dict[str, Any]]:
    assert await async_setup_component(hass, REPAIRS_DOMAIN, {})
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix",
        json={"handler": DOMAIN, "issue_id": issue_id(entry.entry_id, serial)},
    )
    assert response.status == 200, await response.text()
    return client, await response.json()


async def _step(client: Any, flow_id: str, data: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(f"/api/repairs/issues/fix/{flow_id}", json=data)
    assert response.status == 200, await response.text()
    result: dict[str, Any] = await response.json()
    return result


async def test_the_fix_flow_puts_measured_causes_first_and_checks_again(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    hass_client: ClientSessionGenerator,
) -> None:
    await healthy_start(hass, own_entry)
    await weak_garden(hass, blink_sim, freezer)
    client, menu = await _open_fix_flow(hass, hass_client, own_entry, GARDEN)

    assert menu["type"] == "menu"
    assert menu["menu_options"] == [
        "obstructions",  # weak Wi-Fi was measured: it comes first
        "test_talk_path",  # then the live-view test, which measures the path Talk takes
        "push_to_talk",
        "microphone_access",
        "restart_camera",
        "internet_speed",
        "re_add_camera",
        "reinstall_app",
        "check_again",
    ]
    assert menu["description_placeholders"]["name"] == "Garden"
    assert "1" in menu["description_placeholders"]["findings"]
    assert "3" in menu["description_placeholders"]["findings"]

    # A step that only explains offers "Back to the list" and "Done".
    step = await _step(client, menu["flow_id"], {"next_step_id": "obstructions"})
    assert step["type"] == "menu"
    assert step["menu_options"] == ["init", "done"]
    assert "-82 dBm" in step["description_placeholders"]["measured"]
    menu = await _step(client, menu["flow_id"], {"next_step_id": "init"})
    assert menu["type"] == "menu"

    # The network test can be run from its step.
    step = await _step(client, menu["flow_id"], {"next_step_id": "internet_speed"})
    assert [field["name"] for field in step["data_schema"]] == ["run_network_test_now"]
    blink_sim.world.clear_log()
    step = await _step(client, menu["flow_id"], {"run_network_test_now": True})
    assert step["type"] == "progress"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert blink_sim.world.endpoint_counts().get("probe_down", 0) >= 1
    # As the frontend does when told the progress ended: fetch the flow.
    response = await client.get(f"/api/repairs/issues/fix/{menu['flow_id']}")
    step = await response.json()
    assert step["step_id"] == "network_test_done"
    menu = await _step(client, menu["flow_id"], {"next_step_id": "init"})
    assert menu["type"] == "menu"

    # A battery camera cannot be power-cycled from here: the step only explains.
    step = await _step(client, menu["flow_id"], {"next_step_id": "restart_camera"})
    assert step["type"] == "menu"
    assert step["step_id"] == "restart_battery_camera"
    menu = await _step(client, menu["flow_id"], {"next_step_id": "init"})

    # Check again while still weak: it says what remains.
    step = await _step(client, menu["flow_id"], {"next_step_id": "check_again"})
    assert step["type"] == "menu"
    assert step["step_id"] == "check_again"
    menu = await _step(client, menu["flow_id"], {"next_step_id": "init"})
    assert menu["type"] == "menu"

    # Fixed: check again ends the flow and the issue is gone.
    blink_sim.world.set_signals(GARDEN, wifi_bars=4, wifi_dbm=-58)
    done = await _step(client, menu["flow_id"], {"next_step_id": "check_again"})
    assert done["type"] == "create_entry"
    assert done["description"] == "healthy_again"
    await hass.async_block_till_done()
    assert issue(hass, own_entry, GARDEN) is None
    assert verdict(hass, GARDEN) == STATE_ON


async def _diagnostics(hass: HomeAssistant, data: dict[str, Any]) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, "run_diagnostics", data, blocking=True, return_response=True
    )
    assert response is not None
    return dict(response)


async def test_run_diagnostics_reports_each_camera_with_values_and_fix_order(
    hass: HomeAssistant,
    blink_sim: SimServer,
    any_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await healthy_start(hass, any_entry)
    blink_sim.world.set_signals(GARDEN, wifi_bars=1, wifi_dbm=-82)
    garden = state_entity(hass, GARDEN)
    # Linked mode asks HA's Blink, which refreshes once its scan interval has passed.
    freezer.tick(timedelta(seconds=301))
    report = await _diagnostics(hass, {"entity_id": garden})
    # Fresh data was fetched for the report: the weak Wi-Fi is measured at once.
    (camera,) = report["cameras"]
    assert camera["name"] == "Garden"
    assert camera["diagnosis"] == "weak_wifi"
    weak = camera["findings"][0]
    assert weak["code"] == "weak_wifi"
    assert weak["measured"] in (1, -82)
    assert weak["threshold"] in (3, -70)
    assert camera["fix_order"][0] == "obstructions"
    assert report["network"][0]["download_mbps"] > 1

    everything = await _diagnostics(hass, {})
    assert {c["name"] for c in everything["cameras"]} == {
        "Garden",
        "Hallway",
        "Front Door",
        "Driveway",
    }
    # A Sync Module as target: the report of the cameras on its network (all four here).
    blink_sim.world.delete_camera("G8T40000DOOR0001")
    await tick(hass, freezer, 301, step=5)  # HA's Blink polls (its last refresh was just now)
    sync_sensor = our_id(hass, "binary_sensor", SYNC_MODULE, "online")
    on_sync = await _diagnostics(hass, {"entity_id": sync_sensor})
    assert {c["name"] for c in on_sync["cameras"]} == {"Garden", "Hallway", "Driveway"}


async def test_the_run_diagnostics_button_refreshes_the_verdict(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
) -> None:
    await healthy_start(hass, own_entry)
    blink_sim.world.set_status(HALLWAY, online=False)
    button = our_id(hass, "button", HALLWAY, "run_diagnostics")
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await hass.async_block_till_done()
    assert diagnosis(hass, HALLWAY) == "camera_offline"


def our_id(hass: HomeAssistant, platform: str, serial: str, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{serial}-{key}")
    assert entity_id is not None
    return entity_id


def state_entity(hass: HomeAssistant, serial: str) -> str:
    return our_id(hass, "binary_sensor", serial, "two_way_audio")
