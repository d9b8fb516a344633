"""Probe endpoints, the TCP listener and the HTTP control API."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from blink_cloud_sim.server import MAX_DOWNLOAD_BYTES
from tests.fixtures_sim import make_blink

if TYPE_CHECKING:
    from blink_cloud_sim import SimServer


async def _control(
    session: aiohttp.ClientSession, sim: SimServer, name: str, body: Any = None
) -> tuple[int, dict[str, Any]]:
    if body is None:
        response = await session.get(f"{sim.url}/_sim/{name}")
    else:
        response = await session.post(f"{sim.url}/_sim/{name}", json=body)
    async with response:
        return response.status, await response.json()


async def test_download_returns_exact_byte_count(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    for size in (0, 1, 65536, 1_000_001):
        async with blink_session.get(f"{blink_sim.url}/__down", params={"bytes": size}) as resp:
            assert resp.status == 200
            assert resp.content_length == size
            assert len(await resp.read()) == size
    entry = blink_sim.world.request_log[-1]
    assert (entry.endpoint, entry.query) == ("probe_down", "bytes=1000001")


async def test_download_is_capped_and_validated(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    url = f"{blink_sim.url}/__down"
    async with blink_session.get(url, params={"bytes": 10**12}) as resp:
        assert resp.content_length == MAX_DOWNLOAD_BYTES
    async with blink_session.get(url, params={"bytes": "lots"}) as resp:
        assert resp.status == 400
    async with blink_session.get(url, params={"bytes": -1}) as resp:
        assert resp.status == 400


async def test_upload_counts_bytes(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    for size in (0, 10, 3_000_000):
        async with blink_session.post(f"{blink_sim.url}/__up", data=b"x" * size) as resp:
            assert resp.status == 200
            assert await resp.json() == {"bytes": size}


async def test_probe_faults_are_honoured(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    world = blink_sim.world
    world.inject_fault("probe_down", status=503, count=1)
    async with blink_session.get(f"{blink_sim.url}/__down?bytes=10") as resp:
        assert resp.status == 503
    world.inject_fault("probe_up", delay=0.2, count=1)
    started = time.monotonic()
    async with blink_session.post(f"{blink_sim.url}/__up", data=b"abc") as resp:
        assert await resp.json() == {"bytes": 3}
    assert time.monotonic() - started >= 0.2
    world.inject_fault("/__down", timeout=True, count=1)
    timeout = aiohttp.ClientTimeout(total=0.2)
    with pytest.raises(TimeoutError):
        async with blink_session.get(f"{blink_sim.url}/__down?bytes=10", timeout=timeout):
            pass
    async with blink_session.get(f"{blink_sim.url}/__down?bytes=10") as resp:
        assert len(await resp.read()) == 10


async def test_tcp_listener_accepts_and_closes(blink_sim: SimServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", blink_sim.tcp_port)
    assert await reader.read() == b""  # closed by the server
    writer.close()
    await writer.wait_closed()

    blink_sim.world.tcp_close_delay = 0.2
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", blink_sim.tcp_port)
    assert await reader.read() == b""
    assert time.monotonic() - started >= 0.2
    writer.close()
    await writer.wait_closed()


async def test_http_control_api(blink_sim: SimServer, blink_session: aiohttp.ClientSession) -> None:
    world = blink_sim.world
    mini = "G8T30000MINI0001"
    assert await _control(blink_session, blink_sim, "power_off", {"serial": mini}) == (
        200,
        {"ok": True, "result": None},
    )
    assert world.is_powered(mini) is False
    status, body = await _control(blink_session, blink_sim, f"is_powered?serial={mini}")
    assert (status, body["result"]) == (200, False)
    await _control(blink_session, blink_sim, "power_on", {"serial": mini})
    assert world.is_powered(mini) is True
    assert world.is_online(mini) is False  # booting
    await _control(blink_session, blink_sim, "advance", {"seconds": 40})
    _, body = await _control(blink_session, blink_sim, f"is_online?serial={mini}")
    assert body["result"] is True

    await _control(
        blink_session, blink_sim, "set_signals", {"serial": mini, "wifi_bars": 1, "wifi_dbm": -90}
    )
    assert world.cameras[mini].wifi_bars == 1
    await _control(blink_session, blink_sim, "set_status", {"serial": mini, "online": False})
    assert world.is_online(mini) is False
    await _control(
        blink_session,
        blink_sim,
        "set_sync_module",
        {"serial": "G8T10000SM000001", "online": False, "wifi_bars": 2},
    )
    assert world.is_online("G8T10000SM000001") is False
    assert world.sync_modules["G8T10000SM000001"].wifi_bars == 2
    await _control(blink_session, blink_sim, "set_poor_connection", {"serial": mini, "flag": True})
    assert world.cameras[mini].poor_connection is True
    await _control(blink_session, blink_sim, "delete_camera", {"serial": mini})
    assert mini not in world.cameras
    status, body = await _control(blink_session, blink_sim, "add_camera_back", {"serial": mini})
    assert status == 200
    assert body["result"]["camera_id"] == world.cameras[mini].camera_id != 6000002

    status, body = await _control(
        blink_session, blink_sim, "inject_fault", {"endpoint": "homescreen", "status": 503}
    )
    assert (status, body["result"]["status"]) == (200, 503)
    _, body = await _control(blink_session, blink_sim, "faults")
    assert len(body["result"]) == 1
    await _control(blink_session, blink_sim, "clear_faults", {})
    assert world.faults == []

    _, body = await _control(blink_session, blink_sim, "state")
    assert {c["serial"] for c in body["result"]["cameras"]} == set(world.cameras)
    _, body = await _control(blink_session, blink_sim, "info")
    assert body["result"]["tcp_port"] == blink_sim.tcp_port

    await _control(blink_session, blink_sim, "reset", {})
    assert world.cameras[mini].camera_id == 6000002
    assert world.is_online("G8T10000SM000001") is True


async def test_http_control_errors_and_log(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    status, body = await _control(blink_session, blink_sim, "power_off", {"serial": "nope"})
    assert status == 404
    assert "nope" in body["error"]
    status, _ = await _control(blink_session, blink_sim, "power_off", {})
    assert status == 400
    status, _ = await _control(blink_session, blink_sim, "no_such_thing", {})
    assert status == 404
    status, _ = await _control(blink_session, blink_sim, "reset")  # GET of a write action
    assert status == 404
    status, _ = await _control(
        blink_session, blink_sim, "inject_fault", {"endpoint": "x", "status": 42}
    )
    assert status == 400
    async with blink_session.post(f"{blink_sim.url}/_sim/reset", data=b"[1]") as resp:
        assert resp.status == 400

    account = blink_sim.world.accounts[0]
    blink = make_blink(blink_session, account.email, account.password)
    assert await blink.start() is True
    _, body = await _control(blink_session, blink_sim, "log")
    assert body["result"][0]["endpoint"] == "oauth_authorize"
    assert all("/_sim/" not in e["path"] for e in body["result"])  # control calls not logged
    _, counts = await _control(blink_session, blink_sim, "counts")
    assert counts["result"]["/api/v1/camera/usage"] == 1
    _, by_name = await _control(blink_session, blink_sim, "endpoint_counts")
    assert by_name["result"]["camera_usage"] == 1
    await _control(blink_session, blink_sim, "expire_tokens", {})
    async with blink_session.get(
        f"{blink_sim.url}/networks", headers={"Authorization": f"Bearer {blink.auth.token}"}
    ) as resp:
        assert resp.status == 401
    await _control(blink_session, blink_sim, "set_token_lifetime", {"expires_in": 120})
    assert blink_sim.world.expires_in == 120
    await _control(blink_session, blink_sim, "clear_log", {})
    assert blink_sim.world.request_log == []
    await _control(blink_session, blink_sim, "set_tcp_close_delay", {"seconds": 0.5})
    assert blink_sim.world.tcp_close_delay == 0.5
