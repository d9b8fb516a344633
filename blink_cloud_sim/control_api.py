"""The HTTP control API: `GET`/`POST /_sim/<name>` reads or changes the world (never faulted).

See the package docstring for the names and their arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from .http_util import json_reply, truthy
from .model import SimError, UnknownDeviceError

if TYPE_CHECKING:
    from collections.abc import Callable

    from aiohttp import web

    from .world import World

_NOT_FOUND: Literal["__not_found__"] = "__not_found__"


class ControlApi:
    """Runs control actions against a world; `info()` describes the running server."""

    def __init__(
        self, world: World, info: Callable[[], dict[str, Any]], media_ca: Callable[[], str]
    ) -> None:
        """Control `world`; `info` answers `GET /_sim/info`, `media_ca` `GET /_sim/media_ca`."""
        self.world = world
        self._info = info
        self._media_ca = media_ca

    async def handle(self, request: web.Request) -> web.Response:
        """Answer one `/_sim/<action>` request."""
        action = request.match_info["action"]
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                return json_reply({"error": "body must be JSON"}, status=400)
            if body is not None and not isinstance(body, dict):
                return json_reply({"error": "body must be a JSON object"}, status=400)
            args.update(body or {})
        try:
            result = self._run_control(request.method, action, args)
        except UnknownDeviceError as err:
            return json_reply({"error": str(err.args[0] if err.args else err)}, status=404)
        except (SimError, TypeError, ValueError, KeyError) as err:
            return json_reply({"error": str(err)}, status=400)
        if result is _NOT_FOUND:
            return json_reply({"error": f"unknown control action {action!r}"}, status=404)
        return json_reply({"ok": True, "result": result})

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
            "info": self._info,
            "media_ca": self._media_ca,
        }
        if action in reads:
            return reads[action]()
        if method != "POST":
            return _NOT_FOUND
        writes: dict[str, Callable[[], Any]] = {
            "power_off": lambda: world.power_off(str(args["serial"])),
            "power_on": lambda: world.power_on(str(args["serial"])),
            "set_signals": lambda: world.set_signals(
                str(args["serial"]), **_pick(args, "wifi_bars", "wifi_dbm", "lfr_bars", "lfr_dbm")
            ),
            "set_device_config": lambda: world.set_device_config(
                str(args["serial"]),
                **_pick(args, "wifi_dbm", "lfr_dbm", "temperature", "battery", "config_wifi"),
            ),
            "set_config_body": lambda: world.set_config_body(str(args["serial"]), args.get("body")),
            "set_status": lambda: world.set_status(str(args["serial"]), truthy(args["online"])),
            "set_sync_module": lambda: world.set_sync_module(
                str(args["serial"]),
                online=None if args.get("online") is None else truthy(args["online"]),
                wifi_bars=args.get("wifi_bars"),
                last_hb=args.get("last_hb"),
            ),
            "set_poor_connection": lambda: world.set_poor_connection(
                str(args["serial"]), truthy(args.get("flag", args.get("poor_connection")))
            ),
            "set_join_time": lambda: world.set_join_time(
                str(args["serial"]), float(args["seconds"])
            ),
            "set_never_joins": lambda: world.set_never_joins(
                str(args["serial"]), truthy(args.get("flag", args.get("never_joins")))
            ),
            "set_media": lambda: world.set_media(
                handshake_ms=None if args.get("handshake_ms") is None else args["handshake_ms"],
                reachable=None if args.get("reachable") is None else truthy(args["reachable"]),
            ),
            "delete_camera": lambda: world.delete_camera(str(args["serial"])),
            "add_camera_back": lambda: {"camera_id": world.add_camera_back(str(args["serial"]))},
            "inject_fault": lambda: world.inject_fault(
                str(args["endpoint"]),
                status=args.get("status"),
                delay=args.get("delay"),
                timeout=truthy(args.get("timeout", False)),
                malformed=truthy(args.get("malformed", False)),
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


def _pick(args: dict[str, Any], *names: str) -> dict[str, Any]:
    """The keyword arguments `names` as given, None where missing (None leaves a value as is)."""
    return {name: args.get(name) for name in names}
