"""Network probes against real servers on 127.0.0.1 (doctor/probes.py and doctor/speed.py).

The Blink cloud simulator serves the plain endpoints (``/__down``, ``/__up``, its TCP listener)
and the faults; a small local server adds what the simulator does not do: paced (rate-limited)
transfers, byte counters for uploads, short bodies, and TLS handshakes delayed on purpose.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from blink_cloud_sim import SimServer
from custom_components.blink_audio_doctor.doctor import probes, speed
from custom_components.blink_audio_doctor.doctor.probes import (
    DEFAULT_BLINK_REST_HOST,
    blink_rest_host,
    measure_latency,
)
from custom_components.blink_audio_doctor.doctor.speed import measure_download, measure_upload
from tests.unit.loopback import LOCAL, serve_app

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest.fixture(autouse=True)
def real_sockets(socket_enabled: None) -> None:
    """Use real sockets; the HA test plugin still allows connections to 127.0.0.1 only."""


# ------------------------------------------------------------------------------------------
# Helpers


def _closed_port() -> int:
    """A loopback port with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind((LOCAL, 0))
        return int(sock.getsockname()[1])


def _sim_down_sizes(sim: SimServer) -> list[int]:
    """Sizes the simulator was asked to send (it sends exactly that many bytes)."""
    return [
        int(parse_qs(entry.query)["bytes"][0])
        for entry in sim.world.request_log
        if entry.endpoint == "probe_down"
    ]


@dataclass
class SpeedServer:
    """A tiny speed-test server with counters, pacing and faults."""

    rate_bps: float | None = None  # paced bytes per second; None = as fast as possible
    status: int = 200
    delay: float = 0.0
    short_body: bool = False
    fail_from_round: int | None = None  # answer 500 from this download round on
    first_byte_delay: float = 0.0  # "think time" before a download's headers and first byte
    sent: int = 0
    received: int = 0
    down_sizes: list[int] = field(default_factory=list)
    up_sizes: list[int] = field(default_factory=list)

    async def down(self, request: web.Request) -> web.StreamResponse:
        size = int(request.query["bytes"])
        self.down_sizes.append(size)
        if self.fail_from_round and len(self.down_sizes) >= self.fail_from_round:
            return web.Response(status=500)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.Response(status=self.status)
        if self.short_body:
            self.sent += size // 2
            return web.Response(body=bytes(size // 2))
        await asyncio.sleep(self.first_byte_delay)
        response = web.StreamResponse()
        response.content_length = size
        await response.prepare(request)
        chunk = 16 * 1024
        start = time.perf_counter()
        done = 0
        while done < size:
            part = min(chunk, size - done)
            await response.write(bytes(part))
            done += part
            self.sent += part
            if self.rate_bps:
                # Sleep until the schedule says the next chunk may go: no drift.
                await asyncio.sleep(max(0.0, start + done / self.rate_bps - time.perf_counter()))
        await response.write_eof()
        return response

    async def up(self, request: web.Request) -> web.Response:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.Response(status=self.status)
        total = 0
        start: float | None = None
        while chunk := await request.content.read(16 * 1024):
            start = start or time.perf_counter()
            total += len(chunk)
            self.received += len(chunk)
            if self.rate_bps and start is not None:
                await asyncio.sleep(max(0.0, start + total / self.rate_bps - time.perf_counter()))
        self.up_sizes.append(total)
        return web.json_response({"bytes": total})


@asynccontextmanager
async def serve(server: SpeedServer) -> AsyncIterator[str]:
    """Run the speed server on an ephemeral loopback port; yield its base URL."""
    app = web.Application()
    app.router.add_get("/__down", server.down)
    app.router.add_post("/__up", server.up)
    async with serve_app(app) as base:
        yield base


# ------------------------------------------------------------------------------------------
# blink_rest_host


@pytest.mark.parametrize(
    ("region", "host"),
    [
        ("u034", "rest-u034.immedia-semi.com"),
        (" E006 ", "rest-e006.immedia-semi.com"),
        ("prod", "rest-prod.immedia-semi.com"),
        (None, DEFAULT_BLINK_REST_HOST),
        ("", DEFAULT_BLINK_REST_HOST),
        ("evil.example/x", DEFAULT_BLINK_REST_HOST),
        ("u034.attacker.net", DEFAULT_BLINK_REST_HOST),
    ],
)
def test_blink_rest_host(region: str | None, host: str) -> None:
    assert blink_rest_host(region) == host


@given(st.text(max_size=40))
def test_blink_rest_host_never_leaves_blink_domain(region: str) -> None:
    host = blink_rest_host(region)
    assert host.startswith("rest-")
    assert host.endswith(".immedia-semi.com")
    assert host.count(".") == 2


# ------------------------------------------------------------------------------------------
# Latency


async def test_latency_all_lost_when_nothing_listens() -> None:
    result = await measure_latency(LOCAL, _closed_port(), samples=4, timeout=0.5)
    assert result.median_ms is None
    assert result.jitter_ms is None
    assert result.packet_loss_pct == 100.0
    assert (result.samples, result.attempts) == (0, 4)
    assert result.error == "connection_refused"


async def test_latency_all_succeed_against_simulator(blink_sim: SimServer) -> None:
    result = await measure_latency(LOCAL, blink_sim.tcp_port, samples=5, timeout=1.0)
    assert result.packet_loss_pct == 0.0
    assert (result.samples, result.attempts, result.error) == (5, 5, None)
    assert result.median_ms is not None
    assert 0.0 < result.median_ms < 50.0
    assert result.jitter_ms is not None
    assert result.jitter_ms >= 0.0


async def test_latency_exact_loss_when_accept_queue_is_full() -> None:
    # A listener that never accepts holds backlog + 1 connections in its queue (Linux); after
    # that the kernel drops every SYN, so exactly 10 - 6 attempts time out.
    with socket.socket() as listener:
        listener.bind((LOCAL, 0))
        listener.listen(5)
        result = await measure_latency(LOCAL, listener.getsockname()[1], samples=10, timeout=0.1)
    assert (result.samples, result.attempts) == (6, 10)
    assert result.packet_loss_pct == 40.0
    assert result.median_ms is not None
    assert result.error == "timeout"


async def test_latency_one_success_has_no_jitter() -> None:
    with socket.socket() as listener:
        listener.bind((LOCAL, 0))
        listener.listen(0)  # one queued connection, then SYNs are dropped
        result = await measure_latency(LOCAL, listener.getsockname()[1], samples=3, timeout=0.1)
    assert result.samples == 1
    assert result.packet_loss_pct == pytest.approx(200 / 3)
    assert result.median_ms is not None
    assert result.jitter_ms is None


async def test_a_host_that_does_not_resolve_is_unknown_not_full_loss(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The test harness blocks DNS; this is what a resolver answers for an unknown name.
    def no_dns(*_args: object, **_kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    result = await measure_latency("rest-u034.immedia-semi.com", 443, samples=3)
    # No connection was attempted, so nothing was lost either: unknown, not 100 % loss.
    assert (result.median_ms, result.jitter_ms) == (None, None)
    assert (result.packet_loss_pct, result.samples, result.attempts) == (None, 0, 0)
    assert result.error == "dns_error"


async def test_latency_interval_spaces_attempts() -> None:
    with socket.socket() as listener:
        listener.bind((LOCAL, 0))
        listener.listen(64)
        start = time.perf_counter()
        result = await measure_latency(
            LOCAL, listener.getsockname()[1], samples=3, timeout=1.0, interval=0.1
        )
        elapsed = time.perf_counter() - start
    assert result.samples == 3
    assert elapsed >= 0.2


@pytest.mark.parametrize("kwargs", [{"samples": 0}, {"timeout": 0.0}])
async def test_latency_rejects_bad_arguments(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        await measure_latency(LOCAL, 1, **kwargs)  # type: ignore[arg-type]


# TLS: a server that waits a chosen time before its handshake, so samples are controlled.


async def test_download_rate_matches_paced_server(blink_session: aiohttp.ClientSession) -> None:
    server = SpeedServer(rate_bps=1_000_000)  # 8 Mbit/s
    async with serve(server) as url:
        result = await measure_download(
            blink_session, url, target_seconds=0.5, start_bytes=50_000, max_bytes=5_000_000
        )
    assert result.error is None
    assert result.mbps == pytest.approx(8.0, rel=0.1)
    # 50 kB took ~0.05 s (too short to trust: x4); 200 kB took 0.2 s, so the third round aims
    # straight at 0.5 s (~500 kB); it lasts about the target and growth stops.
    assert server.down_sizes[:2] == [50_000, 200_000]
    assert 400_000 <= server.down_sizes[2] <= 600_000
    assert result.rounds == len(server.down_sizes) == 3
    assert result.duration_s is not None
    assert 0.4 <= result.duration_s <= 1.0
    assert result.bytes_used == server.sent == sum(server.down_sizes)


async def test_download_rate_excludes_time_to_first_byte(
    blink_session: aiohttp.ClientSession,
) -> None:
    # 0.2 s before each response starts (server think time, like connection set-up) must not
    # count: the window runs from the first body byte to the last.
    server = SpeedServer(rate_bps=1_000_000, first_byte_delay=0.2)
    async with serve(server) as url:
        result = await measure_download(
            blink_session, url, target_seconds=0.5, start_bytes=50_000, max_bytes=2_000_000
        )
    assert result.error is None
    assert result.mbps == pytest.approx(8.0, rel=0.1)


async def test_upload_rate_matches_paced_server(blink_session: aiohttp.ClientSession) -> None:
    server = SpeedServer(rate_bps=500_000)  # 4 Mbit/s
    async with serve(server) as url:
        result = await measure_upload(
            blink_session, url, target_seconds=0.5, start_bytes=50_000, max_bytes=5_000_000
        )
    assert result.error is None
    assert result.mbps == pytest.approx(4.0, rel=0.1)
    assert result.rounds >= 2
    assert result.duration_s is not None
    assert 0.4 <= result.duration_s <= 1.0
    assert result.bytes_used == server.received == sum(server.up_sizes)


async def test_download_total_never_exceeds_cap(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    # Loopback speed: every round is far shorter than the target, so only the cap stops growth.
    result = await measure_download(
        blink_session, blink_sim.url, max_bytes=300_000, start_bytes=100_000, target_seconds=2.5
    )
    assert result.error is None
    assert result.mbps is not None
    assert result.mbps > 0
    # 100 kB, then x4 would be 400 kB but only 200 kB of the budget is left.
    assert _sim_down_sizes(blink_sim) == [100_000, 200_000]
    assert result.bytes_used == 300_000
    assert result.rounds == 2


async def test_download_defaults_stay_within_25_mb(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    result = await measure_download(blink_session, blink_sim.url)
    assert result.error is None
    sizes = _sim_down_sizes(blink_sim)
    assert sum(sizes) == result.bytes_used <= 25_000_000
    assert sizes == sorted(sizes)
    assert result.rounds == len(sizes)


async def test_upload_total_never_exceeds_cap(blink_session: aiohttp.ClientSession) -> None:
    server = SpeedServer()
    async with serve(server) as url:
        result = await measure_upload(
            blink_session, url, max_bytes=1_000_000, start_bytes=100_000, target_seconds=2.5
        )
    assert result.error is None
    assert result.mbps is not None
    assert server.up_sizes == [100_000, 400_000, 500_000]
    assert result.bytes_used == server.received == 1_000_000


async def test_first_round_is_capped_too(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    result = await measure_download(
        blink_session, blink_sim.url, max_bytes=10_000, start_bytes=100_000
    )
    assert _sim_down_sizes(blink_sim) == [10_000]
    assert (result.rounds, result.bytes_used) == (1, 10_000)
    assert result.mbps is not None


@pytest.mark.parametrize(
    ("probe", "endpoint"), [(measure_download, "probe_down"), (measure_upload, "probe_up")]
)
@pytest.mark.parametrize("fault", [{"timeout": True}, {"delay": 2.0}])
async def test_hanging_or_slow_server_times_out(
    blink_sim: SimServer,
    blink_session: aiohttp.ClientSession,
    probe: object,
    endpoint: str,
    fault: dict[str, object],
) -> None:
    blink_sim.world.inject_fault(endpoint, **fault)  # type: ignore[arg-type]
    start = time.perf_counter()
    result = await probe(blink_session, blink_sim.url, timeout=0.3)  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    assert (result.mbps, result.duration_s, result.error) == (None, None, "timeout")
    assert result.rounds == 1
    assert elapsed < 1.0


async def test_timeout_mid_growth_reports_failure_and_bytes(
    blink_session: aiohttp.ClientSession,
) -> None:
    # 1 MB/s: the first rounds finish, a later one is cut by the overall time limit.
    server = SpeedServer(rate_bps=1_000_000)
    async with serve(server) as url:
        result = await measure_download(
            blink_session, url, start_bytes=100_000, target_seconds=2.5, timeout=0.5
        )
    assert (result.mbps, result.error) == (None, "timeout")
    assert result.rounds >= 2
    assert 100_000 < result.bytes_used <= server.sent


@pytest.mark.parametrize(
    ("probe", "endpoint"), [(measure_download, "probe_down"), (measure_upload, "probe_up")]
)
async def test_http_error_is_reported(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession, probe: object, endpoint: str
) -> None:
    blink_sim.world.inject_fault(endpoint, status=503)
    result = await probe(blink_session, blink_sim.url)  # type: ignore[operator]
    assert (result.mbps, result.duration_s, result.error) == (None, None, "http_503")
    assert result.rounds == 1
    # An upload may already have handed (part of) its first body to the connection.
    assert result.bytes_used <= (100_000 if probe is measure_upload else 0)


async def test_http_error_with_raise_for_status_session(blink_sim: SimServer) -> None:
    blink_sim.world.inject_fault("probe_down", status=429)
    async with aiohttp.ClientSession(raise_for_status=True) as strict:
        result = await measure_download(strict, blink_sim.url)
    assert (result.mbps, result.error) == (None, "http_429")


async def test_fault_in_a_later_round_fails_the_whole_test(
    blink_session: aiohttp.ClientSession,
) -> None:
    # Round 1 succeeds, round 2 gets a 500: round 1's rate is not passed off as the result.
    server = SpeedServer(fail_from_round=2)
    async with serve(server) as url:
        result = await measure_download(blink_session, url, start_bytes=100_000)
    assert (result.mbps, result.duration_s, result.error) == (None, None, "http_500")
    assert (result.rounds, result.bytes_used) == (2, 100_000)


async def test_short_download_is_incomplete(blink_session: aiohttp.ClientSession) -> None:
    server = SpeedServer(short_body=True)
    async with serve(server) as url:
        result = await measure_download(blink_session, url, start_bytes=10_000)
    assert (result.mbps, result.error) == (None, "incomplete")
    assert result.bytes_used == 5_000


@pytest.mark.parametrize("probe", [measure_download, measure_upload])
async def test_nothing_listening_is_connection_error(
    blink_session: aiohttp.ClientSession, probe: object
) -> None:
    url = f"http://{LOCAL}:{_closed_port()}"
    result = await probe(blink_session, url, timeout=2.0)  # type: ignore[operator]
    assert (result.mbps, result.error, result.bytes_used) == (None, "connection_error", 0)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/", "not a url", "/relative"])
async def test_bad_base_url_is_reported(blink_session: aiohttp.ClientSession, url: str) -> None:
    result = await measure_download(blink_session, url)
    assert (result.mbps, result.error, result.bytes_used) == (None, "invalid_url", 0)


async def test_base_url_with_path_prefix(blink_session: aiohttp.ClientSession) -> None:
    server = SpeedServer()
    app = web.Application()
    app.router.add_get("/speed/__down", server.down)
    async with serve_app(app) as base:
        result = await measure_download(
            blink_session, f"{base}/speed/?x=1", max_bytes=1000, start_bytes=1000
        )
    assert result.error is None
    assert server.down_sizes == [1000]


@pytest.mark.parametrize(
    "kwargs",
    [{"max_bytes": 0}, {"start_bytes": 0}, {"target_seconds": 0.0}, {"timeout": -1.0}],
)
async def test_speed_rejects_bad_arguments(
    blink_session: aiohttp.ClientSession, kwargs: dict[str, float]
) -> None:
    with pytest.raises(ValueError, match="must be"):
        await measure_download(blink_session, "http://127.0.0.1:1", **kwargs)  # type: ignore[arg-type]


def test_failure_codes_of_the_rarer_connect_errors() -> None:
    unreachable = OSError(errno.EHOSTUNREACH, "No route to host")
    assert probes._failure_code(unreachable) == probes.ERROR_UNREACHABLE
    assert probes._failure_code(OSError(errno.EPERM, "Not permitted")) == probes.ERROR_CONNECTION


def test_an_unexpected_speed_failure_is_a_connection_error() -> None:
    assert speed._error_code(RuntimeError("boom")) == probes.ERROR_CONNECTION
    assert speed._error_code(ssl.SSLError("bad record")) == probes.ERROR_TLS
