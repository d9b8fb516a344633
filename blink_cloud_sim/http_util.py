"""Small pieces every route module shares: JSON replies, Blink's error bodies, URL parameters."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Routes:
    """A group of endpoint handlers; the handler of endpoint `x` is the method `_h_x`."""

    def handler(self, name: str) -> Handler | None:
        """Return the handler of the endpoint called `name`, if this group has it."""
        found: Handler | None = getattr(self, f"_h_{name}", None)
        return found


def json_reply(data: Any, status: int = 200, **kwargs: Any) -> web.Response:
    """Answer with a JSON body."""
    return web.json_response(data, status=status, **kwargs)


def error_reply(status: int) -> web.Response:
    """Return the body Blink's front ends send with an error status."""
    if status in {101, 401}:
        return json_reply({"message": "Unauthorized Access", "code": 101}, status=401)
    if status == 406:  # noqa: PLR2004 - Cloudflare's block page is HTML
        body = "<html><head><title>406 Not Acceptable</title></head><body>blocked</body></html>"
        return web.Response(status=406, text=body, content_type="text/html")
    if status == 429:  # noqa: PLR2004
        return json_reply({"message": "Too many requests, please slow down.", "code": 429}, 429)
    if status >= 500:  # noqa: PLR2004 - load balancer error pages are HTML
        body = f"<html><head><title>{status} Error</title></head><body>{status}</body></html>"
        return web.Response(status=status, text=body, content_type="text/html")
    return json_reply({"message": "Request failed", "code": status}, status=status)


def not_found(what: str) -> web.HTTPNotFound:
    """Return Blink's 404 (raise it)."""
    return web.HTTPNotFound(
        text=json.dumps({"message": f"{what} not found", "code": 404}),
        content_type="application/json",
    )


def int_param(request: web.Request, key: str) -> int:
    """Return an integer path parameter; a missing or non-numeric one is a 404."""
    try:
        return int(request.match_info[key])
    except KeyError, ValueError:
        raise not_found(key) from None


def peer(request: web.Request) -> str | None:
    """Return the client's address and port (identifies a keep-alive connection)."""
    transport = request.transport
    if transport is None:
        return None
    peername = transport.get_extra_info("peername")
    return str(peername) if peername else None


def truthy(value: Any) -> bool:
    """Read a control-API flag given as a boolean or a string such as `true`, `1`, `on`."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)
