"""Blink requests per hour: HA's Blink integration alone, with us linked, and us on our own.

Linked mode adds only the config reads of Minis and doorbells (their only Wi-Fi dBm): at most
two per device and hour with the default interval, none with the option at 0.
Run by `scripts/bench api-budget` (benchmarks/api_budget.py), not by the test suite.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import CONF_CONFIG_READ_MINUTES
from tests.integration.conftest import setup_core_blink, setup_linked, setup_own
from tests.integration.test_api_budget import requests_over

HOURS = 2
POLLS_PER_HOUR = 12


async def test_measure_requests_per_hour(
    hass: HomeAssistant, blink_sim: SimServer, freezer: FrozenDateTimeFactory
) -> None:
    """Count what the simulator receives over two simulated hours in each configuration."""
    blink_sim.world.set_token_lifetime(24 * 3600)  # token refreshes would blur the comparison
    polls = HOURS * POLLS_PER_HOUR
    core = await setup_core_blink(hass, blink_sim)
    core_requests = await requests_over(hass, blink_sim, freezer, polls)
    linked_entry = await setup_linked(hass, core)
    # The first config read starts in the background at setup; it belongs to no window.
    await hass.async_block_till_done(wait_background_tasks=True)
    linked_requests = await requests_over(hass, blink_sim, freezer, polls)
    flow = await hass.config_entries.options.async_init(linked_entry.entry_id)
    await hass.config_entries.options.async_configure(
        flow["flow_id"], {CONF_CONFIG_READ_MINUTES: 0}
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    linked_off_requests = await requests_over(hass, blink_sim, freezer, polls)
    await hass.config_entries.async_remove(linked_entry.entry_id)
    await hass.config_entries.async_remove(core.entry_id)
    await setup_own(hass, blink_sim)
    await hass.async_block_till_done(wait_background_tasks=True)
    own_requests = await requests_over(hass, blink_sim, freezer, polls)
    minis_and_doorbells = sum(
        c.family in ("owl", "lotus") for c in blink_sim.world.cameras.values()
    )
    result = {
        "simulated_hours": HOURS,
        "core_requests_per_hour": len(core_requests) / HOURS,
        "linked_requests_per_hour": len(linked_requests) / HOURS,
        "linked_extra_requests_per_hour": (len(linked_requests) - len(core_requests)) / HOURS,
        "linked_extra_requests_per_hour_reads_off": (len(linked_off_requests) - len(core_requests))
        / HOURS,
        "linked_extra_budget_per_hour": 2 * minis_and_doorbells,
        "own_requests_per_hour": len(own_requests) / HOURS,
        "cameras": len(blink_sim.world.cameras),
        "minis_and_doorbells": minis_and_doorbells,
    }
    output = Path(os.environ["BENCH_OUTPUT"])
    await hass.async_add_executor_job(output.write_text, json.dumps(result) + "\n")
