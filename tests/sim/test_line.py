"""The probe endpoints shaped like a home line: our real speed and latency probes read its figures.

The demo's internet tiles show what these probes measure against the simulator, so the figures
must land within 10 % of the scenario's `line:` block, within a few seconds each.
"""

from __future__ import annotations

import time

import aiohttp
import pytest

from blink_cloud_sim.line import Line
from blink_cloud_sim.server import SimServer
from blink_cloud_sim.world import World
from custom_components.blink_audio_doctor.doctor.probes import measure_latency
from custom_components.blink_audio_doctor.doctor.speed import measure_download, measure_upload

# Real sockets on 127.0.0.1 (pytest-socket allows only the loopback).
pytestmark = pytest.mark.usefixtures("socket_enabled")

TOLERANCE = 0.10
# A whole speed test (all rounds) on a 100 Mbit/s line stays within a few seconds.
MAX_TEST_SECONDS = 6.0


def _within(measured: float | None, wanted: float) -> bool:
    return measured is not None and abs(measured - wanted) <= wanted * TOLERANCE


@pytest.mark.parametrize(
    ("scenario", "down", "up"), [("demo", 100.0, 20.0), ("slow_upload", 100.0, 1.0)]
)
async def test_speed_test_reads_the_scenarios_line(scenario: str, down: float, up: float) -> None:
    world = World.from_scenario(scenario)
    assert world.line == Line(down_mbps=down, up_mbps=up, rtt_ms=25.0)
    async with SimServer(world) as sim, aiohttp.ClientSession() as session:
        started = time.perf_counter()
        download = await measure_download(session, sim.url)
        took_down = time.perf_counter() - started
        started = time.perf_counter()
        upload = await measure_upload(session, sim.url)
        took_up = time.perf_counter() - started
    assert download.error is None
    assert _within(download.mbps, down), download
    assert took_down < MAX_TEST_SECONDS
    assert upload.error is None
    assert _within(upload.mbps, up), upload
    assert took_up < MAX_TEST_SECONDS


async def test_each_probe_answer_waits_one_round_trip() -> None:
    world = World()
    world.line = Line(rtt_ms=25.0)
    async with SimServer(world) as sim, aiohttp.ClientSession() as session:
        await (await session.get(f"{sim.url}/__down", params={"bytes": 1})).read()  # warm up
        started = time.perf_counter()
        async with session.get(f"{sim.url}/__down", params={"bytes": 1}) as resp:
            await resp.read()
        took_down = time.perf_counter() - started
        started = time.perf_counter()
        async with session.post(f"{sim.url}/__up", data=b"x") as resp:
            assert (await resp.json()) == {"bytes": 1}
        took_up = time.perf_counter() - started
    assert took_down >= 0.025
    assert took_up >= 0.025


async def test_default_scenario_line_is_unshaped_and_fast() -> None:
    world = World()
    assert world.line == Line()
    async with SimServer(world) as sim, aiohttp.ClientSession() as session:
        download = await measure_download(session, sim.url)
    # Unshaped loopback: far faster than any home line (the integration tests stay quick).
    assert download.mbps is not None
    assert download.mbps > 200


@pytest.mark.parametrize(
    "spec", [{"down_mbps": 0}, {"up_mbps": -1}, {"rtt_ms": -5}], ids=["zero", "negative", "rtt"]
)
def test_bad_line_is_refused(spec: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="line"):
        Line.from_spec(spec)


async def test_the_simulator_can_keep_its_ports_between_runs() -> None:
    # The demo starts the simulator on the previous run's ports, so the probe targets stored in
    # Blink Audio Doctor's options stay right (a refused first probe would read 100 % loss).
    async with SimServer() as first:
        ports = first.port, first.tcp_port
    again = SimServer()
    await again.start(port=ports[0], tcp_port=ports[1])
    try:
        assert (again.port, again.tcp_port) == ports
        result = await measure_latency("127.0.0.1", again.tcp_port, samples=3)
        assert result.packet_loss_pct == 0.0
    finally:
        await again.stop()
