"""Signal entities against the simulator, in both modes: states, updates, faults, devices."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from blinkpy.auth import Auth
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntry, ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor import async_remove_config_entry_device
from custom_components.blink_audio_doctor.const import DOMAIN
from custom_components.blink_audio_doctor.coordinator import source_issue_id

from .conftest import state_of

GARDEN = "G8T20000OUT00001"  # Outdoor camera on the Sync Module
HALLWAY = "G8T30000MINI0001"  # Mini
FRONT_DOOR = "G8T40000DOOR0001"  # Video Doorbell
DRIVEWAY = "G8T50000FLOOD001"  # Wired Floodlight
SYNC_MODULE = "G8T10000SM000001"


def entity_id(hass: HomeAssistant, platform: str, serial: str, key: str) -> str | None:
    """Our entity of a device, found by its serial-based unique id."""
    return er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{serial}-{key}")


def state(hass: HomeAssistant, platform: str, serial: str, key: str) -> str:
    found = entity_id(hass, platform, serial, key)
    assert found is not None, f"no {platform} {key} for {serial}"
    return str(state_of(hass, found))


async def next_poll(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let five minutes pass: HA's Blink integration (or our own session) polls once."""
    freezer.tick(timedelta(seconds=301))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def assert_scenario_states(hass: HomeAssistant) -> None:
    """The default scenario, as the entities must show it."""
    assert state(hass, "sensor", GARDEN, "wifi_signal") == "-58"
    assert state(hass, "sensor", GARDEN, "wifi_bars") == "4"
    assert state(hass, "sensor", GARDEN, "sync_link_bars") == "5"
    assert state(hass, "binary_sensor", GARDEN, "online") == STATE_ON
    # Blink's homescreen carries no Wi-Fi reading for Minis, doorbells and floodlights.
    for serial in (HALLWAY, FRONT_DOOR, DRIVEWAY):
        bars = entity_id(hass, "sensor", serial, "wifi_bars")
        assert bars is None or state_of(hass, bars) == STATE_UNKNOWN
        assert state(hass, "binary_sensor", serial, "online") == STATE_ON
        assert entity_id(hass, "sensor", serial, "sync_link_bars") is None
    # A doorbell's config endpoint gives its Wi-Fi in dBm (its sensor appears with the first
    # reading, a little after start-up); the Mini's and the floodlight's configs here carry no
    # Wi-Fi field at all.
    doorbell_dbm = entity_id(hass, "sensor", FRONT_DOOR, "wifi_signal")
    assert doorbell_dbm is None or state_of(hass, doorbell_dbm) == "-54"
    assert entity_id(hass, "sensor", HALLWAY, "wifi_signal") is None
    assert entity_id(hass, "sensor", DRIVEWAY, "wifi_signal") is None
    assert state(hass, "binary_sensor", SYNC_MODULE, "online") == STATE_ON
    assert state(hass, "sensor", SYNC_MODULE, "wifi_bars") == "4"
    heartbeat = datetime.fromisoformat(state(hass, "sensor", SYNC_MODULE, "last_heartbeat"))
    assert heartbeat.tzinfo is not None


async def test_linked_entities_show_the_scenario_on_blinks_devices(
    hass: HomeAssistant, linked_entry: ConfigEntry, core_blink: ConfigEntry
) -> None:
    assert_scenario_states(hass)
    # Our entities join the devices HA's Blink integration made (keyed by serial).
    device = er.async_get(hass).async_get(entity_id(hass, "sensor", GARDEN, "wifi_bars") or "")
    assert device is not None
    blink_device = dr.async_get(hass).async_get(device.device_id or "")
    assert blink_device is not None
    assert ("blink", GARDEN) in blink_device.identifiers
    assert blink_device.config_entry_id == core_blink.entry_id


async def test_own_sign_in_entities_show_the_scenario_on_own_devices(
    hass: HomeAssistant, own_entry: ConfigEntry
) -> None:
    assert_scenario_states(hass)
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, GARDEN), own_entry.entry_id)
    assert device is not None
    assert device.manufacturer == "Blink"
    assert device.name == "Garden"


async def test_a_signal_change_reaches_the_entities_at_the_next_refresh(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    any_entry: ConfigEntry,
) -> None:
    blink_sim.world.set_signals(GARDEN, wifi_bars=1, wifi_dbm=-82, lfr_bars=2)
    blink_sim.world.set_status(HALLWAY, online=False)
    assert state(hass, "sensor", GARDEN, "wifi_bars") == "4"  # nothing polled yet

    await next_poll(hass, freezer)

    assert state(hass, "sensor", GARDEN, "wifi_signal") == "-82"
    assert state(hass, "sensor", GARDEN, "wifi_bars") == "1"
    assert state(hass, "sensor", GARDEN, "sync_link_bars") == "2"
    assert state(hass, "binary_sensor", HALLWAY, "online") == STATE_OFF


async def test_a_camera_without_a_dbm_reading_shows_unknown(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
) -> None:
    blink_sim.world.set_signals(GARDEN, wifi_dbm=-255)  # Blink's "no reading"
    await next_poll(hass, freezer)
    assert state(hass, "sensor", GARDEN, "wifi_signal") == STATE_UNKNOWN
    assert state(hass, "sensor", GARDEN, "wifi_bars") == "4"


async def test_own_sign_in_refused_token_starts_reauth_without_signing_in(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
) -> None:
    blink_sim.world.clear_log()
    blink_sim.world.inject_fault("homescreen", status=401)
    await next_poll(hass, freezer)

    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    counts = blink_sim.world.endpoint_counts()
    assert counts.get("oauth_signin", 0) == 0
    assert counts.get("oauth_signin_page", 0) == 0
    assert counts.get("oauth_authorize", 0) == 0
    assert state(hass, "sensor", GARDEN, "wifi_bars") == STATE_UNAVAILABLE


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 429},
        {"status": 500},
        {"status": 503},
        {"malformed": True},
    ],
    ids=["429", "500", "503", "malformed"],
)
async def test_own_sign_in_blink_faults_make_entities_unavailable_until_the_next_good_poll(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
    fault: dict[str, object],
    caplog: pytest.LogCaptureFixture,
) -> None:
    blink_sim.world.inject_fault("homescreen", count=1, **fault)  # type: ignore[arg-type]
    await next_poll(hass, freezer)
    assert state(hass, "sensor", GARDEN, "wifi_bars") == STATE_UNAVAILABLE
    assert own_entry.state is ConfigEntryState.LOADED
    assert "Unexpected error" not in caplog.text  # handled, not escaped

    await next_poll(hass, freezer)
    assert state(hass, "sensor", GARDEN, "wifi_bars") == "4"


async def test_cameras_leaving_and_joining_the_account_get_entities_without_reload(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
) -> None:
    blink_sim.world.delete_camera(HALLWAY)
    await next_poll(hass, freezer)
    assert entity_id(hass, "binary_sensor", HALLWAY, "online") is None
    assert (
        dr.async_get(hass).async_get_device_by_identifier((DOMAIN, HALLWAY), own_entry.entry_id)
        is None
    )

    blink_sim.world.add_camera_back(HALLWAY)
    await next_poll(hass, freezer)
    assert state(hass, "binary_sensor", HALLWAY, "online") == STATE_ON


async def test_linked_entities_follow_the_blink_entry_through_unload_and_reload(
    hass: HomeAssistant,
    linked_entry: ConfigEntry,
    core_blink: ConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    await hass.config_entries.async_unload(core_blink.entry_id)
    await hass.async_block_till_done()
    assert state(hass, "sensor", GARDEN, "wifi_bars") == STATE_UNAVAILABLE
    issue = issue_registry.async_get_issue(DOMAIN, source_issue_id(linked_entry.entry_id))
    assert issue is not None
    assert issue.translation_key == "blink_entry_not_loaded"

    assert await hass.config_entries.async_setup(core_blink.entry_id)
    await hass.async_block_till_done()
    assert state(hass, "sensor", GARDEN, "wifi_bars") == "4"
    assert issue_registry.async_get_issue(DOMAIN, source_issue_id(linked_entry.entry_id)) is None


async def test_linked_entities_go_unavailable_when_blinks_refresh_fails(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    linked_entry: ConfigEntry,
) -> None:
    blink_sim.world.inject_fault("homescreen", status=503, count=1)
    await next_poll(hass, freezer)
    assert state(hass, "sensor", GARDEN, "wifi_bars") == STATE_UNAVAILABLE
    await next_poll(hass, freezer)
    assert state(hass, "sensor", GARDEN, "wifi_bars") == "4"


async def test_linked_entry_whose_blink_entry_was_removed_says_so(
    hass: HomeAssistant,
    linked_entry: ConfigEntry,
    core_blink: ConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    await hass.config_entries.async_remove(core_blink.entry_id)
    await hass.config_entries.async_reload(linked_entry.entry_id)
    await hass.async_block_till_done()
    assert linked_entry.state is ConfigEntryState.LOADED
    issue = issue_registry.async_get_issue(DOMAIN, source_issue_id(linked_entry.entry_id))
    assert issue is not None
    assert issue.translation_key == "blink_entry_missing"


async def test_unload_and_reload_leave_nothing_behind(
    hass: HomeAssistant, any_entry: ConfigEntry
) -> None:
    # The test plugin fails the test if a listener, task or timer outlives it.
    entry = any_entry
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert state(hass, "sensor", GARDEN, "wifi_bars") == STATE_UNAVAILABLE
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert state(hass, "sensor", GARDEN, "wifi_bars") == "4"


async def test_own_sign_in_time_out_makes_entities_unavailable(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # blinkpy waits 10 s for an answer; a frozen test clock would never get there, so this
    # test runs on real time with that wait shortened (blinkpy binds it as a default argument).
    defaults = list(Auth.query.__defaults__ or ())
    position = Auth.query.__code__.co_varnames.index("timeout") - 1  # minus self
    defaults[position - (Auth.query.__code__.co_argcount - 1 - len(defaults))] = 0.3
    monkeypatch.setattr(Auth.query, "__defaults__", tuple(defaults))
    blink_sim.world.inject_fault("homescreen", timeout=True, count=1)
    account = own_entry.runtime_data.account
    await account.async_refresh()
    await hass.async_block_till_done()
    assert state(hass, "sensor", GARDEN, "wifi_bars") == STATE_UNAVAILABLE
    await account.async_refresh()
    await hass.async_block_till_done()
    assert state(hass, "sensor", GARDEN, "wifi_bars") == "4"


async def test_own_sign_in_with_a_refused_refresh_token_asks_to_sign_in_again(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    await hass.config_entries.async_unload(own_entry.entry_id)
    blink_sim.world.refresh_tokens.clear()  # Blink forgot our session (e.g. device removed)
    blink_sim.world.clear_log()
    await hass.config_entries.async_setup(own_entry.entry_id)
    await hass.async_block_till_done()

    assert own_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    # Never a password sign-in in the background (it could send the user a PIN at night).
    assert not [e for e in blink_sim.world.request_log if e.template.startswith("/oauth/v2")]


@pytest.mark.parametrize("fault", [{"status": 503}, {"status": 429}])
async def test_own_sign_in_start_while_blink_is_down_retries_later(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry, fault: dict[str, int]
) -> None:
    await hass.config_entries.async_unload(own_entry.entry_id)
    blink_sim.world.inject_fault("oauth_token", **fault)
    await hass.config_entries.async_setup(own_entry.entry_id)
    await hass.async_block_till_done()
    assert own_entry.state is ConfigEntryState.SETUP_RETRY
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)  # not a reauth


async def test_own_sign_in_start_with_a_broken_homescreen_retries_later(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    await hass.config_entries.async_unload(own_entry.entry_id)
    blink_sim.world.inject_fault("homescreen", malformed=True)
    await hass.config_entries.async_setup(own_entry.entry_id)
    await hass.async_block_till_done()
    assert own_entry.state is ConfigEntryState.SETUP_RETRY


async def test_rotated_tokens_are_stored_at_once(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    before = own_entry.data["login"]["refresh_token"]
    await hass.config_entries.async_reload(own_entry.entry_id)
    await hass.async_block_till_done()
    after = own_entry.data["login"]["refresh_token"]
    assert after != before  # the start-up refresh rotated it, and the new one was saved
    # The old one is now refused by Blink: only the stored one keeps the session alive.
    assert blink_sim.world.refresh_tokens[before].used
    assert not blink_sim.world.refresh_tokens[after].used


async def test_only_devices_gone_from_the_account_can_be_deleted(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    own_entry: ConfigEntry,
) -> None:
    registry = dr.async_get(hass)
    garden = registry.async_get_device_by_identifier((DOMAIN, GARDEN), own_entry.entry_id)
    assert garden is not None
    assert not await async_remove_config_entry_device(hass, own_entry, garden)
    blink_sim.world.delete_camera(GARDEN)
    await own_entry.runtime_data.account.async_refresh()
    assert await async_remove_config_entry_device(hass, own_entry, garden)


async def test_deleting_the_entry_clears_its_repair_issue(
    hass: HomeAssistant,
    linked_entry: ConfigEntry,
    core_blink: ConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    await hass.config_entries.async_unload(core_blink.entry_id)
    await hass.async_block_till_done()
    issue_id = source_issue_id(linked_entry.entry_id)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is not None
    await hass.config_entries.async_remove(linked_entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_linked_entry_reading_an_unexpected_blink_shape_says_so(
    hass: HomeAssistant,
    linked_entry: ConfigEntry,
    core_blink: ConfigEntry,
    issue_registry: ir.IssueRegistry,
) -> None:
    coordinator = core_blink.runtime_data
    # A future HA Blink integration that keeps the blinkpy object somewhere else.
    core_blink.runtime_data = SimpleNamespace(api=coordinator.api)
    await linked_entry.runtime_data.account.async_refresh()
    assert state(hass, "sensor", GARDEN, "wifi_bars") == STATE_UNAVAILABLE
    issue = issue_registry.async_get_issue(DOMAIN, source_issue_id(linked_entry.entry_id))
    assert issue is not None
    assert issue.translation_key == "blink_unexpected_shape"

    core_blink.runtime_data = coordinator
    await linked_entry.runtime_data.account.async_refresh()
    assert state(hass, "sensor", GARDEN, "wifi_bars") == "4"
    assert issue_registry.async_get_issue(DOMAIN, source_issue_id(linked_entry.entry_id)) is None


async def test_own_devices_name_the_model(hass: HomeAssistant, own_entry: ConfigEntry) -> None:
    registry = dr.async_get(hass)
    mini = registry.async_get_device_by_identifier((DOMAIN, HALLWAY), own_entry.entry_id)
    sync_module = registry.async_get_device_by_identifier((DOMAIN, SYNC_MODULE), own_entry.entry_id)
    assert mini is not None
    assert sync_module is not None
    assert mini.model == "Blink Mini"
    assert mini.sw_version == "9.77"
    assert sync_module.model == "Sync Module"
