"""A small client of Home Assistant's REST API: sign in, config and options flows, states.

Used by the demo (`demo.py`) and the restart benchmark; it starts nothing and owns no process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from pathlib import Path

USERNAME = "demo"
PASSWORD = "demo-password"  # noqa: S105 - the demo's published login
HASS_START_TIMEOUT = 300


class DemoError(Exception):
    """The demo cannot go on; the message says why."""


class HassApi:
    """Home Assistant's REST API, signed in as the demo user."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        """Talk to the instance at `base` (http://127.0.0.1:PORT)."""
        self.session = session
        self.base = base
        self.token = ""

    async def request(self, method: str, path: str, body: Any = None) -> Any:
        """One authenticated call; JSON in, JSON out."""
        async with self.session.request(
            method,
            f"{self.base}{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
        ) as response:
            text = await response.text()
            if response.status >= 400:  # noqa: PLR2004
                raise DemoError(f"{method} {path}: HTTP {response.status}: {text[:300]}")
            return json.loads(text) if text else None

    async def wait_until_up(self, proc: asyncio.subprocess.Process, log: Path) -> None:
        """Until the HTTP server answers."""
        deadline = time.monotonic() + HASS_START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.returncode is not None:
                raise DemoError(f"Home Assistant exited ({proc.returncode}); see {log}")
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with self.session.get(f"{self.base}/manifest.json") as response:
                    if response.status == 200:  # noqa: PLR2004
                        return
            await asyncio.sleep(0.5)
        raise DemoError(f"Home Assistant did not start within {HASS_START_TIMEOUT} s; see {log}")

    async def sign_in(self, username: str = USERNAME, password: str = PASSWORD) -> None:
        """The login flow a browser runs, then an access token."""
        client_id = f"{self.base}/"
        async with self.session.post(
            f"{self.base}/auth/login_flow",
            json={
                "client_id": client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.base}/?auth_callback=1",
            },
        ) as response:
            flow = await response.json()
        async with self.session.post(
            f"{self.base}/auth/login_flow/{flow['flow_id']}",
            json={"client_id": client_id, "username": username, "password": password},
        ) as response:
            result = await response.json()
        if result.get("type") != "create_entry":
            raise DemoError(f"cannot sign in as {username}: {result}")
        async with self.session.post(
            f"{self.base}/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": result["result"],
                "client_id": client_id,
            },
        ) as response:
            self.token = (await response.json())["access_token"]

    async def wait_running(self) -> None:
        """Until Home Assistant has finished starting."""
        deadline = time.monotonic() + HASS_START_TIMEOUT
        while (await self.request("GET", "/api/config"))["state"] != "RUNNING":
            if time.monotonic() > deadline:
                raise DemoError("Home Assistant did not finish starting")
            await asyncio.sleep(0.5)

    async def entries(self, domain: str) -> list[dict[str, Any]]:
        """Config entries of a domain, with their state."""
        found: list[dict[str, Any]] = await self.request(
            "GET", f"/api/config/config_entries/entry?domain={domain}"
        )
        return found

    async def wait_loaded(self, domain: str, within: float = 120) -> dict[str, Any]:
        """The domain's entry once it is loaded."""
        deadline = time.monotonic() + within
        while True:
            entries = await self.entries(domain)
            if entries and entries[0]["state"] == "loaded":
                return entries[0]
            if time.monotonic() > deadline:
                state = entries[0]["state"] if entries else "missing"
                raise DemoError(f"the {domain} entry did not load (state: {state})")
            await asyncio.sleep(0.5)

    async def flow(self, path: str, handler: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
        """Run a config or options flow: start it, then answer each step in turn."""
        result: dict[str, Any] = await self.request("POST", path, {"handler": handler})
        for answer in steps:
            if result["type"] in ("create_entry", "abort"):
                break
            result = await self.request("POST", f"{path}/{result['flow_id']}", answer)
        if result["type"] != "create_entry":
            raise DemoError(f"the {handler} flow ended with {result}")
        return result

    async def states(self) -> dict[str, str]:
        """Friendly name -> state of every entity."""
        states = await self.request("GET", "/api/states")
        return {s["attributes"].get("friendly_name", s["entity_id"]): s["state"] for s in states}
