"""The home's internet: latency every 5 minutes, speed on its own schedule, or mirrored sensors."""

from __future__ import annotations

import asyncio
import socket
from datetime import datetime, timedelta

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    UnitOfDataRate,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import (
    CONF_LATENCY_HOST,
    CONF_LATENCY_PORT,
    CONF_MAX_DOWNLOAD_MB,
    CONF_MAX_UPLOAD_MB,
    CONF_MIRROR_DOWNLOAD,
    CONF_MIRROR_UPLOAD,
    CONF_SPEED_TEST_HOURS,
    DOMAIN,
    MAX_NETWORK_TESTS_PER_HOUR,
    SERVICE_DEVICE_PREFIX,
)

from .conftest import setup_own, state_of


def internet(hass: HomeAssistant, entry: ConfigEntry, key: str) -> str:
    """The state of one of the entry's Internet sensors."""
    entity_id = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"{SERVICE_DEVICE_PREFIX}{entry.entry_id}-{key}"
    )
    assert entity_id is not None, key
    return str(state_of(hass, entity_id))


async def settle(hass: HomeAssistant) -> None:
    await hass.async_block_till_done(wait_background_tasks=True)


async def reconfigure_options(hass: HomeAssistant, entry: ConfigEntry, **changes: object) -> None:
    """Change options and reload, as saving the options form does."""
    hass.config_entries.async_update_entry(entry, options={**entry.options, **changes})
    await hass.config_entries.async_reload(entry.entry_id)
    await settle(hass)


SPEED_SENSORS = ("download", "upload", "last_speed_test")


def free_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_latency_is_measured_against_blink_at_setup(
    hass: HomeAssistant, own_entry: ConfigEntry
) -> None:
    await settle(hass)
    assert float(internet(hass, own_entry, "latency")) >= 0
    assert float(internet(hass, own_entry, "jitter")) >= 0
    assert internet(hass, own_entry, "packet_loss") == "0.0"
    # No speed test at start-up: unknown until the first one.
    assert internet(hass, own_entry, "download") == STATE_UNKNOWN
    assert internet(hass, own_entry, "upload") == STATE_UNKNOWN
    assert internet(hass, own_entry, "last_speed_test") == STATE_UNKNOWN
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, f"{SERVICE_DEVICE_PREFIX}{own_entry.entry_id}"), own_entry.entry_id
    )
    assert device is not None
    assert device.entry_type is dr.DeviceEntryType.SERVICE


async def test_an_unreachable_target_reads_full_loss_and_unknown_latency(
    hass: HomeAssistant, own_entry: ConfigEntry
) -> None:
    await reconfigure_options(
        hass, own_entry, **{CONF_LATENCY_HOST: "127.0.0.1", CONF_LATENCY_PORT: free_port()}
    )
    assert internet(hass, own_entry, "packet_loss") == "100.0"
    assert internet(hass, own_entry, "latency") == STATE_UNKNOWN


async def test_a_network_test_measures_speed_and_a_second_request_joins_it(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    await settle(hass)
    network = own_entry.runtime_data.network
    blink_sim.world.clear_log()
    first, second = await asyncio.gather(
        network.async_run_network_test(), network.async_run_network_test()
    )
    assert first is second  # one test, two callers
    downloads = blink_sim.world.endpoint_counts().get("probe_down", 0)
    assert downloads >= 1
    await network.async_run_network_test()
    assert blink_sim.world.endpoint_counts()["probe_down"] == 2 * downloads  # a test each time

    await settle(hass)
    assert float(internet(hass, own_entry, "download")) > 1
    assert float(internet(hass, own_entry, "upload")) > 1
    tested = datetime.fromisoformat(internet(hass, own_entry, "last_speed_test"))
    assert dt_util.utcnow() - tested < timedelta(minutes=1)
    assert first.speed_test_bytes is not None
    assert first.speed_test_bytes <= (25 + 10) * 1_000_000


async def test_a_failed_speed_test_is_an_error_and_keeps_the_last_figures(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await settle(hass)
    await hass.services.async_call(DOMAIN, "run_network_test", {}, blocking=True)
    await settle(hass)
    before = {key: internet(hass, own_entry, key) for key in SPEED_SENSORS}
    assert float(before["download"]) > 1

    freezer.tick(timedelta(minutes=5))
    blink_sim.world.inject_fault("probe_down", status=503)
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(DOMAIN, "run_network_test", {}, blocking=True)
    assert raised.value.translation_key == "speed_test_failed"
    assert "http_503" in str(raised.value)  # the reason, in the translated message
    await settle(hass)
    # "Last speed test" and the figures stay those of the last test that worked.
    assert {key: internet(hass, own_entry, key) for key in SPEED_SENSORS} == before


async def test_a_latency_host_that_does_not_resolve_is_unknown_not_full_loss(
    hass: HomeAssistant,
    own_entry: ConfigEntry,
    unknown_names: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await reconfigure_options(hass, own_entry, **{CONF_LATENCY_HOST: "no-such-host.invalid"})
    # Nothing was sent, so nothing was lost: unknown, not "100 % packet loss".
    assert internet(hass, own_entry, "packet_loss") == STATE_UNKNOWN
    assert internet(hass, own_entry, "latency") == STATE_UNKNOWN
    assert "no-such-host.invalid does not resolve" in caplog.text
    # Asked for a network test, the action says why (the speed figures still arrive).
    with pytest.raises(HomeAssistantError) as raised:
        await hass.services.async_call(DOMAIN, "run_network_test", {}, blocking=True)
    assert raised.value.translation_key == "latency_host_unresolved"
    assert "no-such-host.invalid" in str(raised.value)
    await settle(hass)
    assert float(internet(hass, own_entry, "download")) > 1


async def test_network_tests_on_request_are_limited_per_hour(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    # Small tests, so that the limit is reached quickly.
    await reconfigure_options(hass, own_entry, **{CONF_MAX_DOWNLOAD_MB: 1, CONF_MAX_UPLOAD_MB: 1})
    button = er.async_get(hass).async_get_entity_id(
        "button", DOMAIN, f"{SERVICE_DEVICE_PREFIX}{own_entry.entry_id}-run_network_test"
    )
    assert button is not None
    for _ in range(MAX_NETWORK_TESTS_PER_HOUR):
        await hass.services.async_call(DOMAIN, "run_network_test", {}, blocking=True)
        freezer.tick(timedelta(minutes=1))
    tests_run = blink_sim.world.endpoint_counts()["probe_down"]

    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(DOMAIN, "run_network_test", {}, blocking=True)
    assert raised.value.translation_key == "network_test_rate_limited"
    assert "56 minutes" in str(raised.value)
    # The button goes through the same limit, and reloading the entry does not reset it.
    await hass.config_entries.async_reload(own_entry.entry_id)
    await settle(hass)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await settle(hass)
    assert blink_sim.world.endpoint_counts()["probe_down"] == tests_run  # nothing more pulled

    freezer.tick(timedelta(minutes=57))  # an hour after the first test
    await hass.services.async_call(DOMAIN, "run_network_test", {}, blocking=True)
    assert blink_sim.world.endpoint_counts()["probe_down"] > tests_run


async def test_speed_tests_follow_a_schedule_that_survives_a_restart(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await settle(hass)
    network = own_entry.runtime_data.network
    first_due = network.next_speed_test
    assert first_due is not None
    # Not at start-up: soon after the entry was added.
    assert timedelta(minutes=5) < first_due - dt_util.utcnow() <= timedelta(minutes=10)

    # A restart before it is due keeps the same time (neither repeated nor postponed).
    await hass.config_entries.async_reload(own_entry.entry_id)
    await settle(hass)
    network = own_entry.runtime_data.network
    assert network.next_speed_test == first_due
    assert blink_sim.world.endpoint_counts().get("probe_down", 0) == 0

    freezer.move_to(first_due + timedelta(seconds=1))
    async_fire_time_changed(hass)
    await settle(hass)
    assert blink_sim.world.endpoint_counts().get("probe_down", 0) >= 1
    assert network.next_speed_test is not None
    assert network.next_speed_test - dt_util.utcnow() > timedelta(hours=5, minutes=59)
    download = internet(hass, own_entry, "download")
    assert download != STATE_UNKNOWN

    # Its figures are kept across a restart too.
    await hass.config_entries.async_reload(own_entry.entry_id)
    await settle(hass)
    assert internet(hass, own_entry, "download") == download


async def test_manual_only_speed_tests_are_never_scheduled(
    hass: HomeAssistant, blink_sim: SimServer, freezer: FrozenDateTimeFactory
) -> None:
    entry = await setup_own(hass, blink_sim)
    await reconfigure_options(hass, entry, **{CONF_SPEED_TEST_HOURS: 0})
    assert entry.runtime_data.network.next_speed_test is None
    freezer.tick(timedelta(hours=7))
    async_fire_time_changed(hass)
    await settle(hass)
    assert blink_sim.world.endpoint_counts().get("probe_down", 0) == 0


async def test_mirrored_speed_sensors_replace_our_test(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    kbit = {ATTR_UNIT_OF_MEASUREMENT: UnitOfDataRate.KILOBITS_PER_SECOND}
    hass.states.async_set("sensor.speedtest_download", "85000", kbit)
    hass.states.async_set(
        "sensor.speedtest_upload",
        "1.5",
        {ATTR_UNIT_OF_MEASUREMENT: UnitOfDataRate.MEGABITS_PER_SECOND},
    )
    await reconfigure_options(
        hass,
        own_entry,
        **{
            CONF_MIRROR_DOWNLOAD: "sensor.speedtest_download",
            CONF_MIRROR_UPLOAD: "sensor.speedtest_upload",
        },
    )
    assert internet(hass, own_entry, "download") == "85.0"  # kbit/s converted to Mbit/s
    assert internet(hass, own_entry, "upload") == "1.5"
    assert own_entry.runtime_data.network.next_speed_test is None  # our own test is off

    hass.states.async_set("sensor.speedtest_download", "42000", kbit)
    await settle(hass)
    assert internet(hass, own_entry, "download") == "42.0"

    hass.states.async_set("sensor.speedtest_download", STATE_UNAVAILABLE, kbit)
    await settle(hass)
    assert internet(hass, own_entry, "download") == STATE_UNAVAILABLE

    await own_entry.runtime_data.network.async_run_network_test()
    assert blink_sim.world.endpoint_counts().get("probe_down", 0) == 0


async def test_a_speed_test_missed_while_stopped_waits_until_after_start_up(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await settle(hass)
    due = own_entry.runtime_data.network.next_speed_test
    assert due is not None
    await hass.config_entries.async_unload(own_entry.entry_id)
    freezer.move_to(due + timedelta(hours=1))  # Home Assistant was stopped at the due time
    await hass.config_entries.async_setup(own_entry.entry_id)
    await settle(hass)
    assert blink_sim.world.endpoint_counts().get("probe_down", 0) == 0
    rescheduled = own_entry.runtime_data.network.next_speed_test
    assert rescheduled is not None
    assert rescheduled - dt_util.utcnow() == timedelta(minutes=2)


async def test_the_run_network_test_action_returns_the_figures(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    await settle(hass)
    response = await hass.services.async_call(
        DOMAIN,
        "run_network_test",
        {"config_entry_id": own_entry.entry_id},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    (result,) = response["results"]  # type: ignore[misc]
    assert result["entry_id"] == own_entry.entry_id
    assert result["download_mbps"] > 1
    assert result["upload_mbps"] > 1
    assert result["packet_loss_pct"] == 0.0


async def test_the_run_network_test_action_refuses_a_wrong_entry(
    hass: HomeAssistant, own_entry: ConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN, "run_network_test", {"config_entry_id": "nope"}, blocking=True
        )
    assert raised.value.translation_key == "unknown_entry"
    await hass.config_entries.async_unload(own_entry.entry_id)
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(DOMAIN, "run_network_test", {}, blocking=True)
    assert raised.value.translation_key == "entry_not_loaded"


async def test_the_run_network_test_button(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    await settle(hass)
    button = er.async_get(hass).async_get_entity_id(
        "button", DOMAIN, f"{SERVICE_DEVICE_PREFIX}{own_entry.entry_id}-run_network_test"
    )
    assert button is not None
    await hass.services.async_call("button", "press", {"entity_id": button}, blocking=True)
    await settle(hass)
    assert blink_sim.world.endpoint_counts().get("probe_down", 0) >= 1
    assert internet(hass, own_entry, "download") != STATE_UNKNOWN
