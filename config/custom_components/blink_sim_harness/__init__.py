"""Demo-only harness: Home Assistant's Blink integration talks to the Blink cloud simulator.

Never shipped (it lives under config/, which HACS does not install). It

- points every blinkpy object at the simulator (`blink_cloud_sim.harness.redirect_blinkpy`;
  scripts/demo already does this before Home Assistant starts, so HA's Blink entry never reaches
  the real Blink cloud, and this is a no-op then),
- sends Blink Audio Doctor's default latency probe to the simulator's TCP port instead of
  Blink's host (port 443), so the first probe, which runs as the entry is added and before the
  demo sets the options, finds the simulator and shows no 100 % packet loss,
- gives each configured plug-powered device a smart plug (`switch`) that powers the simulated
  device on and off through the simulator's control API, and
- fast-forwards the doctor once each time its entry loads with the simulator as its probe
  target: one network test and two diagnostics runs, so the demo shows settled verdicts within
  seconds instead of after the first scheduled speed test and two 5-minute Blink polls, and
- lets blinkpy fetch new data on request every 30 s instead of every 300 s, so a power-cycled
  camera is seen back within a minute, and
- makes Blink Audio Doctor's talk-path test trust the simulator's media server (its certificate
  comes from the simulator's `media_ca` control action), as the tests do; verification stays on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl

import aiohttp
import blinkpy.api
import voluptuous as vol
from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
    ConfigEntryState,
)
from homeassistant.const import CONF_NAME, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.discovery import async_load_platform
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.typing import ConfigType

from blink_cloud_sim.harness import redirect_blinkpy

DOMAIN = "blink_sim_harness"
DOCTOR_DOMAIN = "blink_audio_doctor"
BLINK_DOMAIN = "blink"
DEMO_REFRESH_RATE = 30
CONF_SIMULATOR_URL = "simulator_url"
CONF_PLUGS = "plugs"
CONF_SERIAL = "serial"
# Pause between the two diagnostics runs: blinkpy throttles homescreen requests to one per 5 s.
REFRESH_PAUSE_SECONDS = 6
LOGGER = logging.getLogger(__name__)
# Context managers that stay entered for the whole run (kept referenced: a collected one would
# undo the redirect).
_ACTIVE = contextlib.ExitStack()

CONFIG_SCHEMA = vol.Schema(
    {
        DOMAIN: vol.Schema(
            {
                vol.Required(CONF_SIMULATOR_URL): cv.url,
                vol.Optional(CONF_PLUGS, default=[]): [
                    vol.Schema(
                        {vol.Required(CONF_SERIAL): cv.string, vol.Required(CONF_NAME): cv.string}
                    )
                ],
            }
        )
    },
    extra=vol.ALLOW_EXTRA,
)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Redirect blinkpy, add the plugs, and fast-forward the doctor's entries as they load."""
    conf = config[DOMAIN]
    url = str(conf[CONF_SIMULATOR_URL]).rstrip("/")
    if not blinkpy.api.OAUTH_TOKEN_URL.startswith(url):
        # Started without scripts/demo: redirect now (a Blink entry loaded earlier would need
        # a reload).
        _ACTIVE.enter_context(redirect_blinkpy(url))
    await point_latency_probe_at_simulator(hass, url)
    await trust_simulator_media_server(hass, url)
    hass.async_create_task(
        async_load_platform(
            hass, Platform.SWITCH, DOMAIN, {"url": url, "plugs": conf[CONF_PLUGS]}, config
        )
    )

    loaded: set[str] = set()

    @callback
    def entry_changed(change: ConfigEntryChange, entry: ConfigEntry) -> None:
        if change is ConfigEntryChange.REMOVED or entry.state is not ConfigEntryState.LOADED:
            loaded.discard(entry.entry_id)
            return
        if entry.entry_id in loaded:
            return  # not a new load (e.g. new options, saved before the reload they cause)
        loaded.add(entry.entry_id)
        if entry.domain == BLINK_DOMAIN:
            # blinkpy fetches new data at most every `refresh_rate` seconds (HA's Blink
            # integration: 300); the demo lets a requested refresh through after 30 s, so a
            # power-cycled camera is seen back online within a minute, not five.
            entry.runtime_data.api.refresh_rate = DEMO_REFRESH_RATE
        elif entry.domain == DOCTOR_DOMAIN and str(
            entry.options.get("speed_test_url", "")
        ).startswith(url):
            entry.async_create_background_task(
                hass, _fast_forward(hass, entry), f"{DOMAIN} fast-forward"
            )

    async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, entry_changed)
    for domain in (BLINK_DOMAIN, DOCTOR_DOMAIN):
        for entry in hass.config_entries.async_entries(domain):
            entry_changed(ConfigEntryChange.UPDATED, entry)
    return True


async def point_latency_probe_at_simulator(hass: HomeAssistant, url: str) -> None:
    """Blink Audio Doctor's default latency target is Blink's host: use the simulator's port."""
    try:
        from custom_components.blink_audio_doctor import network  # noqa: PLC0415
        from custom_components.blink_audio_doctor.doctor import probes  # noqa: PLC0415
    except ImportError:  # pragma: no cover - the doctor is not installed
        return
    probes.blink_rest_host = lambda _region: "127.0.0.1"  # type: ignore[assignment]
    session = async_get_clientsession(hass)
    try:
        async with session.get(f"{url}/_sim/info", timeout=aiohttp.ClientTimeout(total=10)) as resp:
            resp.raise_for_status()
            info = await resp.json()
    except (aiohttp.ClientError, TimeoutError) as err:
        LOGGER.warning(
            "The simulator at %s does not answer (%s): latency target unchanged", url, err
        )
        return
    network.DEFAULT_LATENCY_PORT = int(info["result"]["tcp_port"])  # type: ignore[attr-defined]


async def trust_simulator_media_server(hass: HomeAssistant, url: str) -> None:
    """The talk-path test's TLS context trusts the simulator's media certificate (only it)."""
    try:
        from custom_components.blink_audio_doctor import talk_path  # noqa: PLC0415
    except ImportError:  # pragma: no cover - the doctor is not installed
        return
    session = async_get_clientsession(hass)
    try:
        async with session.get(
            f"{url}/_sim/media_ca", timeout=aiohttp.ClientTimeout(total=10)
        ) as resp:
            resp.raise_for_status()
            pem = str((await resp.json())["result"])
    except (aiohttp.ClientError, TimeoutError) as err:
        LOGGER.warning("The simulator at %s gave no media certificate (%s)", url, err)
        return
    context = await hass.async_add_executor_job(lambda: ssl.create_default_context(cadata=pem))
    talk_path.media_ssl_context = lambda: context  # type: ignore[attr-defined]


async def _fast_forward(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """What hours of normal running would bring, through the doctor's own actions.

    One network test (the first scheduled one would come 10 minutes after set-up), then two
    diagnostics runs: each is one evaluation, and a problem must last two before a camera is
    reported unhealthy (Blink is polled every 5 minutes).
    """
    LOGGER.info("Fast-forwarding %s: a network test and two diagnostics runs", entry.title)
    target = {"config_entry_id": entry.entry_id}
    await hass.services.async_call(
        DOCTOR_DOMAIN, "run_network_test", target, blocking=True, return_response=True
    )
    for _ in range(2):
        await asyncio.sleep(REFRESH_PAUSE_SECONDS)
        if entry.state is not ConfigEntryState.LOADED:
            return
        await hass.services.async_call(
            DOCTOR_DOMAIN, "run_diagnostics", target, blocking=True, return_response=True
        )
    LOGGER.info("Fast-forward of %s done", entry.title)
