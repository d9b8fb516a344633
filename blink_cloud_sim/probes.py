"""Speed-test style probe endpoints: download N zero bytes, upload anything (no token needed).

A scenario's `line:` block (`down_mbps`, `up_mbps`, `rtt_ms`) makes them behave like a home
line: each answer waits one round trip, and bodies are paced in user space (chunks with sleeps
in between) so a speed test measures the line's rates. Without it they run as fast as the
loopback allows (the tests' default scenario).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .http_util import Routes, json_reply

if TYPE_CHECKING:
    from .world import World

MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024
CHUNK = 64 * 1024
# Paced transfers move smaller chunks, so the rate is even within a few milliseconds.
PACED_CHUNK = 16 * 1024


@dataclass(frozen=True, slots=True)
class Line:
    """A home line's shape; None for a rate or 0 for the round trip leaves it unshaped."""

    down_mbps: float | None = None
    up_mbps: float | None = None
    rtt_ms: float = 0.0

    @classmethod
    def from_spec(cls, spec: dict[str, Any] | None) -> Line:
        """Read a scenario's `line:` block (missing block or keys: unshaped)."""
        spec = spec or {}
        down = spec.get("down_mbps")
        up = spec.get("up_mbps")
        line = cls(
            down_mbps=None if down is None else float(down),
            up_mbps=None if up is None else float(up),
            rtt_ms=float(spec.get("rtt_ms", 0.0)),
        )
        if any(rate is not None and rate <= 0 for rate in (line.down_mbps, line.up_mbps)):
            msg = "line rates must be positive"
            raise ValueError(msg)
        if line.rtt_ms < 0:
            msg = "line rtt_ms must not be negative"
            raise ValueError(msg)
        return line


class _Pacer:
    """Sleeps so that the bytes counted so far never run ahead of `mbps`."""

    def __init__(self, mbps: float | None) -> None:
        self._bytes_per_second = None if mbps is None else mbps * 1_000_000 / 8
        self._start: float | None = None
        self._count = 0

    async def pace(self, size: int) -> None:
        if self._bytes_per_second is None:
            return
        now = time.perf_counter()
        if self._start is None:
            self._start = now
        self._count += size
        due = self._start + self._count / self._bytes_per_second
        if due > now:
            await asyncio.sleep(due - now)


class ProbeRoutes(Routes):
    """`GET /__down?bytes=N` streams N zero bytes (capped); `POST /__up` counts what it got."""

    def __init__(self, world: World) -> None:
        """Serve probes shaped like `world.line` (read per request, so it can change)."""
        self.world = world

    async def _round_trip(self) -> None:
        if self.world.line.rtt_ms > 0:
            await asyncio.sleep(self.world.line.rtt_ms / 1000)

    async def _h_probe_down(self, request: web.Request) -> web.StreamResponse:
        try:
            size = int(request.query.get("bytes", "0"))
        except ValueError:
            return json_reply({"error": "bytes must be an integer"}, status=400)
        if size < 0:
            return json_reply({"error": "bytes must be >= 0"}, status=400)
        size = min(size, MAX_DOWNLOAD_BYTES)
        await self._round_trip()
        response = web.StreamResponse(
            headers={"Content-Type": "application/octet-stream", "Cache-Control": "no-store"}
        )
        response.content_length = size
        await response.prepare(request)
        pacer = _Pacer(self.world.line.down_mbps)
        chunk = CHUNK if self.world.line.down_mbps is None else PACED_CHUNK
        block = bytes(chunk)
        remaining = size
        while remaining > 0:
            piece = block if remaining >= chunk else block[:remaining]
            await pacer.pace(len(piece))
            await response.write(piece)
            remaining -= len(piece)
        await response.write_eof()
        return response

    async def _h_probe_up(self, request: web.Request) -> web.Response:
        pacer = _Pacer(self.world.line.up_mbps)
        chunk = CHUNK if self.world.line.up_mbps is None else PACED_CHUNK
        received = 0
        async for part in request.content.iter_chunked(chunk):
            received += len(part)
            await pacer.pace(len(part))
        await self._round_trip()
        return json_reply({"bytes": received})
