"""Packet loss is failed connects over the last 100 attempts, not one round of 5."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.blink_audio_doctor.const import (
    CONF_LATENCY_HOST,
    CONF_LATENCY_PORT,
    CONF_SPEED_TEST_HOURS,
)

from .test_network import free_port, internet, reconfigure_options, settle


class Listener:
    """A local latency target that counts connects and can be switched off and on."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connects = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _accept(self, _reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connects += 1
        writer.close()


async def next_round(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(timedelta(minutes=5, seconds=1))
    async_fire_time_changed(hass)
    await settle(hass)


async def test_one_bad_round_does_not_read_as_full_loss(
    hass: HomeAssistant, own_entry: ConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    listener = Listener(free_port())
    await listener.start()
    # No scheduled speed test: it would add a latency round of its own.
    await reconfigure_options(
        hass,
        own_entry,
        **{
            CONF_LATENCY_HOST: "127.0.0.1",
            CONF_LATENCY_PORT: listener.port,
            CONF_SPEED_TEST_HOURS: 0,
        },
    )
    # The first round tries 20 connects, so that one failure would be 5 %, not 20 %.
    assert listener.connects == 20
    assert internet(hass, own_entry, "packet_loss") == "0.0"

    # The target is away for one round of 5 connects: 5 failed of the last 25.
    await listener.stop()
    await next_round(hass, freezer)
    assert internet(hass, own_entry, "packet_loss") == "20.0"

    await listener.start()
    await next_round(hass, freezer)
    assert internet(hass, own_entry, "packet_loss") == "16.7"  # 5 of 30
    assert listener.connects == 25  # later rounds stay at 5 connects
    for _ in range(19):
        await next_round(hass, freezer)
    # Once the failed round has left the last 100 attempts, loss is back to zero.
    assert internet(hass, own_entry, "packet_loss") == "0.0"
