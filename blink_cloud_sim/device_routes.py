"""REST routes of single devices: sync-module cameras, Minis ("owls") and doorbells ("lotus")."""

from __future__ import annotations

import base64
import contextlib
import functools
import json
from typing import TYPE_CHECKING

from aiohttp import web

from . import liveview, payloads
from .device_config import device_config
from .http_util import int_param, json_reply, not_found
from .model import Family

if TYPE_CHECKING:
    from .http_util import Handler
from .rest_base import RestRoutes

THUMBNAIL_JPEG = base64.b64decode(
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


# Endpoint name -> (device family, command kind) of the plain device commands.
_COMMANDS: dict[str, tuple[Family, str]] = {
    "camera_status": ("camera", "camera_status"),
    "camera_enable": ("camera", "enable"),
    "camera_disable": ("camera", "disable"),
    "camera_snap": ("camera", "thumbnail"),
    "camera_record": ("camera", "clip"),
    "owl_status": ("owl", "owl_status"),
    "owl_snap": ("owl", "thumbnail"),
    "owl_record": ("owl", "clip"),
    "doorbell_status": ("lotus", "doorbell_status"),
    "doorbell_enable": ("lotus", "enable"),
    "doorbell_disable": ("lotus", "disable"),
    "doorbell_snap": ("lotus", "thumbnail"),
    "doorbell_record": ("lotus", "clip"),
}
_LIVEVIEWS: dict[str, Family] = {
    "camera_liveview": "camera",
    "owl_liveview": "owl",
    "doorbell_liveview": "lotus",
}


class DeviceRoutes(RestRoutes):
    """Per-device handlers of the REST host: config, signals, commands, liveview, thumbnail."""

    def handler(self, name: str) -> Handler | None:
        """Return the handler of an endpoint; device commands and liveviews come from tables."""
        if name in _COMMANDS:
            family, kind = _COMMANDS[name]
            return functools.partial(self._camera_command, family=family, kind=kind)
        if name in _LIVEVIEWS:
            return functools.partial(self._liveview, family=_LIVEVIEWS[name])
        return super().handler(name)

    async def _h_cameras(self, request: web.Request) -> web.Response:
        network = self._network(request)
        account = self._account(request)
        cams = self.world.network_cameras(network.network_id, "camera")
        return json_reply(
            {"cameras": [payloads.camera_config(self.world, account, c)["camera"][0] for c in cams]}
        )

    async def _h_camera_status_result(self, request: web.Request) -> web.Response:
        return json_reply(payloads.camera_status(self.world, self._camera(request, "camera")))

    async def _h_camera_config(self, request: web.Request) -> web.Response:
        camera = self._camera(request, "camera")
        return json_reply(payloads.camera_config(self.world, self._account(request), camera))

    async def _h_camera_update_config(self, request: web.Request) -> web.Response:
        self._camera(request, "camera")
        return json_reply({"message": "Camera updated", "code": 200})

    async def _h_camera_signals(self, request: web.Request) -> web.Response:
        return json_reply(payloads.camera_signals(self.world, self._camera(request, "camera")))

    async def _camera_command(
        self, request: web.Request, *, family: Family, kind: str
    ) -> web.Response:
        camera = self._camera(request, family)
        if kind in {"enable", "disable"}:
            camera.enabled = kind == "enable"
        return self._command_response(request, kind, camera, self._network(request))

    async def _liveview(self, request: web.Request, *, family: Family) -> web.Response:
        camera = self._camera(request, family)
        account = self._account(request)
        cmd = self.world.new_liveview(camera)
        host, media_port = self._relay()
        return json_reply(liveview.answer(cmd, camera, account, host, media_port))

    async def _h_owl_config(self, request: web.Request) -> web.Response:
        return json_reply(device_config(self.world, self._camera(request, "owl")))

    async def _h_owl_update_config(self, request: web.Request) -> web.Response:
        camera = self._camera(request, "owl")
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            body = json.loads(await request.text() or "{}")
            if "enabled" in body:
                camera.enabled = bool(body["enabled"])
        return self._command_response(request, "config", camera, self._network(request))

    async def _h_owl_lights(self, request: web.Request) -> web.Response:
        if request.match_info.get("state") not in {"on", "off"}:
            raise not_found("Action")
        return await self._camera_command(request, family="owl", kind="lights")

    async def _h_doorbell_config(self, request: web.Request) -> web.Response:
        return json_reply(device_config(self.world, self._camera(request, "lotus")))

    async def _h_thumbnail_image(self, request: web.Request) -> web.Response:
        network = self._network(request)
        camera_id = int_param(request, "camera_id")
        if self.world.camera_by_id(network.network_id, camera_id) is None:
            raise not_found("Media")
        return web.Response(body=THUMBNAIL_JPEG, content_type="image/jpeg")
