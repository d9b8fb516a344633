"""Live views in the simulator: the command-status flow on the world clock and the media server.

The world clock is the fixture's ManualClock, so join times are exact; the media listener's
handshake delay is real time (it is what a client measures).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from typing import Any

import aiohttp
import pytest

from blink_cloud_sim import SimError, SimServer, World
from blink_cloud_sim.liveview import JOIN_TIMEOUT_S

MINI = "G8T30000MINI0001"
NETWORK = 4000001
MINI_LIVEVIEW = "/api/v2/accounts/1000001/networks/4000001/owls/6000002/liveview"


async def _call(
    sim: SimServer, session: aiohttp.ClientSession, method: str, path: str
) -> tuple[int, Any]:
    token = sim.world.issue_tokens(1000001, None)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    async with session.request(method, f"{sim.url}{path}", headers=headers) as response:
        return response.status, await response.json()


async def _liveview(sim: SimServer, session: aiohttp.ClientSession) -> int:
    status, answer = await _call(sim, session, "POST", MINI_LIVEVIEW)
    assert status == 200
    command_id: int = answer["command_id"]
    return command_id


async def _status(sim: SimServer, session: aiohttp.ClientSession, command_id: int) -> Any:
    status, body = await _call(sim, session, "GET", f"/network/{NETWORK}/command/{command_id}")
    assert status == 200
    return body


def _state(body: Any) -> tuple[int, str, str, bool]:
    command = body["commands"][0]
    return body["status_code"], command["state_condition"], command["state_stage"], body["complete"]


async def _control(sim: SimServer, session: aiohttp.ClientSession, action: str, **args: Any) -> Any:
    async with session.post(f"{sim.url}/_sim/{action}", json=args) as response:
        body = await response.json()
        assert response.status == 200, body
        return body["result"]


async def _handshake_ms(sim: SimServer, context: ssl.SSLContext | None = None) -> float:
    """Connect to the media listener and time the TLS handshake alone."""
    _, writer = await asyncio.open_connection("127.0.0.1", sim.media_port)
    try:
        began = time.perf_counter()
        await writer.start_tls(context or sim.media_client_context(), server_hostname="127.0.0.1")
        elapsed = (time.perf_counter() - began) * 1000
        writer.write(b"whatever the app would send")  # read and thrown away
        await writer.drain()
    finally:
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), 2)
    return elapsed


async def test_the_camera_joins_after_its_join_time_on_the_world_clock(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    await _control(blink_sim, blink_session, "set_join_time", serial=MINI, seconds=5)
    command_id = await _liveview(blink_sim, blink_session)
    assert _state(await _status(blink_sim, blink_session, command_id)) == (
        908,
        "running",
        "dev",
        False,
    )
    blink_sim.world.advance(4.9)
    assert _state(await _status(blink_sim, blink_session, command_id))[2] == "dev"
    blink_sim.world.advance(0.1)
    body = await _status(blink_sim, blink_session, command_id)
    assert _state(body) == (908, "running", "vs", False)
    assert body["commands"][0]["stage_vs"] is not None
    # The app ends the session: the command is done.
    status, _ = await _call(
        blink_sim, blink_session, "POST", f"/network/{NETWORK}/command/{command_id}/done/"
    )
    assert status == 200
    assert _state(await _status(blink_sim, blink_session, command_id)) == (
        908,
        "done",
        "vs",
        True,
    )
    counts = blink_sim.world.endpoint_counts()
    assert (counts["owl_liveview"], counts["command_status"], counts["command_done"]) == (1, 4, 1)


async def test_the_join_time_is_taken_when_the_live_view_is_asked_for(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    command_id = await _liveview(blink_sim, blink_session)  # default: 2 s
    blink_sim.world.set_join_time(MINI, 60)
    blink_sim.world.advance(2)
    assert _state(await _status(blink_sim, blink_session, command_id))[2] == "vs"


async def test_a_camera_that_never_joins_fails_like_the_published_answer(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    await _control(blink_sim, blink_session, "set_never_joins", serial=MINI, flag=True)
    command_id = await _liveview(blink_sim, blink_session)
    blink_sim.world.advance(JOIN_TIMEOUT_S - 0.1)
    assert _state(await _status(blink_sim, blink_session, command_id)) == (
        908,
        "running",
        "dev",
        False,
    )
    blink_sim.world.advance(0.1)
    body = await _status(blink_sim, blink_session, command_id)
    assert _state(body) == (523, "error", "dev", True)
    assert (body["status"], body["status_msg"]) == (1, "Live view failed")
    assert body["commands"][0]["command"] == "lv_relay"
    assert body["commands"][0]["stage_vs"] is None


async def test_an_offline_camera_fails_at_once(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink_sim.world.set_status(MINI, online=False)
    command_id = await _liveview(blink_sim, blink_session)
    assert _state(await _status(blink_sim, blink_session, command_id))[:2] == (523, "error")


async def test_the_handshake_delay_is_what_a_client_measures(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    for delay in (20, 120):
        await _control(blink_sim, blink_session, "set_media", handshake_ms=delay)
        measured = await _handshake_ms(blink_sim)
        assert delay <= measured < delay + 25


async def test_an_unreachable_media_server_refuses_and_comes_back_on_its_port(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    port = blink_sim.media_port
    await _control(blink_sim, blink_session, "set_media", reachable=False)
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", port)
    await _control(blink_sim, blink_session, "set_media", reachable=True)
    assert blink_sim.media_port == port
    assert await _handshake_ms(blink_sim) >= 0
    # Off and on again before the listener could start accepting: off wins.
    blink_sim.world.set_media(reachable=False)
    blink_sim.world.set_media(reachable=True)
    blink_sim.world.set_media(reachable=False)
    await asyncio.sleep(0.05)
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", port)
    # A reset restores the scenario's media server.
    await _control(blink_sim, blink_session, "reset")
    assert await _handshake_ms(blink_sim) >= 0


async def test_the_certificate_is_trusted_only_through_the_harness(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    async with blink_session.get(f"{blink_sim.url}/_sim/media_ca") as response:
        pem = (await response.json())["result"]
    assert pem == blink_sim.media_ca_file.read_text(encoding="ascii")
    assert pem.startswith("-----BEGIN CERTIFICATE-----")
    # The demo's way: a default context from the PEM text verifies; the system's does not.
    assert await _handshake_ms(blink_sim, ssl.create_default_context(cadata=pem)) >= 0
    with pytest.raises(ssl.SSLCertVerificationError):
        await _handshake_ms(blink_sim, ssl.create_default_context())
    async with blink_session.get(f"{blink_sim.url}/_sim/info") as response:
        assert (await response.json())["result"]["media_port"] == blink_sim.media_port


async def test_a_scenario_sets_the_media_server_and_join_times(socket_enabled: None) -> None:
    data = World.from_scenario("default")._scenario
    data["media"] = {"handshake_ms": 80, "reachable": False}
    data["cameras"][1] |= {"join_s": 7.5, "never_joins": True}
    world = World(data)
    assert (world.media.handshake_ms, world.media.reachable) == (80, False)
    assert (world.camera(MINI).join_s, world.camera(MINI).never_joins) == (7.5, True)
    state = world.snapshot()
    assert state["media"] == {"handshake_ms": 80, "reachable": False}
    server = SimServer(world)
    await server.start()
    try:
        assert server.media_port > 0
        with pytest.raises(ConnectionRefusedError):
            await asyncio.open_connection("127.0.0.1", server.media_port)
    finally:
        await server.stop()


@pytest.mark.parametrize(
    ("media", "camera"),
    [
        ({"handshake_ms": -1}, {}),
        ({"handshake_ms": float("nan")}, {}),
        ({"reachable": "no"}, {}),
        ({"delay": 5}, {}),
        ("fast", {}),
        (None, {"join_s": -2}),
    ],
)
def test_bad_media_and_join_values_are_refused(media: Any, camera: dict[str, Any]) -> None:
    data = World.from_scenario("default")._scenario
    if media is not None:
        data["media"] = media
    data["cameras"][1] |= camera
    with pytest.raises(SimError):
        World(data)


async def test_the_harness_pieces_exist_only_while_running(socket_enabled: None) -> None:
    server = SimServer(World.from_scenario("default"))
    with pytest.raises(RuntimeError):
        server.media_client_context()
    await server.start()
    folder = server.media_ca_file.parent
    server.world.set_media(handshake_ms=5000)
    _, writer = await asyncio.open_connection("127.0.0.1", server.media_port)
    started = time.monotonic()
    await server.stop()  # a handshake still waiting does not hold the stop up
    assert time.monotonic() - started < 2
    assert not folder.exists()
    writer.close()
