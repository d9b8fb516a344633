"""Scenario loading, the benchmark generator, the harness and the command line."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
import blinkpy.api
import blinkpy.auth
import blinkpy.blinkpy
import blinkpy.helpers.util
import pytest

from blink_cloud_sim import ManualClock, SimError, SimServer, UnknownDeviceError, World, make_world
from blink_cloud_sim.harness import redirect_blinkpy
from tests.fixtures_sim import make_blink

if TYPE_CHECKING:
    from blinkpy.blinkpy import Blink


def test_shipped_scenarios_load() -> None:
    default = World.from_scenario("default")
    assert {c.family for c in default.cameras.values()} == {"camera", "owl", "lotus"}
    assert {c.type for c in default.cameras.values()} == {"catalina", "owl", "lotus", "superior"}
    demo = World.from_scenario("demo")
    assert demo.cameras["G8T20000OUTDEM01"].wifi_dbm == -80
    assert demo.cameras["G8T20000OUTDEM01"].wifi_bars == 1
    assert demo.is_online("G8T30000MINIDEM1") is False
    assert demo.accounts[0].two_factor == "202"
    families = World.from_scenario("families")
    assert {c.type for c in families.cameras.values()} == {
        "white",
        "xt",
        "xt2",
        "catalina",
        "owl",
        "superior",
        "lotus",
        "tulip",
        "orchid",
    }
    assert World().cameras.keys() == default.cameras.keys()


def test_scenario_errors(tmp_path: Path) -> None:
    with pytest.raises(SimError, match="unknown scenario"):
        World.from_scenario("nope")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(SimError):
        World.from_file(bad)
    with pytest.raises(SimError, match="account"):
        World({"accounts": []})
    base = {"accounts": [{"email": "a@b", "password": "p", "account_id": 1}], "networks": []}
    with pytest.raises(SimError, match="unknown network"):
        World({**base, "cameras": [{"serial": "X", "name": "X", "id": 1, "network_id": 9}]})
    with pytest.raises(SimError, match="two_factor"):
        World({"accounts": [{**base["accounts"][0], "two_factor": "sms"}]})  # type: ignore[dict-item]
    own = tmp_path / "own.yaml"
    own.write_text(
        "accounts: [{email: x@example.com, password: pw, account_id: 5}]\n", encoding="utf-8"
    )
    assert World.from_scenario(str(own)).accounts[0].client_id == 6


def test_control_api_validation() -> None:
    world = World(clock=ManualClock())
    with pytest.raises(UnknownDeviceError):
        world.power_off("missing")
    with pytest.raises(UnknownDeviceError):
        world.add_camera_back("G8T30000MINI0001")  # not deleted
    with pytest.raises(SimError):
        world.set_signals("G8T30000MINI0001", wifi_bars=9)
    with pytest.raises(UnknownDeviceError):
        world.set_sync_module("G8T30000MINI0001", online=True)  # a camera, not a sync module
    real = World()
    with pytest.raises(SimError):
        real.advance(1)


def test_power_cycle_uses_the_world_clock() -> None:
    clock = ManualClock(100.0)
    world = World(clock=clock)
    world.power_off("G8T50000FLOOD001")
    world.power_on("G8T50000FLOOD001")
    world.power_on("G8T50000FLOOD001")  # already powered: no new boot
    assert world.is_online("G8T50000FLOOD001") is False
    clock.advance(59.9)
    assert world.is_online("G8T50000FLOOD001") is False
    clock.advance(0.1)
    assert world.is_online("G8T50000FLOOD001") is True


def test_make_world_spreads_cameras_over_sync_modules() -> None:
    world = make_world(num_cameras=25, cameras_per_sync_module=10)
    assert len(world.cameras) == 25
    assert len(world.sync_modules) == 3
    assert sorted(len(world.network_cameras(n)) for n in world.networks) == [5, 10, 10]
    assert len({c.camera_id for c in world.cameras.values()}) == 25


async def test_make_world_with_blinkpy(socket_enabled: None) -> None:
    async with SimServer(make_world(num_cameras=30)) as sim:
        with redirect_blinkpy(sim.url, skip_throttle=True):
            async with aiohttp.ClientSession() as session:
                blink: Blink = make_blink(session, "bench@example.com", "bench-password")
                assert await blink.start() is True
                assert len(blink.cameras) == 30
                assert len(blink.sync) == 3
                assert {c.online for c in blink.cameras.values()} == {True}


def test_harness_restores_blinkpy() -> None:
    originals = (
        blinkpy.blinkpy.Blink.setup_urls,
        blinkpy.api.OAUTH_TOKEN_URL,
        blinkpy.api.OAUTH_AUTHORIZE_URL,
        blinkpy.auth.Auth.login.__defaults__,
        blinkpy.auth.Auth.get_tier_info.__defaults__,
        blinkpy.helpers.util.sleep,
    )
    with redirect_blinkpy("http://127.0.0.1:1/", skip_throttle=True):
        assert blinkpy.api.OAUTH_TOKEN_URL == "http://127.0.0.1:1/oauth/token"
        assert blinkpy.auth.Auth.login.__defaults__ == ("http://127.0.0.1:1/oauth/token", False)
        assert blinkpy.auth.Auth.get_tier_info.__defaults__ == (
            "http://127.0.0.1:1/api/v1/users/tier_info",
        )
        blink = blinkpy.blinkpy.Blink(session=object())
        blink.auth.region_id = "u034"
        blink.setup_urls()
        assert blink.urls.base_url == "http://127.0.0.1:1"
        assert blink.urls.networks_url == "http://127.0.0.1:1/networks"
    assert originals == (
        blinkpy.blinkpy.Blink.setup_urls,
        blinkpy.api.OAUTH_TOKEN_URL,
        blinkpy.api.OAUTH_AUTHORIZE_URL,
        blinkpy.auth.Auth.login.__defaults__,
        blinkpy.auth.Auth.get_tier_info.__defaults__,
        blinkpy.helpers.util.sleep,
    )
    assert blinkpy.api.OAUTH_TOKEN_URL == "https://api.oauth.blink.com/oauth/token"


def test_command_line_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "blink_cloud_sim", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
        timeout=30,
    )
    assert "--scenario" in result.stdout
    assert "--port" in result.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "blink_cloud_sim", "--scenario", "nope"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parents[2],
        timeout=30,
    )
    assert bad.returncode == 2
    assert "unknown scenario" in bad.stderr


def test_command_line_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "blink_cloud_sim", "--scenario", "demo", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("Blink cloud simulator: http://127.0.0.1:")
    finally:
        process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if process.poll() is None:
            process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()
    assert process.returncode == 0
