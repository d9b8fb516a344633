"""A stand-in web server for the unit tests: an aiohttp app on an ephemeral loopback port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

LOCAL = "127.0.0.1"


@asynccontextmanager
async def serve_app(app: web.Application) -> AsyncIterator[str]:
    """Serve `app` until the block ends; yield its base URL.

    Handlers are cancelled when a client goes away, so a test that aborts a transfer does not
    wait for the handler to finish.
    """
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, LOCAL, 0).start()
    try:
        yield f"http://{LOCAL}:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
