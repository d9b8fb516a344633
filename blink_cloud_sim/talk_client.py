"""The three Blink calls of a talk path test over plain aiohttp (sim tests, `talk-path` bench).

`SimTalkClient` has the shape of the doctor's `TalkPathApi` (liveview request, command status,
command done) for one camera of a running simulator; the integration has its own implementation
over Blink's session.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import aiohttp

if TYPE_CHECKING:
    from .server import SimServer

# Liveview path per family (after /api/vN/accounts/{account}/networks/{network}/).
_LIVEVIEW = {
    "camera": "/api/v6/accounts/{a}/networks/{n}/cameras/{c}/liveview",
    "owl": "/api/v2/accounts/{a}/networks/{n}/owls/{c}/liveview",
    "lotus": "/api/v2/accounts/{a}/networks/{n}/doorbells/{c}/liveview",
}


class SimTalkClient:
    """Liveview request, command status and command done for one camera of a simulator."""

    def __init__(self, sim: SimServer, session: aiohttp.ClientSession, serial: str) -> None:
        """Talk to `sim` for the camera `serial` with a fresh token of its account."""
        camera = sim.world.camera(serial)
        network = sim.world.networks[camera.network_id]
        self._session = session
        self._base = sim.url
        self._network_id = camera.network_id
        self._liveview_url = sim.url + _LIVEVIEW[camera.family].format(
            a=network.account_id, n=camera.network_id, c=camera.camera_id
        )
        token = str(sim.world.issue_tokens(network.account_id, None)["access_token"])
        self._headers = {"Authorization": f"Bearer {token}"}

    async def request_liveview(self) -> tuple[int, object]:
        """POST the liveview request; return the HTTP status and JSON (None when not JSON)."""
        body = {"intent": "liveview", "motion_event_start_time": ""}
        async with self._session.post(
            self._liveview_url, json=body, headers=self._headers
        ) as response:
            return response.status, await _json(response)

    async def command_status(self, command_id: int) -> tuple[int, object]:
        """GET the command's status."""
        url = f"{self._base}/network/{self._network_id}/command/{command_id}"
        async with self._session.get(url, headers=self._headers) as response:
            return response.status, await _json(response)

    async def command_done(self, command_id: int) -> None:
        """POST command done (ends the live view)."""
        url = f"{self._base}/network/{self._network_id}/command/{command_id}/done/"
        async with self._session.post(url, headers=self._headers) as response:
            await response.read()


async def _json(response: aiohttp.ClientResponse) -> object:
    with contextlib.suppress(ValueError, aiohttp.ContentTypeError):
        return await response.json()
    return None
