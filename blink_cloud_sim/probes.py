"""Speed-test style probe endpoints: download N zero bytes, upload anything (no token needed).

A scenario's `line:` block (`down_mbps`, `up_mbps`, `rtt_ms`) makes them behave like a home
line: each answer waits one round trip, and bodies are paced in user space (chunks with sleeps
in between) so a speed test measures the line's rates. Without it they run as fast as the
loopback allows (the tests' default scenario).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Protocol

from aiohttp import web

from .http_util import Routes, json_reply

if TYPE_CHECKING:
    from .line import Line

MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024
CHUNK = 64 * 1024
# Paced transfers move smaller chunks, so the rate is even within a few milliseconds.
PACED_CHUNK = 16 * 1024


class _Shaped(Protocol):
    """What the probes read of the world: its line."""

    line: Line


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

    def __init__(self, world: _Shaped) -> None:
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
