"""Speed probes: download and upload speed over HTTP (pure asyncio + aiohttp).

Speed: sized transfers against a Cloudflare-style endpoint (``GET {base}/__down?bytes=N`` and
``POST {base}/__up``). The payload starts small and grows, each round aimed by the rate just
measured at ``target_seconds`` (at most x4 after a round shorter than 1/8 of the target), until
one transfer lasts at least 80 % of ``target_seconds`` or the byte budget is spent. The
reported rate comes from the last, largest transfer. ``max_bytes`` bounds the **sum** of all
rounds (body bytes, not headers or TCP/TLS overhead), so one test never moves more than
``max_bytes`` of payload, whatever happens.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import aiohttp
from yarl import URL

from .probes import (
    ERROR_CONNECTION,
    ERROR_INCOMPLETE,
    ERROR_INVALID_URL,
    ERROR_TIMEOUT,
    ERROR_TLS,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable

DEFAULT_SPEED_URL: Final = "https://speed.cloudflare.com"
"""Default speed-test endpoint (serves ``/__down?bytes=N`` and accepts ``POST /__up``)."""

DEFAULT_DOWNLOAD_CAP: Final = 25_000_000
"""Default payload budget of one download test, in bytes."""

DEFAULT_UPLOAD_CAP: Final = 10_000_000
"""Default payload budget of one upload test, in bytes."""

DEFAULT_START_BYTES: Final = 100_000
"""Size of the first transfer: small enough for slow links (0.8 s at 1 Mbit/s)."""

# A round this close to the target duration is long enough to report.
_GOOD_ENOUGH: Final = 0.8
# Growth limits per round: a rate taken from a tiny (latency-bound) transfer may grow the next
# one at most x4, so it cannot jump straight to the cap; a transfer that lasted at least this
# share of the target is trusted, and the next one aims at the target directly (saves a round
# and its data on slow links).
_MAX_GROWTH: Final = 4
_MIN_GROWTH: Final = 1.25
_TRUSTED_SHARE: Final = 0.125
_UPLOAD_CHUNK: Final = 64 * 1024


@dataclass(frozen=True, slots=True)
class SpeedResult:
    """Outcome of a download or upload speed probe.

    Attributes:
        mbps: Rate of the measured (last) transfer in Mbit/s (10^6 bit/s); None on failure.
        bytes_used: Payload bytes moved by all rounds together, failed rounds included.
        duration_s: Length of the measured transfer's timing window; None on failure.
        rounds: Number of transfers started.
        error: Short machine-readable failure code (``"timeout"``, ``"http_503"``,
            ``"connection_error"``, ``"tls_error"``, ``"incomplete"``, ``"invalid_url"``);
            None on success.
    """

    mbps: float | None
    bytes_used: int
    duration_s: float | None
    rounds: int
    error: str | None = None


class _HttpStatusError(Exception):
    """The speed endpoint answered with a non-2xx status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _IncompleteError(Exception):
    """The server ended a download before sending the requested size."""


@dataclass(slots=True)
class _Usage:
    """Running totals of one speed test (mutable so failed rounds still count)."""

    bytes_used: int = 0
    rounds: int = 0


@dataclass(frozen=True, slots=True)
class _Transfer:
    """Timing of one completed transfer."""

    measured_bytes: int
    seconds: float

    @property
    def bytes_per_second(self) -> float:
        return self.measured_bytes / self.seconds


def _endpoint(base_url: str, name: str) -> URL:
    """Join a speed-test base URL (which may carry a path prefix) and an endpoint name."""
    url = URL(base_url)
    if not url.absolute or url.scheme not in {"http", "https"}:
        msg = f"not an http(s) URL: {base_url!r}"
        raise ValueError(msg)
    return url.with_query(None).with_fragment(None) / name


def _next_size(last: _Transfer, size: int, target_seconds: float, remaining: int) -> int | None:
    """Size of the next round, or None when another round cannot be longer than this one."""
    aimed = max(int(last.bytes_per_second * target_seconds), int(size * _MIN_GROWTH))
    if last.seconds < target_seconds * _TRUSTED_SHARE:
        aimed = min(aimed, size * _MAX_GROWTH)
    grown = min(aimed, remaining)
    return grown if grown > size else None


def _error_code(err: Exception) -> str:
    """Map a speed-test failure to a SpeedResult error code."""
    match err:
        case TimeoutError():
            code = ERROR_TIMEOUT
        case _HttpStatusError(status=status) | aiohttp.ClientResponseError(status=status):
            # ClientResponseError: a session created with raise_for_status=True.
            code = f"http_{status}"
        case _IncompleteError() | aiohttp.ClientPayloadError():
            code = ERROR_INCOMPLETE
        case aiohttp.InvalidURL() | ValueError():
            code = ERROR_INVALID_URL
        case aiohttp.ClientSSLError() | ssl.SSLError():
            code = ERROR_TLS
        case _:
            code = ERROR_CONNECTION
    return code


async def _run_growing(
    transfer: Callable[[int, _Usage], Awaitable[_Transfer]],
    *,
    max_bytes: int,
    start_bytes: int,
    target_seconds: float,
    limit_s: float,
) -> SpeedResult:
    """Run transfers of growing size; the last one gives the rate."""
    if max_bytes < 1 or start_bytes < 1:
        msg = "max_bytes and start_bytes must be at least 1"
        raise ValueError(msg)
    if target_seconds <= 0 or limit_s <= 0:
        msg = "target_seconds and timeout must be positive"
        raise ValueError(msg)
    usage = _Usage()
    size = min(start_bytes, max_bytes)
    try:
        async with asyncio.timeout(limit_s):
            while True:
                usage.rounds += 1
                last = await transfer(size, usage)
                if last.seconds >= target_seconds * _GOOD_ENOUGH:
                    break
                next_size = _next_size(last, size, target_seconds, max_bytes - usage.bytes_used)
                if next_size is None:
                    break
                size = next_size
    except (TimeoutError, aiohttp.ClientError, OSError, ValueError) as err:
        return SpeedResult(None, usage.bytes_used, None, usage.rounds, _error_code(err))
    except (_HttpStatusError, _IncompleteError) as err:
        return SpeedResult(None, usage.bytes_used, None, usage.rounds, _error_code(err))
    return SpeedResult(
        mbps=last.bytes_per_second * 8 / 1_000_000,
        bytes_used=usage.bytes_used,
        duration_s=last.seconds,
        rounds=usage.rounds,
    )


async def measure_download(  # noqa: PLR0913 - each knob is a documented option
    session: aiohttp.ClientSession,
    base_url: str = DEFAULT_SPEED_URL,
    *,
    max_bytes: int = DEFAULT_DOWNLOAD_CAP,
    target_seconds: float = 2.5,
    timeout: float = 30.0,  # noqa: ASYNC109 - bounds all rounds, applied with asyncio.timeout
    start_bytes: int = DEFAULT_START_BYTES,
) -> SpeedResult:
    """Measure download speed with ``GET {base_url}/__down?bytes=N`` of growing N.

    The rate of a transfer is measured from its first to its last body byte, and the bytes of
    the first chunk are not counted (they arrived before the window opened). So DNS, connect,
    TLS, request and server think time are all excluded. The body is streamed chunk by chunk and
    never held in memory; reading stops at N bytes even if the server sends more.

    Args:
        session: aiohttp session to use (its connection pool is reused between rounds).
        base_url: Speed-test endpoint, e.g. ``https://speed.cloudflare.com``.
        max_bytes: Budget for the sum of all rounds' body bytes.
        target_seconds: Wanted length of the measured transfer.
        timeout: Limit for the whole test, all rounds included.
        start_bytes: Size of the first round.

    Returns:
        The measurement; failures give ``mbps=None`` and an ``error`` code, never a guess.

    Raises:
        ValueError: A size or duration argument is out of range.
    """

    async def download(size: int, usage: _Usage) -> _Transfer:
        url = _endpoint(base_url, "__down").with_query(bytes=str(size))
        requested = time.perf_counter()
        async with session.get(
            url,
            headers={"Accept-Encoding": "identity", "Cache-Control": "no-store"},
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            if not 200 <= response.status < 300:  # noqa: PLR2004 - the 2xx range
                raise _HttpStatusError(response.status)
            received = 0
            first_at = last_at = 0.0
            first_len = 0
            async for chunk in response.content.iter_any():
                now = time.perf_counter()
                counted = min(len(chunk), size - received)
                received += counted
                usage.bytes_used += counted
                if not first_len:
                    first_at, first_len = now, counted
                last_at = now
                if received >= size:
                    break
        if received < size:
            raise _IncompleteError
        if last_at > first_at:
            return _Transfer(received - first_len, last_at - first_at)
        # One chunk only: no body window to time, so fall back to the whole request.
        return _Transfer(received, max(last_at - requested, 1e-9))

    return await _run_growing(
        download,
        max_bytes=max_bytes,
        start_bytes=start_bytes,
        target_seconds=target_seconds,
        limit_s=timeout,
    )


async def measure_upload(  # noqa: PLR0913 - each knob is a documented option
    session: aiohttp.ClientSession,
    base_url: str = DEFAULT_SPEED_URL,
    *,
    max_bytes: int = DEFAULT_UPLOAD_CAP,
    target_seconds: float = 2.5,
    timeout: float = 30.0,  # noqa: ASYNC109 - bounds all rounds, applied with asyncio.timeout
    start_bytes: int = DEFAULT_START_BYTES,
) -> SpeedResult:
    """Measure upload speed with ``POST {base_url}/__up`` bodies of growing size.

    The rate of a transfer is measured from the moment the first body chunk is handed to the
    connection (the connection and the request headers are already done) until the response
    headers arrive, which the server sends after it has read the whole body. The body is
    generated chunk by chunk (zeros, with ``Content-Length``) and never built in memory.
    ``bytes_used`` counts the bytes handed to the connection.

    Args:
        session: aiohttp session to use.
        base_url: Speed-test endpoint, e.g. ``https://speed.cloudflare.com``.
        max_bytes: Budget for the sum of all rounds' body bytes.
        target_seconds: Wanted length of the measured transfer.
        timeout: Limit for the whole test, all rounds included.
        start_bytes: Size of the first round.

    Returns:
        The measurement; failures give ``mbps=None`` and an ``error`` code, never a guess.

    Raises:
        ValueError: A size or duration argument is out of range.
    """

    async def upload(size: int, usage: _Usage) -> _Transfer:
        url = _endpoint(base_url, "__up")
        started: list[float] = []

        async def body() -> AsyncIterator[bytes]:
            block = bytes(_UPLOAD_CHUNK)
            sent = 0
            while sent < size:
                part = min(_UPLOAD_CHUNK, size - sent)
                if not started:
                    started.append(time.perf_counter())
                sent += part
                usage.bytes_used += part
                yield block if part == _UPLOAD_CHUNK else block[:part]

        async with session.post(
            url,
            data=body(),
            headers={
                "Content-Length": str(size),
                "Content-Type": "application/octet-stream",
            },
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            answered = time.perf_counter()
            if not 200 <= response.status < 300:  # noqa: PLR2004 - the 2xx range
                raise _HttpStatusError(response.status)
            # Drain the (normally tiny) answer without trusting its size.
            async for _ in response.content.iter_any():
                pass
        # aiohttp hands the first body chunk over before any answer can arrive; should a
        # server answer without taking the body, there is no rate to report.
        if not started:  # pragma: no cover - not reachable with aiohttp's request writer
            raise _IncompleteError
        return _Transfer(size, max(answered - started[0], 1e-9))

    return await _run_growing(
        upload,
        max_bytes=max_bytes,
        start_bytes=start_bytes,
        target_seconds=target_seconds,
        limit_s=timeout,
    )
