"""REST routes about the account and its networks: homescreen, sync modules, commands, arming.

Also the account-wide odds and ends blinkpy reads (notifications, media, logout).
"""

from __future__ import annotations

from aiohttp import web

from . import liveview, local_storage, payloads
from .homescreen import homescreen
from .http_util import int_param, json_reply, not_found
from .model import Network, SyncModule
from .rest_base import RestRoutes


class NetworkRoutes(RestRoutes):
    """Account- and network-level handlers of the REST host."""

    async def _h_tier_info(self, request: web.Request) -> web.Response:
        account = self._account(request)
        return json_reply({"tier": account.tier, "account_id": account.account_id})

    async def _h_homescreen(self, request: web.Request) -> web.Response:
        account = self._account(request)
        return json_reply(
            homescreen(self.world, account),
            headers={"Client-Id": str(account.client_id), "User-Id": str(account.user_id)},
        )

    async def _h_networks(self, request: web.Request) -> web.Response:
        return json_reply(payloads.networks(self.world, self._account(request)))

    async def _h_camera_usage(self, request: web.Request) -> web.Response:
        return json_reply(payloads.camera_usage(self.world, self._account(request)))

    async def _h_user(self, request: web.Request) -> web.Response:
        account = self._account(request)
        return json_reply(
            {
                "user_id": account.user_id,
                "account_id": account.account_id,
                "email": account.email,
                "verified": True,
                "country": "GB",
            }
        )

    async def _h_network_status(self, request: web.Request) -> web.Response:
        return json_reply({"network": payloads.network_object(self.world, self._network(request))})

    async def _h_syncmodules(self, request: web.Request) -> web.Response:
        network = self._network(request)
        module = self.world.network_sync_module(network.network_id)
        if module is None:
            raise not_found("Sync module")
        return json_reply(payloads.syncmodules(self.world, module, self._account(request)))

    async def _h_network_update(self, request: web.Request) -> web.Response:
        return json_reply({"network": payloads.network_object(self.world, self._network(request))})

    async def _h_sync_events(self, request: web.Request) -> web.Response:
        self._network(request)
        return json_reply({"event": []})

    def _local_storage_module(self, request: web.Request) -> SyncModule:
        network = self._network(request)
        module = self.world.network_sync_module(network.network_id)
        if module is None or module.sync_id != int_param(request, "sync_id"):
            raise not_found("Sync module")
        return module

    def _sync_module_command(self, request: web.Request, kind: str) -> web.Response:
        module = self._local_storage_module(request)
        cmd = self.world.new_command(
            module.network_id, kind, module.serial, ok=self.world.sync_module_online(module)
        )
        return json_reply(payloads.command(cmd, self._account(request)))

    async def _h_local_storage_manifest_request(self, request: web.Request) -> web.Response:
        return self._sync_module_command(request, "local_storage_manifest")

    async def _h_local_storage_manifest(self, request: web.Request) -> web.Response:
        module = self._local_storage_module(request)
        request_id = int_param(request, "request_id")
        cmd = self.world.commands.get(request_id)
        if cmd is None or cmd.serial != module.serial:
            raise not_found("Manifest request")
        return json_reply(local_storage.manifest(self.world, module, request_id))

    async def _h_local_storage_clip_request(self, request: web.Request) -> web.Response:
        return self._sync_module_command(request, "local_storage_clip")

    def _command(self, request: web.Request) -> tuple[Network, int]:
        network = self._network(request)
        command_id = int_param(request, "command_id")
        cmd = self.world.commands.get(command_id)
        if cmd is None or cmd.network_id != network.network_id:
            raise not_found("Command")
        return network, command_id

    async def _h_command_status(self, request: web.Request) -> web.Response:
        _, command_id = self._command(request)
        cmd = self.world.commands[command_id]
        if cmd.kind == liveview.LIVEVIEW_COMMAND:
            return json_reply(liveview.command_status(cmd, self.world.now()))
        return json_reply(payloads.command_status(cmd))

    async def _h_command_done(self, request: web.Request) -> web.Response:
        _, command_id = self._command(request)
        self.world.commands[command_id].done = True
        return json_reply({"message": f"Command {command_id} set to :done", "code": 902})

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
        return json_reply(
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
        return json_reply({"message": "Notifications Updated Successfully", "code": 200})

    async def _h_media_changed(self, request: web.Request) -> web.Response:
        self._account(request)
        return json_reply({"limit": 25, "purge_id": 0, "refresh_count": 0, "media": []})

    async def _h_video_count(self, request: web.Request) -> web.Response:
        self._account(request)
        return json_reply({"count": 0})

    async def _h_logout(self, request: web.Request) -> web.Response:
        _, _, token = request.headers.get("Authorization", "").partition(" ")
        self.world.access_tokens.pop(token.strip(), None)
        return json_reply({"message": "logout"})

    # ------------------------------------------------------------------------- probes
