"""Managers that exist once per Home Assistant instance (power cycles, re-adds), in `hass.data`."""

from __future__ import annotations

from typing import Protocol

from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey


class Startable(Protocol):
    """A manager that loads its stored state when Home Assistant sets the integration up."""

    async def async_start(self) -> None:
        """Load what the last run left and honour it."""


async def async_setup_instance[ManagerT: Startable](
    hass: HomeAssistant, key: HassKey[ManagerT], manager: ManagerT
) -> None:
    """Keep the instance's manager under `key` and start it (from `async_setup`)."""
    hass.data[key] = manager
    await manager.async_start()
