"""The simulator's HTTP server: one aiohttp app for Blink's OAuth and REST hosts and the extras.

One aiohttp application serves everything on one port: Blink's OAuth host and REST host are
both redirected to it by the harness. The handlers live by concern: `oauth_routes.py` (sign-in),
`network_routes.py` and `device_routes.py` (REST), `probes.py` (probe endpoints) and
`control_api.py` (`/_sim/...`); this module routes requests to them, applies injected faults,
checks bearer tokens and logs every request. A second, plain TCP listener accepts connections
and closes them (connect-time probes). A third, TLS listener is the live-view media server that
liveview answers point at (`media.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from typing import TYPE_CHECKING, Any, Self

from aiohttp import web

from .control_api import ControlApi
from .device_routes import DeviceRoutes
from .endpoints import ENDPOINT_NAMES, ENDPOINTS, Endpoint
from .http_util import error_reply, json_reply
from .media import MediaListener
from .network_routes import NetworkRoutes
from .oauth_routes import OAuthRoutes
from .probes import MAX_DOWNLOAD_BYTES, ProbeRoutes
from .request_log import RequestLogEntry
from .world import World

if TYPE_CHECKING:
    from pathlib import Path

    from .faults import Fault
    from .http_util import Handler, Routes
    from .model import Account

__all__ = ["ENDPOINTS", "ENDPOINT_NAMES", "MAX_DOWNLOAD_BYTES", "Endpoint", "SimServer"]

HANG_LIMIT_SECONDS = 600.0
CLIENT_GAVE_UP = 499


class SimServer:
    """Runs the simulator: `await SimServer(world).start()`, then `await stop()`."""

    def __init__(self, world: World | None = None) -> None:
        """Create a server for `world` (the default scenario when None)."""
        self.world = world if world is not None else World()
        self.host = "127.0.0.1"
        self.port = 0
        self.tcp_port = 0
        self._media: MediaListener | None = None
        self._runner: web.AppRunner | None = None
        self._tcp_server: asyncio.Server | None = None
        self._stopping = asyncio.Event()
        self._endpoint_by_resource: dict[str, Endpoint] = {}
        self._control = ControlApi(self.world, self._info, self._media_ca)
        self._routes: tuple[Routes, ...] = (
            OAuthRoutes(self.world),
            NetworkRoutes(self.world, self._relay),
            DeviceRoutes(self.world, self._relay),
            ProbeRoutes(self.world),
        )

    @property
    def url(self) -> str:
        """Base URL, e.g. `http://127.0.0.1:PORT` (no trailing slash)."""
        return f"http://{self.host}:{self.port}"

    @property
    def media_port(self) -> int:
        """Port of the TLS media listener (0 before start)."""
        return self._media.port if self._media is not None else 0

    @property
    def media_ca_file(self) -> Path:
        """PEM file of the CA that issued the media listener's certificate (a temporary file)."""
        return self._running_media().certificate.ca_file

    def media_client_context(self) -> ssl.SSLContext:
        """Return a default, verifying client context that trusts the media listener."""
        return self._running_media().certificate.client_context()

    def _running_media(self) -> MediaListener:
        if self._media is None:
            msg = "the media listener exists only while the server runs"
            raise RuntimeError(msg)
        return self._media

    def _media_ca(self) -> str:
        return self._running_media().certificate.ca_pem

    async def __aenter__(self) -> Self:
        """Start on 127.0.0.1 with free ports."""
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop."""
        await self.stop()

    async def start(
        self, host: str = "127.0.0.1", port: int = 0, tcp_port: int = 0, media_port: int = 0
    ) -> None:
        """Start HTTP on host:port, the TCP listener and the TLS media listener (0: free port)."""
        self.host = host
        self._stopping = asyncio.Event()
        app = self.make_app()
        # Cancel a handler when its client disconnects (time-out faults must not linger).
        self._runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        self.port = int(sock.getsockname()[1])
        await web.SockSite(self._runner, sock).start()
        self._tcp_server = await asyncio.start_server(self._tcp_client, host, tcp_port)
        self.tcp_port = int(self._tcp_server.sockets[0].getsockname()[1])
        self._media = MediaListener(host, lambda: self.world.media)
        await self._media.start(media_port)
        self.world.media_changed.append(self._media.apply)

    async def stop(self) -> None:
        """Stop every listener; hanging (time-out fault) requests are released first."""
        self._stopping.set()
        if self._media is not None:
            self.world.media_changed.remove(self._media.apply)
            await self._media.stop()
            self._media = None
        if self._tcp_server is not None:
            self._tcp_server.close()
            self._tcp_server.close_clients()
            await self._tcp_server.wait_closed()
            self._tcp_server = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _tcp_client(
        self, _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        delay = self.world.tcp_close_delay
        with contextlib.suppress(OSError):
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
            writer.close()
            await writer.wait_closed()

    # ------------------------------------------------------------------------- the app

    def make_app(self) -> web.Application:
        """Build the aiohttp application (also usable with aiohttp's test client)."""
        app = web.Application(middlewares=[self._middleware])
        for endpoint in ENDPOINTS:
            handler = self._handler(endpoint.name)
            route = app.router.add_route(endpoint.method, endpoint.template, handler)
            self._endpoint_by_resource[self._resource_key(endpoint.method, route)] = endpoint
        app.router.add_route("GET", "/_sim/{action}", self._control.handle)
        app.router.add_route("POST", "/_sim/{action}", self._control.handle)
        return app

    def _handler(self, name: str) -> Handler:
        for routes in self._routes:
            handler = routes.handler(name)
            if handler is not None:
                return handler
        msg = f"no handler for endpoint {name!r}"
        raise LookupError(msg)

    def _relay(self) -> tuple[str, int]:
        return self.host, self.media_port

    def _info(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "port": self.port,
            "tcp_port": self.tcp_port,
            "media_port": self.media_port,
        }

    @staticmethod
    def _resource_key(method: str, route: web.AbstractRoute) -> str:
        resource = route.resource
        canonical = resource.canonical if resource is not None else ""
        return f"{method} {canonical}"

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        route = request.match_info.route
        if request.path.startswith("/_sim/"):
            return await handler(request)
        endpoint = self._endpoint_by_resource.get(self._resource_key(request.method, route))
        if request.match_info.http_exception is not None:
            endpoint = None
        status = 500
        try:
            response = await self._dispatch(request, handler, endpoint)
            status = response.status
        except web.HTTPException as err:
            status = err.status
            raise
        except asyncio.CancelledError:
            status = CLIENT_GAVE_UP
            raise
        finally:
            self.world.request_log.append(
                RequestLogEntry(
                    method=request.method,
                    path=request.path,
                    query=request.query_string,
                    endpoint=endpoint.name if endpoint else None,
                    template=endpoint.template if endpoint else None,
                    status=status,
                    time=self.world.now(),
                )
            )
        return response

    async def _dispatch(
        self, request: web.Request, handler: Handler, endpoint: Endpoint | None
    ) -> web.StreamResponse:
        fault = self.world.take_fault(endpoint.name if endpoint else None, request.path)
        if fault is not None:
            early = await self._apply_fault(fault)
            if early is not None:
                return early
        if endpoint is not None and endpoint.auth:
            account = self._bearer_account(request)
            if account is None:
                return error_reply(401)
            if "account_id" in request.match_info and (
                request.match_info["account_id"] != str(account.account_id)
            ):
                return json_reply({"message": "Forbidden", "code": 403}, status=403)
            request["account"] = account
        return await handler(request)

    async def _apply_fault(self, fault: Fault) -> web.StreamResponse | None:
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.timeout:
            # Hang until the client gives up (handler cancelled) or the server stops.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), HANG_LIMIT_SECONDS)
            return error_reply(504)
        if fault.malformed:
            return web.Response(
                status=fault.status or 200,
                body=b'{"truncated": [1, 2',
                content_type="application/json",
            )
        if fault.status is not None:
            return error_reply(fault.status)
        return None

    def _bearer_account(self, request: web.Request) -> Account | None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        return self.world.account_for_token(token.strip())
