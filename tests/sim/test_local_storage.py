"""Sync Module local storage: homescreen flags and the manifest endpoints, through blinkpy."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from blinkpy import api

from blink_cloud_sim import World
from tests.fixtures_sim import make_blink

if TYPE_CHECKING:
    import aiohttp
    from blinkpy.blinkpy import Blink

    from blink_cloud_sim import SimServer

pytestmark = pytest.mark.parametrize("blink_sim_scenario", ["local_storage_406"])


async def _blink(sim: SimServer, session: aiohttp.ClientSession) -> Blink:
    account = sim.world.accounts[0]
    blink = make_blink(session, account.email, account.password)
    assert await blink.start() is True
    return blink


async def test_homescreen_announces_local_storage(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = await _blink(blink_sim, blink_session)
    module = blink.homescreen["sync_modules"][0]
    assert (
        module["local_storage_enabled"],
        module["local_storage_compatible"],
        module["local_storage_status"],
    ) == (True, True, "active")
    assert blink.sync["Home"].local_storage is True


async def test_a_working_manifest_reaches_blinkpy(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink_sim.world.clear_faults()
    blink = await _blink(blink_sim, blink_session)
    sync = blink.sync["Home"]
    blink_sim.world.clear_log()
    assert await sync.update_local_storage_manifest() is True
    assert sync.local_storage_manifest_ready is True
    counts = blink_sim.world.endpoint_counts()
    assert counts["local_storage_manifest_request"] == 1
    assert counts["local_storage_manifest"] == 1
    assert counts["command_status"] >= 1  # blinkpy waits for the manifest command


async def test_manifest_requests_answer_406_and_blinkpy_gives_up_cleanly(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = await _blink(blink_sim, blink_session)
    sync = blink.sync["Home"]
    blink_sim.world.clear_log()
    assert await sync.update_local_storage_manifest() is None
    assert sync.local_storage_manifest_ready is False
    statuses = {e.status for e in blink_sim.world.request_log}
    assert statuses == {406}
    # blinkpy retries four times per manifest request, then carries on with its refresh.
    assert blink_sim.world.endpoint_counts() == {"local_storage_manifest_request": 4}
    assert await blink.refresh(force=True) is True
    assert blink.cameras["Garden"].wifi_strength == -58


async def test_clip_request_and_406_fault_by_name(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink_sim.world.clear_faults()
    blink = await _blink(blink_sim, blink_session)
    base = f"{blink.urls.base_url}/api/v1/accounts/1000001/networks/4000001/sync_modules/5000001"
    clip = await api.http_post(blink, f"{base}/local_storage/manifest/5000123/clip/request/77")
    assert await api.wait_for_command(blink, clip) is True
    blink_sim.world.inject_fault("local_storage_clip_request", status=406)
    assert await api.http_post(blink, f"{base}/local_storage/manifest/1/clip/request/2") is None
    assert blink_sim.world.request_log[-1].status == 406
    assert blink_sim.world.endpoint_counts()["local_storage_clip_request"] == 2


def test_scenario_faults_are_restored_by_reset(blink_sim_scenario: str) -> None:
    world = World.from_scenario(blink_sim_scenario)
    names = {f.endpoint for f in world.faults}
    assert names == {
        "local_storage_manifest_request",
        "local_storage_manifest",
        "local_storage_clip_request",
    }
    assert {f.status for f in world.faults} == {406}
    world.clear_faults()
    world.reset()
    assert {f.endpoint for f in world.faults} == names
