"""Network probes: latency, jitter and loss by TCP connect.

Pure asyncio + aiohttp, no Home Assistant imports and no module-level state, so the probes can be
unit tested over loopback and benchmarked on a shaped link.

Latency: ``samples`` TCP connections to a host and port. Each sample is the time from
``connect()`` until the connection is established; the name is resolved once before the first
sample and that time is not counted. No ICMP, so no privileges are needed. A refused, unreachable
or timed-out attempt is a lost sample; nothing is raised for network failures. A name that does
not resolve is no measurement at all: loss and latency are unknown (None), not 100 % loss, since
no packet was ever sent.

Speed tests live in ``speed.py``.
"""

from __future__ import annotations

import asyncio
import errno
import itertools
import re
import socket
import statistics
import time
from dataclasses import dataclass
from typing import Final

DEFAULT_BLINK_REST_HOST: Final = "rest-prod.immedia-semi.com"
"""Blink REST host used when the account's region is not known."""


# Error codes of SpeedResult.error and LatencyResult.error.
ERROR_TIMEOUT: Final = "timeout"
ERROR_CONNECTION: Final = "connection_error"
ERROR_REFUSED: Final = "connection_refused"
ERROR_UNREACHABLE: Final = "unreachable"
ERROR_DNS: Final = "dns_error"
ERROR_TLS: Final = "tls_error"
ERROR_INCOMPLETE: Final = "incomplete"
ERROR_INVALID_URL: Final = "invalid_url"

_REGION_RE: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,30}")
_REFUSED: Final = frozenset({errno.ECONNREFUSED, errno.ECONNRESET})
_UNREACHABLE: Final = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EHOSTDOWN})

type _SockAddr = tuple[str, int] | tuple[str, int, int, int] | tuple[int, bytes]


@dataclass(frozen=True, slots=True)
class LatencyResult:
    """Outcome of a latency probe.

    Attributes:
        median_ms: Median connect time of the successful attempts; None when all failed.
        jitter_ms: Mean absolute difference between consecutive successful samples; None
            with fewer than two successes.
        packet_loss_pct: Failed or timed-out attempts as a percentage of all attempts; None
            when no attempt could be made (the host name did not resolve).
        samples: Number of successful attempts.
        attempts: Number of attempts made (0 when the host name did not resolve).
        error: Reason of the most recent failed attempt (for example ``"timeout"``,
            ``"connection_refused"``, ``"dns_error"``); None when every attempt succeeded.
    """

    median_ms: float | None
    jitter_ms: float | None
    packet_loss_pct: float | None
    samples: int
    attempts: int
    error: str | None = None


def blink_rest_host(region: str | None) -> str:
    """Return the Blink REST host of a region (tier), e.g. ``rest-u034.immedia-semi.com``.

    Args:
        region: The account's region id as Blink reports it (``"u034"``, ``"e006"``); None,
            empty or malformed values give the region-less ``rest-prod`` host.

    Returns:
        The host name, without scheme or port.
    """
    if region is None:
        return DEFAULT_BLINK_REST_HOST
    cleaned = region.strip().lower()
    # Anything that is not a plain DNS label could redirect the probe to another domain.
    if not _REGION_RE.fullmatch(cleaned):
        return DEFAULT_BLINK_REST_HOST
    return f"rest-{cleaned}.immedia-semi.com"


# --------------------------------------------------------------------------------------------
# Latency


def _failure_code(err: BaseException) -> str:
    """Map a connect failure to a LatencyResult error code."""
    if isinstance(err, TimeoutError):
        return ERROR_TIMEOUT
    if isinstance(err, ConnectionRefusedError) or (
        isinstance(err, OSError) and err.errno in _REFUSED
    ):
        return ERROR_REFUSED
    if isinstance(err, OSError) and err.errno in _UNREACHABLE:
        return ERROR_UNREACHABLE
    return ERROR_CONNECTION


async def _connect_once(
    family: socket.AddressFamily, address: _SockAddr, *, limit_s: float
) -> float:
    """Connect once; return the time taken in seconds.

    Raises:
        OSError: The connection failed.
        TimeoutError: It took longer than ``limit_s``.
    """
    loop = asyncio.get_running_loop()
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setblocking(False)  # noqa: FBT003 - the stdlib signature is positional
        async with asyncio.timeout(limit_s):
            start = time.perf_counter()
            await loop.sock_connect(sock, address)
            return time.perf_counter() - start


async def measure_latency(
    host: str,
    port: int,
    *,
    samples: int = 10,
    timeout: float = 2.0,  # noqa: ASYNC109 - per attempt, applied with asyncio.timeout inside
    interval: float = 0.0,
) -> LatencyResult:
    """Measure connect latency, jitter and loss with ``samples`` TCP connects.

    The host name is resolved once, outside the timed part; the first address the resolver
    returns is used for every attempt. A failed resolution makes no attempt: loss and latency
    are unknown and ``error`` is ``"dns_error"``.

    Args:
        host: Host name or IP address, e.g. ``blink_rest_host(region)``.
        port: TCP port, e.g. 443.
        samples: Number of attempts (at least 1).
        timeout: Seconds allowed per attempt and for the resolution.
        interval: Seconds to wait between attempts.

    Returns:
        The measurement; network failures never raise.

    Raises:
        ValueError: ``samples`` is below 1 or ``timeout`` is not positive.
    """
    if samples < 1:
        msg = "samples must be at least 1"
        raise ValueError(msg)
    if timeout <= 0:
        msg = "timeout must be positive"
        raise ValueError(msg)
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError, TimeoutError, ValueError:  # ValueError: IDNA encoding of a bad name
        infos = []
    if not infos:
        return LatencyResult(None, None, None, 0, 0, ERROR_DNS)
    family, _, _, _, address = infos[0]

    times: list[float] = []
    last_error: str | None = None
    for attempt in range(samples):
        if attempt and interval > 0:
            await asyncio.sleep(interval)
        try:
            elapsed = await _connect_once(family, address, limit_s=timeout)
        except (OSError, TimeoutError) as err:
            last_error = _failure_code(err)
            continue
        times.append(elapsed * 1000.0)

    lost = samples - len(times)
    median = statistics.median(times) if times else None
    jitter = (
        statistics.fmean(abs(b - a) for a, b in itertools.pairwise(times))
        if len(times) >= 2  # noqa: PLR2004 - a difference needs two samples
        else None
    )
    return LatencyResult(
        median_ms=median,
        jitter_ms=jitter,
        packet_loss_pct=lost * 100.0 / samples,
        samples=len(times),
        attempts=samples,
        error=last_error,
    )
