"""Injected faults reach blinkpy as the real failures would."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import pytest
from blinkpy import api
from blinkpy.auth import Auth, UnauthorizedError

from blink_cloud_sim import SimError
from tests.fixtures_sim import make_blink

if TYPE_CHECKING:
    import aiohttp
    from blinkpy.blinkpy import Blink

    from blink_cloud_sim import SimServer


@pytest.fixture
async def blink(blink_sim: SimServer, blink_session: aiohttp.ClientSession) -> Blink:
    account = blink_sim.world.accounts[0]
    started = make_blink(blink_session, account.email, account.password)
    assert await started.start() is True
    blink_sim.world.clear_log()
    return started


async def test_401_raises_unauthorized(blink_sim: SimServer, blink: Blink) -> None:
    blink_sim.world.inject_fault("networks", status=401, count=1)
    with pytest.raises(UnauthorizedError):
        await api.request_networks(blink)
    assert (await api.request_networks(blink))["summary"]  # count=1: next call is fine


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_5xx_gives_none(blink_sim: SimServer, blink: Blink, status: int) -> None:
    blink_sim.world.inject_fault("camera_config", status=status)
    assert await api.request_camera_info(blink, "4000001", "6000001") is None
    assert blink_sim.world.request_log[-1].status == status


async def test_406_gives_none(blink_sim: SimServer, blink: Blink) -> None:
    blink_sim.world.inject_fault("camera_usage", status=406)
    assert await api.request_camera_usage(blink) is None


async def test_429_body_is_returned_as_data(blink_sim: SimServer, blink: Blink) -> None:
    # blinkpy does not look at 429: the JSON error body comes back as if it were data.
    blink_sim.world.inject_fault("network_update", status=429)
    response = await api.request_network_update(blink, "4000001")
    assert response == {"message": "Too many requests, please slow down.", "code": 429}
    assert await blink.sync["Home"].get_network_info() is False


async def test_malformed_json_gives_none(blink_sim: SimServer, blink: Blink) -> None:
    blink_sim.world.inject_fault("networks", malformed=True)
    assert await api.request_networks(blink) is None
    assert blink_sim.world.request_log[-1].status == 200


async def test_timeout_gives_none(
    blink_sim: SimServer, blink: Blink, monkeypatch: pytest.MonkeyPatch
) -> None:
    # blinkpy waits TIMEOUT (10 s) by default; shorten it for this test only.
    defaults = list(Auth.query.__defaults__ or ())
    defaults[7] = 0.3
    monkeypatch.setattr(Auth.query, "__defaults__", tuple(defaults))
    blink_sim.world.inject_fault(r"/camera/\d+/signals$", timeout=True, count=1)

    started = time.monotonic()
    assert await api.request_camera_sensors(blink, "4000001", "6000001") is None
    assert time.monotonic() - started < 5
    await asyncio.sleep(0.05)  # let the server notice the client hung up
    assert blink_sim.world.request_log[-1].status == 499
    assert (await api.request_camera_sensors(blink, "4000001", "6000001"))["temp"] == 66


async def test_delay_then_normal_answer(blink_sim: SimServer, blink: Blink) -> None:
    fault = blink_sim.world.inject_fault("user", delay=0.2)
    started = time.monotonic()
    assert (await api.request_user(blink))["account_id"] == 1000001
    assert time.monotonic() - started >= 0.2
    assert fault.hits == 1


async def test_fault_count_and_clear(blink_sim: SimServer, blink: Blink) -> None:
    world = blink_sim.world
    world.inject_fault("homescreen", status=503, count=2)
    assert (await api.request_homescreen(blink, force=True)).status == 503
    assert (await api.request_homescreen(blink, force=True)).status == 503
    assert (await api.request_homescreen(blink, force=True)).status == 200
    assert world.faults == []

    world.inject_fault(r"^/network/\d+/update$", status=500)
    assert await api.request_network_update(blink, "4000001") is None
    assert await api.request_network_update(blink, "4000001") is None
    world.clear_faults()
    assert (await api.request_network_update(blink, "4000001"))["network"]["armed"] is False


async def test_refresh_survives_faults_and_marks_sync_unavailable(
    blink_sim: SimServer, blink: Blink
) -> None:
    blink_sim.world.inject_fault("network_update", status=503, count=1)
    assert await blink.refresh(force=True) is True
    assert blink.sync["Home"].available is False
    assert await blink.refresh(force=True) is True
    assert blink.sync["Home"].available is True


async def test_oauth_fault_fails_sign_in(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    account = blink_sim.world.accounts[0]
    blink_sim.world.inject_fault("oauth_token", status=503, count=1)
    blink = make_blink(blink_session, account.email, account.password)
    assert await blink.start() is False
    assert blink.auth.token is None


async def test_bad_fault_arguments_are_rejected(blink_sim: SimServer) -> None:
    with pytest.raises(SimError):
        blink_sim.world.inject_fault("homescreen")
    with pytest.raises(SimError):
        blink_sim.world.inject_fault("homescreen", status=99)
    with pytest.raises(SimError):
        blink_sim.world.inject_fault("homescreen", status=500, count=0)
