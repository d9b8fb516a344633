"""Speed-test style probe endpoints: download N zero bytes, upload anything (no token needed)."""

from __future__ import annotations

from aiohttp import web

from .http_util import Routes, json_reply

MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024
CHUNK = 64 * 1024


class ProbeRoutes(Routes):
    """`GET /__down?bytes=N` streams N zero bytes (capped); `POST /__up` counts what it got."""

    async def _h_probe_down(self, request: web.Request) -> web.StreamResponse:
        try:
            size = int(request.query.get("bytes", "0"))
        except ValueError:
            return json_reply({"error": "bytes must be an integer"}, status=400)
        if size < 0:
            return json_reply({"error": "bytes must be >= 0"}, status=400)
        size = min(size, MAX_DOWNLOAD_BYTES)
        response = web.StreamResponse(
            headers={"Content-Type": "application/octet-stream", "Cache-Control": "no-store"}
        )
        response.content_length = size
        await response.prepare(request)
        block = bytes(CHUNK)
        remaining = size
        while remaining > 0:
            piece = block if remaining >= CHUNK else block[:remaining]
            await response.write(piece)
            remaining -= len(piece)
        await response.write_eof()
        return response

    async def _h_probe_up(self, request: web.Request) -> web.Response:
        received = 0
        async for chunk in request.content.iter_chunked(CHUNK):
            received += len(chunk)
        return json_reply({"bytes": received})

    # ------------------------------------------------------------------------- control API
