"""Smart plugs of the demo: each powers a simulated Blink device through the control API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
from homeassistant.components.switch import SwitchDeviceClass, SwitchEntity
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.helpers.typing import ConfigType, DiscoveryInfoType

SCAN_INTERVAL = timedelta(seconds=5)
TIMEOUT = aiohttp.ClientTimeout(total=5)


async def async_setup_platform(
    hass: HomeAssistant,
    config: ConfigType,  # noqa: ARG001
    async_add_entities: AddEntitiesCallback,
    discovery_info: DiscoveryInfoType | None = None,
) -> None:
    """One switch per configured plug."""
    if discovery_info is None:
        return
    session = async_get_clientsession(hass)
    async_add_entities(
        (
            SimPlug(session, discovery_info["url"], plug["serial"], plug[CONF_NAME])
            for plug in discovery_info["plugs"]
        ),
        update_before_add=True,
    )


class SimPlug(SwitchEntity):
    """A smart plug in front of a simulated device: off cuts its power, on powers it up."""

    _attr_device_class = SwitchDeviceClass.OUTLET
    _attr_icon = "mdi:power-socket-eu"

    def __init__(self, session: aiohttp.ClientSession, url: str, serial: str, name: str) -> None:
        """Describe the plug of the device with `serial`."""
        self._session = session
        self._url = url
        self._serial = serial
        self._attr_name = name
        self._attr_unique_id = f"sim_plug_{serial}"

    async def _call(self, method: str, action: str) -> Any:
        try:
            async with self._session.request(
                method, f"{self._url}/_sim/{action}", json={"serial": self._serial}, timeout=TIMEOUT
            ) as response:
                response.raise_for_status()
                return (await response.json())["result"]
        except (aiohttp.ClientError, TimeoutError, KeyError) as err:
            raise HomeAssistantError(f"simulator unreachable: {err}") from err

    async def async_update(self) -> None:
        """Read whether the simulated device has power."""
        try:
            self._attr_is_on = bool(await self._call("POST", "is_powered"))
        except HomeAssistantError:
            self._attr_available = False
        else:
            self._attr_available = True

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Power the device: it boots and comes online after its boot time."""
        await self._call("POST", "power_on")
        self._attr_is_on = True
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Cut the device's power: it goes offline at once."""
        await self._call("POST", "power_off")
        self._attr_is_on = False
        self.async_write_ha_state()
