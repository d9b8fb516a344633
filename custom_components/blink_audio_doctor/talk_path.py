"""Blink's live-view requests for a talk-path test, sent with the session's current token.

`doctor.talk_path.run_talk_path` drives the test; this module gives it the three requests of the
Blink app (ask for a live view, ask how the command stands, end it) over Home Assistant's shared
HTTP session. Both modes send them the same way as the config reads (device_configs.py): with the
current token of the blinkpy object in use, read and never renewed or stored. In linked mode that
object is HA's Blink entry's; a refused token (401) makes the test "refused", and HA's Blink
entry is neither refreshed nor reloaded. The media server's certificate is checked with Home
Assistant's own client context: full verification, nothing else trusted.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientError, ClientResponse, ClientTimeout
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util.ssl import client_context

from .const import LOGGER
from .doctor.values import ident

# The live-view request of each homescreen section, as the Blink app (and blinkpy) sends it.
LIVEVIEW_PATHS: Mapping[str, str] = {
    "cameras": "/api/v6/accounts/{account}/networks/{network}/cameras/{device}/liveview",
    "owls": "/api/v2/accounts/{account}/networks/{network}/owls/{device}/liveview",
    "doorbells": "/api/v2/accounts/{account}/networks/{network}/doorbells/{device}/liveview",
}
LIVEVIEW_BODY: Mapping[str, Any] = {"intent": "liveview", "motion_event_start_time": None}
REQUEST_TIMEOUT = ClientTimeout(total=15)
NOT_ANSWERED = 0  # the "status" of a request that got no HTTP answer at all


def media_ssl_context() -> ssl.SSLContext:
    """The context the media server's TLS handshake is checked with: Home Assistant's own."""
    return client_context()


@dataclass(frozen=True, slots=True)
class LiveviewTarget:
    """Where a camera's live view is asked for: its homescreen section and ids."""

    section: str
    network_id: str
    device_id: str


def liveview_target(homescreen: object, serial: str) -> LiveviewTarget | None:
    """The camera's live-view target from the homescreen; None when it is not listed."""
    if not isinstance(homescreen, Mapping):
        return None
    for section in LIVEVIEW_PATHS:
        devices = homescreen.get(section)
        for device in devices if isinstance(devices, list) else ():
            if not isinstance(device, Mapping) or ident(device.get("serial")) != serial:
                continue
            network_id, device_id = ident(device.get("network_id")), ident(device.get("id"))
            if network_id is not None and device_id is not None:
                return LiveviewTarget(section, network_id, device_id)
    return None


class BlinkTalkPathApi:
    """`doctor.talk_path.TalkPathApi` over Blink's session: one camera's live view."""

    def __init__(self, hass: HomeAssistant, blink: Any, target: LiveviewTarget) -> None:
        """Use `blink`'s current token and URLs (read once: a test is short)."""
        self._session = async_get_clientsession(hass)
        self._blink = blink
        self._target = target

    def _request(self, path: str) -> tuple[str, dict[str, str]] | None:
        """The URL and headers of a request now; None without a token."""
        try:
            headers = self._blink.auth.header
            base_url = self._blink.urls.base_url
            account = self._blink.account_id
        except AttributeError:
            return None
        if not isinstance(headers, Mapping):
            return None
        return f"{base_url}{path.format(account=account)}", dict(headers)

    async def _send(
        self, method: str, path: str, what: str, body: Mapping[str, Any] | None = None
    ) -> tuple[int, object]:
        """One request; its HTTP status and JSON body (`NOT_ANSWERED`, None without an answer)."""
        request = self._request(path)
        if request is None:
            return NOT_ANSWERED, None
        url, headers = request
        try:
            async with self._session.request(
                method,
                url,
                headers=headers,
                json=None if body is None else dict(body),
                timeout=REQUEST_TIMEOUT,
            ) as response:
                return response.status, await _json(response)
        except (ClientError, TimeoutError) as err:
            LOGGER.debug("Blink's %s not read: %r", what, err)
            return NOT_ANSWERED, None

    async def request_liveview(self) -> tuple[int, object]:
        """Ask Blink for a live view of the camera."""
        target = self._target
        path = LIVEVIEW_PATHS[target.section].replace("{network}", target.network_id)
        path = path.replace("{device}", target.device_id)
        return await self._send("POST", path, "live view", LIVEVIEW_BODY)

    async def command_status(self, command_id: int) -> tuple[int, object]:
        """How the live-view command stands."""
        path = f"/network/{self._target.network_id}/command/{command_id}"
        return await self._send("GET", path, "command status")

    async def command_done(self, command_id: int) -> None:
        """End the live view, as the app does when it closes one."""
        path = f"/network/{self._target.network_id}/command/{command_id}/done/"
        await self._send("POST", path, "command end")


async def _json(response: ClientResponse) -> object:
    try:
        return await response.json(content_type=None)
    except ValueError:
        return None
