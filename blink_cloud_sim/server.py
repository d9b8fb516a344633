"""The simulator's HTTP server: Blink's OAuth and REST endpoints, the control API, probes.

One aiohttp application serves everything on one port: Blink's OAuth host and REST host are
both redirected to it by the harness. A second, plain TCP listener accepts connections and
closes them (connect-time probes; also the `immis://` liveview relay address).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import html
import json
import secrets
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Self
from urllib.parse import urlencode

from aiohttp import web

from . import local_storage, payloads
from .device_config import device_config
from .world import (
    BLOCKED_HARDWARE_IDS,
    AuthCode,
    Camera,
    Family,
    OAuthFlow,
    RequestLogEntry,
    SimError,
    UnknownDeviceError,
    World,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from .world import Account, Fault, Network, SyncModule

    Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SESSION_COOKIE = "blink_oauth_session"
MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024
CHUNK = 64 * 1024
HANG_LIMIT_SECONDS = 600.0
CLIENT_GAVE_UP = 499
AUTH_CODE_LIFETIME = 600.0
OAUTH_V2_CLIENT_ID = "ios"
LEGACY_CLIENT_ID = "android"

_ACCOUNT = "/api/v1/accounts/{account_id}"
_CAMERA = "/network/{network_id}/camera/{camera_id}"
_OWL = _ACCOUNT + "/networks/{network_id}/owls/{camera_id}"
_DOORBELL = _ACCOUNT + "/networks/{network_id}/doorbells/{camera_id}"
_LOCAL_STORAGE = _ACCOUNT + "/networks/{network_id}/sync_modules/{sync_id}/local_storage"

_THUMBNAIL_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4"
    "UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcI"
    "CQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRol"
    "JicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ip"
    "qrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAA"
    "AAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLR"
    "ChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaX"
    "mJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEA"
    "PwDIooor1DgP/9k="
)


@dataclass(frozen=True)
class Endpoint:
    """One simulated endpoint: method, path template, name, and whether it needs a token."""

    method: str
    template: str
    name: str
    auth: bool = True


ENDPOINTS: tuple[Endpoint, ...] = (
    # OAuth host (api.oauth.blink.com)
    Endpoint("GET", "/oauth/v2/authorize", "oauth_authorize", auth=False),
    Endpoint("GET", "/oauth/v2/signin", "oauth_signin_page", auth=False),
    Endpoint("POST", "/oauth/v2/signin", "oauth_signin", auth=False),
    Endpoint("POST", "/oauth/v2/2fa/verify", "oauth_2fa_verify", auth=False),
    Endpoint("POST", "/oauth/token", "oauth_token", auth=False),
    # REST host (rest-{tier}.immedia-semi.com)
    Endpoint("GET", "/api/v1/users/tier_info", "tier_info"),
    Endpoint("GET", "/api/v3/accounts/{account_id}/homescreen", "homescreen"),
    Endpoint("GET", "/networks", "networks"),
    Endpoint("GET", "/api/v1/camera/usage", "camera_usage"),
    Endpoint("GET", "/user", "user"),
    Endpoint("GET", "/network/{network_id}", "network_status"),
    Endpoint("GET", "/network/{network_id}/syncmodules", "syncmodules"),
    Endpoint("POST", "/network/{network_id}/update", "network_update"),
    Endpoint("GET", "/network/{network_id}/cameras", "cameras"),
    Endpoint("GET", "/events/network/{network_id}", "sync_events"),
    Endpoint("GET", _CAMERA, "camera_status_result"),
    Endpoint("GET", _CAMERA + "/config", "camera_config"),
    Endpoint("POST", _CAMERA + "/update", "camera_update_config"),
    Endpoint("GET", _CAMERA + "/signals", "camera_signals"),
    Endpoint("POST", _CAMERA + "/status", "camera_status"),
    Endpoint("POST", _CAMERA + "/enable", "camera_enable"),
    Endpoint("POST", _CAMERA + "/disable", "camera_disable"),
    Endpoint("POST", _CAMERA + "/thumbnail", "camera_snap"),
    Endpoint("POST", _CAMERA + "/clip", "camera_record"),
    Endpoint(
        "POST",
        "/api/v6/accounts/{account_id}/networks/{network_id}/cameras/{camera_id}/liveview",
        "camera_liveview",
    ),
    Endpoint("GET", _OWL + "/config", "owl_config"),
    Endpoint("POST", _OWL + "/config", "owl_update_config"),
    Endpoint("POST", _OWL + "/status", "owl_status"),
    Endpoint("POST", _OWL + "/thumbnail", "owl_snap"),
    Endpoint("POST", _OWL + "/clip", "owl_record"),
    Endpoint("POST", _OWL + "/lights/{state}", "owl_lights"),
    Endpoint(
        "POST",
        "/api/v2/accounts/{account_id}/networks/{network_id}/owls/{camera_id}/liveview",
        "owl_liveview",
    ),
    Endpoint("GET", _DOORBELL + "/config", "doorbell_config"),
    Endpoint("POST", _DOORBELL + "/status", "doorbell_status"),
    Endpoint("POST", _DOORBELL + "/enable", "doorbell_enable"),
    Endpoint("POST", _DOORBELL + "/disable", "doorbell_disable"),
    Endpoint("POST", _DOORBELL + "/thumbnail", "doorbell_snap"),
    Endpoint("POST", _DOORBELL + "/clip", "doorbell_record"),
    Endpoint(
        "POST",
        "/api/v2/accounts/{account_id}/networks/{network_id}/doorbells/{camera_id}/liveview",
        "doorbell_liveview",
    ),
    Endpoint("POST", _LOCAL_STORAGE + "/manifest/request", "local_storage_manifest_request"),
    Endpoint("GET", _LOCAL_STORAGE + "/manifest/request/{request_id}", "local_storage_manifest"),
    Endpoint(
        "POST",
        _LOCAL_STORAGE + "/manifest/{manifest_id}/clip/request/{clip_id}",
        "local_storage_clip_request",
    ),
    Endpoint("GET", "/network/{network_id}/command/{command_id}", "command_status"),
    Endpoint("POST", "/network/{network_id}/command/{command_id}/done", "command_done"),
    Endpoint("POST", "/network/{network_id}/command/{command_id}/done/", "command_done"),
    Endpoint("POST", _ACCOUNT + "/networks/{network_id}/state/arm", "arm"),
    Endpoint("POST", _ACCOUNT + "/networks/{network_id}/state/disarm", "disarm"),
    Endpoint("GET", _ACCOUNT + "/notifications/configuration", "notifications"),
    Endpoint("POST", _ACCOUNT + "/notifications/configuration", "set_notifications"),
    Endpoint("GET", _ACCOUNT + "/media/changed", "media_changed"),
    Endpoint("GET", "/api/v2/videos/count", "video_count"),
    Endpoint(
        "GET",
        "/api/v3/media/accounts/{account_id}/networks/{network_id}/{product}/{camera_id}"
        "/thumbnail/thumbnail.jpg",
        "thumbnail_image",
    ),
    Endpoint("POST", "/api/v4/account/{account_id}/client/{client_id}/logout", "logout"),
    # Speed-test style probe endpoints (no Blink token needed).
    Endpoint("GET", "/__down", "probe_down", auth=False),
    Endpoint("POST", "/__up", "probe_up", auth=False),
)
ENDPOINT_NAMES = frozenset(e.name for e in ENDPOINTS)


def _json(data: Any, status: int = 200, **kwargs: Any) -> web.Response:
    return web.json_response(data, status=status, **kwargs)


def _error_response(status: int) -> web.Response:
    """Return the body Blink's front ends send with an error status."""
    if status in {101, 401}:
        return _json({"message": "Unauthorized Access", "code": 101}, status=401)
    if status == 406:  # noqa: PLR2004 - Cloudflare's block page is HTML
        body = "<html><head><title>406 Not Acceptable</title></head><body>blocked</body></html>"
        return web.Response(status=406, text=body, content_type="text/html")
    if status == 429:  # noqa: PLR2004
        return _json({"message": "Too many requests, please slow down.", "code": 429}, 429)
    if status >= 500:  # noqa: PLR2004 - load balancer error pages are HTML
        body = f"<html><head><title>{status} Error</title></head><body>{status}</body></html>"
        return web.Response(status=status, text=body, content_type="text/html")
    return _json({"message": "Request failed", "code": status}, status=status)


def _not_found(what: str) -> web.HTTPNotFound:
    return web.HTTPNotFound(
        text=json.dumps({"message": f"{what} not found", "code": 404}),
        content_type="application/json",
    )


def _int_param(request: web.Request, key: str) -> int:
    try:
        return int(request.match_info[key])
    except KeyError, ValueError:
        raise _not_found(key) from None


def _pkce_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _signin_page(csrf_token: str, error: str | None = None) -> str:
    args = json.dumps({"csrf-token": csrf_token, "client_id": OAUTH_V2_CLIENT_ID})
    message = f'<p class="error">{html.escape(error)}</p>' if error else ""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Blink - Sign in</title>"
        f'<script id="oauth-args" type="application/json">{args}</script></head>'
        "<body><form method='post' action='/oauth/v2/signin'>"
        f"{message}<input name='username'><input name='password' type='password'>"
        "</form></body></html>"
    )


class SimServer:
    """Runs the simulator: `await SimServer(world).start()`, then `await stop()`."""

    def __init__(self, world: World | None = None) -> None:
        """Create a server for `world` (the default scenario when None)."""
        self.world = world if world is not None else World()
        self.host = "127.0.0.1"
        self.port = 0
        self.tcp_port = 0
        self._runner: web.AppRunner | None = None
        self._tcp_server: asyncio.Server | None = None
        self._stopping = asyncio.Event()
        self._endpoint_by_resource: dict[str, Endpoint] = {}

    @property
    def url(self) -> str:
        """Base URL, e.g. `http://127.0.0.1:PORT` (no trailing slash)."""
        return f"http://{self.host}:{self.port}"

    async def __aenter__(self) -> Self:
        """Start on 127.0.0.1 with free ports."""
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Stop."""
        await self.stop()

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Start serving HTTP on host:port (0 = a free port) and the plain TCP listener."""
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
        self._tcp_server = await asyncio.start_server(self._tcp_client, host, 0)
        self.tcp_port = int(self._tcp_server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop both listeners; hanging (time-out fault) requests are released first."""
        self._stopping.set()
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
            handler = getattr(self, f"_h_{endpoint.name}")
            route = app.router.add_route(endpoint.method, endpoint.template, handler)
            self._endpoint_by_resource[self._resource_key(endpoint.method, route)] = endpoint
        app.router.add_route("GET", "/_sim/{action}", self._control)
        app.router.add_route("POST", "/_sim/{action}", self._control)
        return app

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
                return _error_response(401)
            if "account_id" in request.match_info and (
                request.match_info["account_id"] != str(account.account_id)
            ):
                return _json({"message": "Forbidden", "code": 403}, status=403)
            request["account"] = account
        return await handler(request)

    async def _apply_fault(self, fault: Fault) -> web.StreamResponse | None:
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.timeout:
            # Hang until the client gives up (handler cancelled) or the server stops.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), HANG_LIMIT_SECONDS)
            return _error_response(504)
        if fault.malformed:
            return web.Response(
                status=fault.status or 200,
                body=b'{"truncated": [1, 2',
                content_type="application/json",
            )
        if fault.status is not None:
            return _error_response(fault.status)
        return None

    def _bearer_account(self, request: web.Request) -> Account | None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        return self.world.account_for_token(token.strip())

    @staticmethod
    def _account(request: web.Request) -> Account:
        account: Account = request["account"]
        return account

    def _network(self, request: web.Request) -> Network:
        account = self._account(request)
        network = self.world.networks.get(_int_param(request, "network_id"))
        if network is None or network.account_id != account.account_id:
            raise _not_found("Network")
        return network

    def _camera(self, request: web.Request, family: Family) -> Camera:
        network = self._network(request)
        camera = self.world.camera_by_id(network.network_id, _int_param(request, "camera_id"))
        if camera is None or camera.family != family:
            raise _not_found("Camera")
        return camera

    def _command_response(
        self, request: web.Request, kind: str, camera: Camera | None, network: Network
    ) -> web.Response:
        ok = self.world.camera_online(camera) if camera is not None else True
        if camera is None:
            module = self.world.network_sync_module(network.network_id)
            ok = module is None or self.world.sync_module_online(module)
        cmd = self.world.new_command(
            network.network_id, kind, camera.serial if camera else None, ok=ok
        )
        return _json(payloads.command(cmd, self._account(request)))

    # ------------------------------------------------------------------------- OAuth

    def _flow_for(self, request: web.Request, states: set[str]) -> tuple[OAuthFlow | None, bool]:
        """Find the sign-in flow of this client: by cookie, else the best eligible one.

        aiohttp's default cookie jar ignores cookies set by an IP-address host such as
        127.0.0.1, so clients that would carry Blink's session cookie may arrive without it.
        Then the newest eligible flow wins, preferring one whose previous step came over the
        same connection (blinkpy's steps reuse one keep-alive connection).
        """
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie is not None:
            flow = self.world.flows.get(cookie)
            return (flow if flow is not None and flow.state in states else None), True
        if self.world.require_cookies:
            return None, False
        peer = _peer(request)
        eligible = [f for f in self.world.flows.values() if f.state in states]
        if not eligible:
            return None, False
        return max(eligible, key=lambda f: (peer is not None and f.peer == peer, f.created)), False

    def _flow_by_csrf(self, csrf: str) -> OAuthFlow | None:
        if not csrf:
            return None
        return next((f for f in self.world.flows.values() if f.csrf_token == csrf), None)

    async def _h_oauth_authorize(self, request: web.Request) -> web.Response:
        query = request.query
        if "client_id" in query or "code_challenge" in query:
            hardware_id = query.get("hardware_id")
            if hardware_id in BLOCKED_HARDWARE_IDS:
                return _error_response(406)
            if (
                query.get("client_id") != OAUTH_V2_CLIENT_ID
                or query.get("response_type") != "code"
                or query.get("code_challenge_method") != "S256"
                or not query.get("code_challenge")
                or not hardware_id
            ):
                return _json({"error": "invalid_request"}, status=400)
            flow = self.world.new_flow(
                hardware_id=hardware_id,
                code_challenge=query["code_challenge"],
                redirect_uri=query.get("redirect_uri", ""),
            )
            flow.peer = _peer(request)
            response = web.Response(status=302, headers={"Location": "/oauth/v2/signin"})
            response.set_cookie(SESSION_COOKIE, flow.session_id, httponly=True, path="/")
            return response
        # Second visit (cookies only): hand out an authorization code when signed in.
        found, _ = self._flow_for(request, {"authenticated"})
        if found is None or found.account_id is None:
            return web.Response(status=302, headers={"Location": "/oauth/v2/signin"})
        code = secrets.token_urlsafe(24)
        self.world.auth_codes[code] = AuthCode(
            flow=found,
            account_id=found.account_id,
            expires_at=self.world.now() + AUTH_CODE_LIFETIME,
        )
        found.state = "done"
        location = f"{found.redirect_uri}?{urlencode({'code': code, 'state': found.session_id})}"
        return web.Response(status=302, headers={"Location": location})

    async def _h_oauth_signin_page(self, request: web.Request) -> web.Response:
        flow, _ = self._flow_for(request, {"new"})
        if flow is None:
            flow = self.world.new_flow(hardware_id=None, code_challenge=None, redirect_uri="")
        flow.csrf_token = secrets.token_urlsafe(24)
        flow.peer = _peer(request)
        return web.Response(text=_signin_page(flow.csrf_token), content_type="text/html")

    async def _h_oauth_signin(self, request: web.Request) -> web.Response:
        form = await request.post()
        flow = self._flow_by_csrf(str(form.get("csrf-token", "")))
        if flow is None or flow.state != "new":
            return _json({"error": "invalid_csrf_token"}, status=403)
        account = self.world.account_by_email(str(form.get("username", "")))
        if account is None or account.password != str(form.get("password", "")):
            return _json(
                {"error": "invalid_credentials", "message": "Invalid email or password"},
                status=401,
            )
        flow.account_id = account.account_id
        flow.peer = _peer(request)
        if account.two_factor == "none":
            flow.state = "authenticated"
            return web.Response(status=303, headers={"Location": "/oauth/v2/authorize"})
        flow.state = "needs_2fa"
        challenge = {
            "next_time_in_secs": 60,
            "phone": "+1******0000",
            "tsv_methods": ["sms", "whatsapp", "voice"],
            "tsv_state": "sms",
        }
        return _json(challenge, status=412 if account.two_factor == "412" else 202)

    async def _h_oauth_2fa_verify(self, request: web.Request) -> web.Response:
        form = await request.post()
        flow = self._flow_by_csrf(str(form.get("csrf-token", "")))
        if flow is None or flow.state != "needs_2fa" or flow.account_id is None:
            return _json({"error": "invalid_csrf_token"}, status=403)
        account = self.world.account(flow.account_id)
        if account is None or str(form.get("2fa_code", "")).strip() != account.pin:
            return _json({"status": "invalid-code", "message": "Invalid code"}, status=400)
        flow.state = "authenticated"
        flow.peer = _peer(request)
        return _json({"status": "auth-completed"}, status=201)

    async def _h_oauth_token(self, request: web.Request) -> web.Response:
        form = await request.post()
        grant = str(form.get("grant_type", ""))
        hardware_id = str(form.get("hardware_id") or request.headers.get("hardware_id") or "")
        if hardware_id in BLOCKED_HARDWARE_IDS:
            return _error_response(406)
        if grant == "authorization_code":
            return self._code_grant(form, hardware_id)
        if grant == "refresh_token":
            return self._refresh_grant(str(form.get("refresh_token", "")), hardware_id)
        if grant == "password":
            # Retired by Blink in 2026: the legacy password grant is refused.
            return _json({"error": "unsupported_grant_type"}, status=401)
        return _json({"error": "unsupported_grant_type"}, status=400)

    def _code_grant(self, form: Any, hardware_id: str) -> web.Response:
        code = self.world.auth_codes.pop(str(form.get("code", "")), None)
        invalid = _json({"error": "invalid_grant"}, status=400)
        if code is None or self.world.now() >= code.expires_at:
            return invalid
        flow = code.flow
        if form.get("client_id") != OAUTH_V2_CLIENT_ID:
            return _json({"error": "invalid_client"}, status=401)
        if flow.redirect_uri and form.get("redirect_uri") != flow.redirect_uri:
            return invalid
        verifier = str(form.get("code_verifier", ""))
        if flow.code_challenge is None or _pkce_s256(verifier) != flow.code_challenge:
            return invalid
        if flow.hardware_id and hardware_id != flow.hardware_id:
            return invalid
        return _json(self.world.issue_tokens(code.account_id, hardware_id or None))

    def _refresh_grant(self, refresh_token: str, hardware_id: str) -> web.Response:
        issued = self.world.refresh_tokens.get(refresh_token)
        if issued is None or issued.used:
            return _json({"error": "invalid_grant", "error_description": "invalid token"}, 401)
        if issued.hardware_id and hardware_id != issued.hardware_id:
            return _json({"error": "invalid_grant", "error_description": "hardware_id"}, 401)
        # Rotation: the presented refresh token can never be used again.
        issued.used = True
        return _json(self.world.issue_tokens(issued.account_id, issued.hardware_id))

    # ------------------------------------------------------------------------- REST

    async def _h_tier_info(self, request: web.Request) -> web.Response:
        account = self._account(request)
        return _json({"tier": account.tier, "account_id": account.account_id})

    async def _h_homescreen(self, request: web.Request) -> web.Response:
        account = self._account(request)
        return _json(
            payloads.homescreen(self.world, account),
            headers={"Client-Id": str(account.client_id), "User-Id": str(account.user_id)},
        )

    async def _h_networks(self, request: web.Request) -> web.Response:
        return _json(payloads.networks(self.world, self._account(request)))

    async def _h_camera_usage(self, request: web.Request) -> web.Response:
        return _json(payloads.camera_usage(self.world, self._account(request)))

    async def _h_user(self, request: web.Request) -> web.Response:
        account = self._account(request)
        return _json(
            {
                "user_id": account.user_id,
                "account_id": account.account_id,
                "email": account.email,
                "verified": True,
                "country": "GB",
            }
        )

    async def _h_network_status(self, request: web.Request) -> web.Response:
        return _json({"network": payloads.network_object(self.world, self._network(request))})

    async def _h_syncmodules(self, request: web.Request) -> web.Response:
        network = self._network(request)
        module = self.world.network_sync_module(network.network_id)
        if module is None:
            raise _not_found("Sync module")
        return _json(payloads.syncmodules(self.world, module, self._account(request)))

    async def _h_network_update(self, request: web.Request) -> web.Response:
        return _json({"network": payloads.network_object(self.world, self._network(request))})

    async def _h_cameras(self, request: web.Request) -> web.Response:
        network = self._network(request)
        account = self._account(request)
        cams = self.world.network_cameras(network.network_id, "camera")
        return _json(
            {"cameras": [payloads.camera_config(self.world, account, c)["camera"][0] for c in cams]}
        )

    async def _h_sync_events(self, request: web.Request) -> web.Response:
        self._network(request)
        return _json({"event": []})

    async def _h_camera_status_result(self, request: web.Request) -> web.Response:
        return _json(payloads.camera_status(self.world, self._camera(request, "camera")))

    async def _h_camera_config(self, request: web.Request) -> web.Response:
        camera = self._camera(request, "camera")
        return _json(payloads.camera_config(self.world, self._account(request), camera))

    async def _h_camera_update_config(self, request: web.Request) -> web.Response:
        self._camera(request, "camera")
        return _json({"message": "Camera updated", "code": 200})

    async def _h_camera_signals(self, request: web.Request) -> web.Response:
        return _json(payloads.camera_signals(self.world, self._camera(request, "camera")))

    async def _camera_command(
        self, request: web.Request, family: Family, kind: str
    ) -> web.Response:
        camera = self._camera(request, family)
        if kind in {"enable", "disable"}:
            camera.enabled = kind == "enable"
        return self._command_response(request, kind, camera, self._network(request))

    async def _h_camera_status(self, request: web.Request) -> web.Response:
        return await self._camera_command(request, "camera", "camera_status")

    async def _h_camera_enable(self, request: web.Request) -> web.Response:
        return await self._camera_command(request, "camera", "enable")

    async def _h_camera_disable(self, request: web.Request) -> web.Response:
        return await self._camera_command(request, "camera", "disable")

    async def _h_camera_snap(self, request: web.Request) -> web.Response:
        return await self._camera_command(request, "camera", "thumbnail")

    async def _h_camera_record(self, request: web.Request) -> web.Response:
        return await self._camera_command(request, "camera", "clip")

    async def _liveview(self, request: web.Request, family: Family) -> web.Response:
        camera = self._camera(request, family)
        network = self._network(request)
        account = self._account(request)
        cmd = self.world.new_command(
            network.network_id, "lv_relay", camera.serial, ok=self.world.camera_online(camera)
        )
        return _json(payloads.liveview(cmd, camera, account, self.host, self.tcp_port))

    async def _h_camera_liveview(self, request: web.Request) -> web.Response:
        return await self._liveview(request, "camera")

    async def _h_owl_config(self, request: web.Request) -> web.Response:
        return _json(device_config(self.world, self._camera(request, "owl")))

    async def _h_owl_update_config(self, request: web.Request) -> web.Response:
        camera = self._camera(request, "owl")
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            body = json.loads(await request.text() or "{}")
            if "enabled" in body:
                camera.enabled = bool(body["enabled"])
        return self._command_response(request, "config", camera, self._network(request))

    async def _h_owl_status(self, request: web.Request) -> web.Response:
        return await self._camera_command(request, "owl", "owl_status")

    async def _h_owl_snap(self, request: web.Request) -> web.Response:
        return await self._camera_command(request, "owl", "thumbnail")

    async def _h_owl_record(self, request: web.Request) -> web.Response:
        return await self._camera_command(request, "owl", "clip")

    async def _h_owl_lights(self, request: web.Request) -> web.Response:
        if request.match_info.get("state") not in {"on", "off"}:
            raise _not_found("Action")
        return await self._camera_command(request, "owl", "lights")

    async def _h_owl_liveview(self, request: web.Request) -> web.Response:
        return await self._liveview(request, "owl")

    async def _h_doorbell_config(self, request: web.Request) -> web.Response:
        return _json(device_config(self.world, self._camera(request, "lotus")))

    async def _h_doorbell_status(self, request: web.Request) -> web.Response:
        return await self._camera_command(request, "lotus", "doorbell_status")

    async def _h_doorbell_enable(self, request: web.Request) -> web.Response:
        return await self._camera_command(request, "lotus", "enable")

    async def _h_doorbell_disable(self, request: web.Request) -> web.Response:
        return await self._camera_command(request, "lotus", "disable")

    async def _h_doorbell_snap(self, request: web.Request) -> web.Response:
        return await self._camera_command(request, "lotus", "thumbnail")

    async def _h_doorbell_record(self, request: web.Request) -> web.Response:
        return await self._camera_command(request, "lotus", "clip")

    async def _h_doorbell_liveview(self, request: web.Request) -> web.Response:
        return await self._liveview(request, "lotus")

    def _local_storage_module(self, request: web.Request) -> SyncModule:
        network = self._network(request)
        module = self.world.network_sync_module(network.network_id)
        if module is None or module.sync_id != _int_param(request, "sync_id"):
            raise _not_found("Sync module")
        return module

    def _sync_module_command(self, request: web.Request, kind: str) -> web.Response:
        module = self._local_storage_module(request)
        cmd = self.world.new_command(
            module.network_id, kind, module.serial, ok=self.world.sync_module_online(module)
        )
        return _json(payloads.command(cmd, self._account(request)))

    async def _h_local_storage_manifest_request(self, request: web.Request) -> web.Response:
        return self._sync_module_command(request, "local_storage_manifest")

    async def _h_local_storage_manifest(self, request: web.Request) -> web.Response:
        module = self._local_storage_module(request)
        request_id = _int_param(request, "request_id")
        cmd = self.world.commands.get(request_id)
        if cmd is None or cmd.serial != module.serial:
            raise _not_found("Manifest request")
        return _json(local_storage.manifest(self.world, module, request_id))

    async def _h_local_storage_clip_request(self, request: web.Request) -> web.Response:
        return self._sync_module_command(request, "local_storage_clip")

    def _command(self, request: web.Request) -> tuple[Network, int]:
        network = self._network(request)
        command_id = _int_param(request, "command_id")
        cmd = self.world.commands.get(command_id)
        if cmd is None or cmd.network_id != network.network_id:
            raise _not_found("Command")
        return network, command_id

    async def _h_command_status(self, request: web.Request) -> web.Response:
        _, command_id = self._command(request)
        return _json(payloads.command_status(self.world.commands[command_id]))

    async def _h_command_done(self, request: web.Request) -> web.Response:
        _, command_id = self._command(request)
        self.world.commands[command_id].done = True
        return _json({"message": f"Command {command_id} set to :done", "code": 902})

    async def _arm(self, request: web.Request, *, armed: bool) -> web.Response:
        network = self._network(request)
        network.armed = armed
        return self._command_response(request, "arm" if armed else "disarm", None, network)

    async def _h_arm(self, request: web.Request) -> web.Response:
        return await self._arm(request, armed=True)

    async def _h_disarm(self, request: web.Request) -> web.Response:
        return await self._arm(request, armed=False)

    async def _h_notifications(self, request: web.Request) -> web.Response:
        self._account(request)
        return _json(
            {
                "notifications": {
                    "low_battery": True,
                    "camera_offline": True,
                    "camera_usage": True,
                    "scheduling": True,
                    "motion": True,
                    "sync_module_offline": True,
                    "temperature": True,
                    "doorbell": True,
                    "wifi": True,
                    "lfr": True,
                    "bandwidth": True,
                    "battery_dead": True,
                    "local_storage": True,
                    "accessory_connected": True,
                    "accessory_disconnected": True,
                    "accessory_low_battery": True,
                    "general": True,
                    "cv_motion": True,
                }
            }
        )

    async def _h_set_notifications(self, request: web.Request) -> web.Response:
        self._account(request)
        return _json({"message": "Notifications Updated Successfully", "code": 200})

    async def _h_media_changed(self, request: web.Request) -> web.Response:
        self._account(request)
        return _json({"limit": 25, "purge_id": 0, "refresh_count": 0, "media": []})

    async def _h_video_count(self, request: web.Request) -> web.Response:
        self._account(request)
        return _json({"count": 0})

    async def _h_thumbnail_image(self, request: web.Request) -> web.Response:
        network = self._network(request)
        camera_id = _int_param(request, "camera_id")
        if self.world.camera_by_id(network.network_id, camera_id) is None:
            raise _not_found("Media")
        return web.Response(body=_THUMBNAIL_JPEG, content_type="image/jpeg")

    async def _h_logout(self, request: web.Request) -> web.Response:
        _, _, token = request.headers.get("Authorization", "").partition(" ")
        self.world.access_tokens.pop(token.strip(), None)
        return _json({"message": "logout"})

    # ------------------------------------------------------------------------- probes

    async def _h_probe_down(self, request: web.Request) -> web.StreamResponse:
        try:
            size = int(request.query.get("bytes", "0"))
        except ValueError:
            return _json({"error": "bytes must be an integer"}, status=400)
        if size < 0:
            return _json({"error": "bytes must be >= 0"}, status=400)
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
        return _json({"bytes": received})

    # ------------------------------------------------------------------------- control API

    async def _control(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                return _json({"error": "body must be JSON"}, status=400)
            if body is not None and not isinstance(body, dict):
                return _json({"error": "body must be a JSON object"}, status=400)
            args.update(body or {})
        try:
            result = self._run_control(request.method, action, args)
        except UnknownDeviceError as err:
            return _json({"error": str(err.args[0] if err.args else err)}, status=404)
        except (SimError, TypeError, ValueError, KeyError) as err:
            return _json({"error": str(err)}, status=400)
        if result is _NOT_FOUND:
            return _json({"error": f"unknown control action {action!r}"}, status=404)
        return _json({"ok": True, "result": result})

    def _run_control(self, method: str, action: str, args: dict[str, Any]) -> Any:
        world = self.world
        reads: dict[str, Callable[[], Any]] = {
            "log": lambda: [e.as_dict() for e in world.request_log],
            "counts": world.request_counts,
            "endpoint_counts": world.endpoint_counts,
            "state": world.snapshot,
            "faults": lambda: [f.as_dict() for f in world.faults],
            "is_powered": lambda: world.is_powered(str(args["serial"])),
            "is_online": lambda: world.is_online(str(args["serial"])),
            "info": lambda: {"url": self.url, "port": self.port, "tcp_port": self.tcp_port},
        }
        if action in reads:
            return reads[action]()
        if method != "POST":
            return _NOT_FOUND
        writes: dict[str, Callable[[], Any]] = {
            "power_off": lambda: world.power_off(str(args["serial"])),
            "power_on": lambda: world.power_on(str(args["serial"])),
            "set_signals": lambda: world.set_signals(
                str(args["serial"]),
                wifi_bars=args.get("wifi_bars"),
                wifi_dbm=args.get("wifi_dbm"),
                lfr_bars=args.get("lfr_bars"),
                lfr_dbm=args.get("lfr_dbm"),
            ),
            "set_device_config": lambda: world.set_device_config(
                str(args["serial"]),
                wifi_dbm=args.get("wifi_dbm"),
                lfr_dbm=args.get("lfr_dbm"),
                temperature=args.get("temperature"),
                battery=args.get("battery"),
                config_wifi=args.get("config_wifi"),
            ),
            "set_config_body": lambda: world.set_config_body(str(args["serial"]), args.get("body")),
            "set_status": lambda: world.set_status(str(args["serial"]), _truthy(args["online"])),
            "set_sync_module": lambda: world.set_sync_module(
                str(args["serial"]),
                online=None if args.get("online") is None else _truthy(args["online"]),
                wifi_bars=args.get("wifi_bars"),
                last_hb=args.get("last_hb"),
            ),
            "set_poor_connection": lambda: world.set_poor_connection(
                str(args["serial"]), _truthy(args.get("flag", args.get("poor_connection")))
            ),
            "delete_camera": lambda: world.delete_camera(str(args["serial"])),
            "add_camera_back": lambda: {"camera_id": world.add_camera_back(str(args["serial"]))},
            "inject_fault": lambda: world.inject_fault(
                str(args["endpoint"]),
                status=args.get("status"),
                delay=args.get("delay"),
                timeout=_truthy(args.get("timeout", False)),
                malformed=_truthy(args.get("malformed", False)),
                count=args.get("count"),
            ).as_dict(),
            "clear_faults": world.clear_faults,
            "reset": world.reset,
            "clear_log": world.clear_log,
            "expire_tokens": world.expire_tokens,
            "set_token_lifetime": lambda: world.set_token_lifetime(int(args["expires_in"])),
            "advance": lambda: world.advance(float(args["seconds"])),
            "set_tcp_close_delay": lambda: setattr(
                world, "tcp_close_delay", float(args["seconds"])
            ),
        }
        if action not in writes:
            return _NOT_FOUND
        return writes[action]()


_NOT_FOUND: Literal["__not_found__"] = "__not_found__"


def _peer(request: web.Request) -> str | None:
    """Return the client's address and port (identifies a keep-alive connection)."""
    transport = request.transport
    if transport is None:
        return None
    peername = transport.get_extra_info("peername")
    return str(peername) if peername else None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)
