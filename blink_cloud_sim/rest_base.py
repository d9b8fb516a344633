"""What the REST host's handlers share: the signed-in account, its networks and cameras."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import payloads
from .http_util import Routes, int_param, json_reply, not_found

if TYPE_CHECKING:
    from collections.abc import Callable

    from aiohttp import web

    from .model import Account, Camera, Family, Network
    from .world import World


class RestRoutes(Routes):
    """Handlers of the REST host; the server has checked the bearer token before they run."""

    def __init__(self, world: World, relay: Callable[[], tuple[str, int]]) -> None:
        """Serve `world`; `relay()` gives the host and TCP port liveview answers point at."""
        self.world = world
        self._relay = relay

    @staticmethod
    def _account(request: web.Request) -> Account:
        account: Account = request["account"]
        return account

    def _network(self, request: web.Request) -> Network:
        account = self._account(request)
        network = self.world.networks.get(int_param(request, "network_id"))
        if network is None or network.account_id != account.account_id:
            raise not_found("Network")
        return network

    def _camera(self, request: web.Request, family: Family) -> Camera:
        network = self._network(request)
        camera = self.world.camera_by_id(network.network_id, int_param(request, "camera_id"))
        if camera is None or camera.family != family:
            raise not_found("Camera")
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
        return json_reply(payloads.command(cmd, self._account(request)))

    # ------------------------------------------------------------------------- OAuth
