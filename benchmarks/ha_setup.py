"""Setup time (1, 10, 50, 200 cameras) and memory (50 cameras): HA's Blink alone, then ours.

Run by `scripts/bench setup` and `scripts/bench memory` (benchmarks/setup.py, memory.py), not by
the test suite. Each size runs in its own Home Assistant (a test per size) against a simulator
world of that many cameras; linked mode, real HTTP over loopback.
"""

from __future__ import annotations

import gc
import json
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant

from blink_cloud_sim import SimServer, make_world
from blink_cloud_sim.harness import redirect_blinkpy
from tests.integration.conftest import setup_core_blink, setup_linked

SIZES = [1, 10, 50, 200]
MEMORY_SIZE = 50


@pytest.fixture(params=SIZES)
async def sized_sim(
    request: pytest.FixtureRequest, socket_enabled: None
) -> AsyncIterator[SimServer]:
    """A simulator with request.param sync-module cameras, blinkpy pointed at it."""
    server = SimServer(make_world(num_cameras=request.param))
    await server.start()
    try:
        with redirect_blinkpy(server.url, skip_throttle=True):
            yield server
    finally:
        await server.stop()


def _rss_mb() -> float:
    """This process's resident memory, in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1_000_000


def _record(key: str, size: int, value: object) -> None:
    output = Path(os.environ["BENCH_OUTPUT"])
    data = json.loads(output.read_text()) if output.exists() else {}
    data.setdefault(key, {})[str(size)] = value
    output.write_text(json.dumps(data) + "\n")


async def test_setup_time_and_memory(hass: HomeAssistant, sized_sim: SimServer) -> None:
    """Time HA's Blink setup, then ours on top of it; the memory ours adds at 50 cameras."""
    size = len(sized_sim.world.cameras)
    gc.collect()
    started = time.perf_counter()
    core = await setup_core_blink(hass, sized_sim)
    blink_s = time.perf_counter() - started
    gc.collect()
    before = _rss_mb()
    started = time.perf_counter()
    await setup_linked(hass, core)
    await hass.async_block_till_done()
    doctor_s = time.perf_counter() - started
    gc.collect()
    added_mb = _rss_mb() - before
    assert len(hass.states.async_entity_ids("binary_sensor")) >= size  # our entities exist
    await hass.async_add_executor_job(
        _record, "setup_s", size, {"blink": round(blink_s, 3), "doctor": round(doctor_s, 3)}
    )
    if size == MEMORY_SIZE:
        await hass.async_add_executor_job(_record, "memory_mb", size, round(added_mb, 1))
