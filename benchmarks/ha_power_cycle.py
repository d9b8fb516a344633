"""Power-cycle overhead: how much longer a cycle takes than off_seconds + the device's boot.

Run by `scripts/bench power-cycle` (benchmarks/power_cycle.py), not by the test suite. Real time:
the simulator's clock is the monotonic clock, a real HA `template` switch powers the simulated
Mini, and the power_cycle action runs with wait_for_online. The Mini's boot time is set to 30 s,
so that it is up when the action first asks Blink (31 s after power-on, its poll interval): the
overhead then measures the action itself (storage, switching and verifying the plug, the status
request, events), not the waiting between status requests, which is reported separately.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import DOMAIN, STATUS_POLL_SECONDS
from tests.integration.conftest import setup_own
from tests.integration.power_helpers import (
    HALLWAY,
    async_map_plugs,
    async_setup_plugs,
    our_entity,
)

OFF_SECONDS = 5
BOOT_SECONDS = 30


@pytest.fixture
def blink_sim_clock() -> Callable[[], float]:
    """Real time: boots take real seconds."""
    return time.monotonic


async def test_measure_power_cycle_overhead(hass: HomeAssistant, blink_sim: SimServer) -> None:
    """One power cycle of the Mini in own sign-in mode, timed with the wall clock."""
    entry = await setup_own(hass, blink_sim)
    plugs = await async_setup_plugs(hass, blink_sim)
    await async_map_plugs(hass, entry, [HALLWAY])
    blink_sim.world.device(HALLWAY).boot_seconds = BOOT_SECONDS
    sensor = our_entity(hass, "binary_sensor", HALLWAY, "online")
    started = time.perf_counter()
    response = await hass.services.async_call(
        DOMAIN,
        "power_cycle",
        {"entity_id": sensor, "off_seconds": OFF_SECONDS},
        blocking=True,
        return_response=True,
    )
    duration = time.perf_counter() - started
    if response is None or response["came_back_online"] is not True:
        pytest.fail(f"the Mini did not come back online: {response}")
    if plugs.power_log != [(HALLWAY, False), (HALLWAY, True)]:
        pytest.fail(f"the plug did not cycle once: {plugs.power_log}")
    result = {
        "overhead_s": round(duration - (OFF_SECONDS + BOOT_SECONDS), 3),
        "duration_s": round(duration, 3),
        "off_seconds": OFF_SECONDS,
        "boot_seconds": BOOT_SECONDS,
        "seconds_to_online": response["seconds_to_online"],
        "status_poll_seconds": STATUS_POLL_SECONDS,
        "worst_case_extra_wait_s": STATUS_POLL_SECONDS,
        "mode": "own",
    }
    output = Path(os.environ["BENCH_OUTPUT"])
    await hass.async_add_executor_job(output.write_text, json.dumps(result) + "\n")
