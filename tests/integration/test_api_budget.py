"""Linked mode adds only the config reads of Minis and doorbells: the simulator's log says so."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from blink_cloud_sim.server import SimServer

from .conftest import setup_core_blink, setup_linked, setup_own

TWO_HOURS_OF_POLLS = 24  # HA's Blink integration polls every 300 s


async def requests_over(
    hass: HomeAssistant, sim: SimServer, freezer: FrozenDateTimeFactory, polls: int
) -> list[tuple[str, str]]:
    """Let `polls` poll intervals pass; return every request Blink received, in order."""
    sim.world.clear_log()
    for _ in range(polls):
        freezer.tick(timedelta(seconds=300))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
    # The simulator also plays the speed-test server (/__down, /__up); that is not Blink.
    return [
        (entry.method, entry.template)
        for entry in sim.world.request_log
        if entry.endpoint not in ("probe_down", "probe_up")
    ]


async def test_linked_mode_adds_only_config_reads_of_minis_and_doorbells(
    hass: HomeAssistant, blink_sim: SimServer, freezer: FrozenDateTimeFactory
) -> None:
    # Tokens that outlive both windows, so blinkpy's own token refresh (every 4 h by default)
    # falls in neither and the two windows are alike but for our integration.
    blink_sim.world.set_token_lifetime(24 * 3600)
    core = await setup_core_blink(hass, blink_sim)
    blink_alone = await requests_over(hass, blink_sim, freezer, TWO_HOURS_OF_POLLS)
    assert len(blink_alone) >= TWO_HOURS_OF_POLLS  # Blink itself was polled all along

    await setup_linked(hass, core)
    # The first config read starts in the background at setup, before the window.
    await hass.async_block_till_done(wait_background_tasks=True)
    with_doctor = await requests_over(hass, blink_sim, freezer, TWO_HOURS_OF_POLLS)

    assert not Counter(blink_alone) - Counter(with_doctor)  # Blink's own requests, unchanged
    ours = Counter(with_doctor) - Counter(blink_alone)
    assert set(ours) == {
        ("GET", "/api/v1/accounts/{account_id}/networks/{network_id}/owls/{camera_id}/config"),
        ("GET", "/api/v1/accounts/{account_id}/networks/{network_id}/doorbells/{camera_id}/config"),
    }
    # Two Minis (a Mini and a floodlight) and a doorbell, each read twice an hour at most.
    assert sum(ours.values()) <= 2 * 3 * 2


async def test_own_sign_in_polls_every_five_minutes_at_most(
    hass: HomeAssistant, blink_sim: SimServer, freezer: FrozenDateTimeFactory
) -> None:
    await setup_own(hass, blink_sim)
    requests = await requests_over(hass, blink_sim, freezer, TWO_HOURS_OF_POLLS)
    homescreens = [r for r in requests if r[1].endswith("/homescreen")]
    assert len(homescreens) == TWO_HOURS_OF_POLLS
    assert not [r for r in requests if r[1].startswith("/oauth/v2")]  # never signs in again
