"""Checks of the options form: ranged numbers, the latency host, the speed-test server, plugs.

Each check answers yes or no; the options step turns a no into a translated field error.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from functools import partial
from typing import Any

import probatio as vol
from homeassistant.core import HomeAssistant, split_entity_id, valid_entity_id
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.selector import NumberSelector, NumberSelectorConfig, NumberSelectorMode
from yarl import URL

_SWITCH_DOMAIN = "switch"
# Longest wait for the latency host's name to resolve when the options are saved.
_RESOLVE_TIMEOUT = 10
# A DNS name: dot-separated labels of letters, digits and inner hyphens (a final dot allowed).
_HOST_NAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")


class RangedNumber(NumberSelector):
    """A number box whose range the options step checks, so its error is translated.

    The selector itself accepts any number (Home Assistant's own range check would answer in
    untranslated English); `fits` is the check. Whole-number steps ask for whole numbers.
    """

    def __init__(self, minimum: float, maximum: float, step: float, unit: str | None) -> None:
        """A number box from minimum to maximum (shown to the user) in steps of step."""
        config = NumberSelectorConfig(
            min=minimum, max=maximum, step=step, mode=NumberSelectorMode.BOX
        )
        if unit is not None:
            config["unit_of_measurement"] = unit
        super().__init__(config)
        self.minimum, self.maximum = minimum, maximum
        self.whole = float(step).is_integer()

    def __call__(self, data: Any) -> float:
        """Any number: the step checks the range."""
        value: float = vol.Coerce(float)(data)
        return value

    @property
    def error(self) -> str:
        """Translation key of the field error (its placeholders: min, max)."""
        return "not_whole_in_range" if self.whole else "out_of_range"

    def fits(self, value: float) -> bool:
        """Whether the value lies in the range (and is whole, where the step is)."""
        return self.minimum <= value <= self.maximum and (
            not self.whole or float(value).is_integer()
        )


async def async_resolves(hass: HomeAssistant, host: str) -> bool:
    """Whether a host is an IP address, or a name that resolves (looked up off the loop)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    try:
        ascii_name = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    if not _HOST_NAME.fullmatch(ascii_name):
        return False  # not a name at all: no lookup
    try:
        async with asyncio.timeout(_RESOLVE_TIMEOUT):
            infos = await hass.async_add_executor_job(
                partial(socket.getaddrinfo, host, None, type=socket.SOCK_STREAM)
            )
    except OSError, TimeoutError, ValueError:  # ValueError: a name IDNA cannot encode
        return False
    return bool(infos)


def is_http_url(url: str) -> bool:
    """Whether a text is a full http:// or https:// address with a host."""
    try:
        parsed = URL(url)
    except ValueError, TypeError:
        return False
    return (
        parsed.absolute
        and parsed.scheme in {"http", "https"}
        and bool(parsed.host)
        and not any(character.isspace() for character in url)
    )


def is_existing_switch(hass: HomeAssistant, entity_id: str) -> bool:
    """Whether an entity id names a switch that exists (registered, or with a state)."""
    if not valid_entity_id(entity_id) or split_entity_id(entity_id)[0] != _SWITCH_DOMAIN:
        return False
    return er.async_get(hass).async_get(entity_id) is not None or (
        hass.states.get(entity_id) is not None
    )
