"""Pytest plugin: start the Blink cloud simulator and point blinkpy at it.

Fixtures:
    blink_sim_scenario   "default"; override in a module/class/test to pick another scenario
                         (a shipped name or a YAML path).
    blink_sim_clock      the world clock, a ManualClock at 0 (override to return time.monotonic
                         for real time). Move it with `blink_sim.world.advance(seconds)`.
    blink_sim            a started SimServer on 127.0.0.1 (free ports) with blinkpy redirected to
                         it (throttles skipped) for the duration of the test; it enables
                         sockets (pytest-socket's `socket_enabled`; only 127.0.0.1 is allowed).
    blink_sim_account    the scenario's first account (email, password, pin, ...).
    blink_session        an aiohttp ClientSession closed after the test.

Helper:
    make_blink(session, username, password, **login_data) -> blinkpy Blink with its Auth.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
from blinkpy.auth import Auth
from blinkpy.blinkpy import Blink

from blink_cloud_sim import ManualClock, SimServer, World
from blink_cloud_sim.harness import redirect_blinkpy

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from blink_cloud_sim.world import Account


def make_blink(
    session: aiohttp.ClientSession, username: str, password: str, **login_data: Any
) -> Blink:
    """Build a blinkpy `Blink` whose `Auth` signs in with these credentials on `session`.

    Extra keyword arguments go into blinkpy's login data (e.g. saved `login_attributes`).
    """
    blink = Blink(session=session)
    blink.auth = Auth(
        {"username": username, "password": password, **login_data},
        no_prompt=True,
        session=session,
    )
    return blink


@pytest.fixture
def blink_sim_scenario() -> str:
    """Return the scenario the simulator loads (override to change it)."""
    return "default"


@pytest.fixture
def blink_sim_clock() -> Callable[[], float]:
    """Return the world clock (a ManualClock that only moves when advanced)."""
    return ManualClock()


@pytest.fixture
async def blink_sim(
    socket_enabled: None,
    blink_sim_scenario: str,
    blink_sim_clock: Callable[[], float],
) -> AsyncIterator[SimServer]:
    """Start the simulator and redirect blinkpy to it; stop and restore afterwards.

    Sockets are enabled for the test (pytest-socket still allows only 127.0.0.1).
    """
    server = SimServer(World.from_scenario(blink_sim_scenario, clock=blink_sim_clock))
    await server.start()
    try:
        with redirect_blinkpy(server.url, skip_throttle=True):
            yield server
    finally:
        await server.stop()


@pytest.fixture
def blink_sim_account(blink_sim: SimServer) -> Account:
    """Return the simulator's first account."""
    return blink_sim.world.accounts[0]


@pytest.fixture
async def blink_session() -> AsyncIterator[aiohttp.ClientSession]:
    """Return a fresh aiohttp session (own cookie jar), closed after the test."""
    session = aiohttp.ClientSession()
    try:
        yield session
    finally:
        await session.close()
