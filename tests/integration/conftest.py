"""Fixtures that set up HA's Blink integration and ours through their real config flows."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_PIN, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from blink_cloud_sim import ManualClock
from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor import network
from custom_components.blink_audio_doctor.const import CONF_BLINK_ENTRY_ID, DOMAIN
from custom_components.blink_audio_doctor.doctor import probes

from .power_helpers import Plugs, async_setup_plugs, world_clock


async def setup_core_blink(hass: HomeAssistant, sim: SimServer) -> ConfigEntry:
    """Add HA's own Blink integration through its config flow (PIN step when Blink asks)."""
    account = sim.world.accounts[0]
    result = await hass.config_entries.flow.async_init("blink", context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    )
    if result["type"] is FlowResultType.FORM and result["step_id"] == "2fa":
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PIN: account.pin}
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    return entry


async def setup_linked(hass: HomeAssistant, blink_entry: ConfigEntry) -> ConfigEntry:
    """Add Blink Audio Doctor linked to HA's Blink entry, through our config flow."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "link"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BLINK_ENTRY_ID: blink_entry.entry_id}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    return entry


async def setup_own(hass: HomeAssistant, sim: SimServer) -> ConfigEntry:
    """Add Blink Audio Doctor signed in on its own, through our config flow."""
    account = sim.world.accounts[0]
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "sign_in"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: account.email, CONF_PASSWORD: account.password}
    )
    if result["type"] is FlowResultType.FORM and result["step_id"] == "two_factor":
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PIN: account.pin}
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    entry: ConfigEntry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    return entry


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let every Home Assistant test here load custom integrations (ours)."""


@pytest.fixture(autouse=True)
def network_probes_at_the_simulator(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the harness points Blink at the simulator, the network probes go there too.

    The latency probe's default target is Blink's REST host (port 443) and the speed test's is
    a public server; in tests both are the simulator's (its TCP port and its /__down, /__up).
    """
    if "blink_sim" not in request.fixturenames:
        return
    sim: SimServer = request.getfixturevalue("blink_sim")
    monkeypatch.setattr(probes, "blink_rest_host", lambda _region: "127.0.0.1")
    monkeypatch.setattr(network, "DEFAULT_LATENCY_PORT", sim.tcp_port)
    monkeypatch.setattr(network, "DEFAULT_SPEED_URL", sim.url)


@pytest.fixture
def unknown_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names under .invalid fail as a resolver fails them (the test harness blocks DNS)."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host: object, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
async def core_blink(hass: HomeAssistant, blink_sim: SimServer) -> ConfigEntry:
    """HA's Blink integration, set up against the simulator."""
    return await setup_core_blink(hass, blink_sim)


@pytest.fixture
async def linked_entry(hass: HomeAssistant, core_blink: ConfigEntry) -> ConfigEntry:
    """Our entry, linked to HA's Blink integration."""
    return await setup_linked(hass, core_blink)


@pytest.fixture
async def own_entry(hass: HomeAssistant, blink_sim: SimServer) -> ConfigEntry:
    """Our entry, signed in on its own."""
    return await setup_own(hass, blink_sim)


@pytest.fixture(params=["linked", "own"])
async def any_entry(
    request: pytest.FixtureRequest, hass: HomeAssistant, blink_sim: SimServer
) -> ConfigEntry:
    """Our entry in each mode in turn: linked to HA's Blink, then signed in on its own."""
    if request.param == "linked":
        return await setup_linked(hass, await setup_core_blink(hass, blink_sim))
    return await setup_own(hass, blink_sim)


def state_of(hass: HomeAssistant, entity_id: str) -> Any:
    """The state string of an entity (fails the test when it does not exist)."""
    state = hass.states.get(entity_id)
    assert state is not None, f"{entity_id} does not exist"
    return state.state


@pytest.fixture
def blink_sim_clock(request: pytest.FixtureRequest) -> Callable[[], float]:
    """The simulator's clock: Home Assistant's (frozen and ticked by the tests) in a module that
    sets `SIM_FOLLOWS_HASS_CLOCK = True` (boots complete as simulated time passes), else a
    manual clock that moves only when advanced."""
    if getattr(request.module, "SIM_FOLLOWS_HASS_CLOCK", False):
        return world_clock
    return ManualClock()


@pytest.fixture
async def plugs(hass: HomeAssistant, blink_sim: SimServer) -> Plugs:
    """Smart plugs (`switch`) that power the simulated devices on and off."""
    return await async_setup_plugs(hass, blink_sim)
