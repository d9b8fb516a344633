"""Typed runtime data of a Blink Audio Doctor config entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .coordinator import AccountCoordinator


@dataclass
class BlinkAudioDoctorData:
    """What a loaded entry holds."""

    account: AccountCoordinator


type BlinkAudioDoctorConfigEntry = ConfigEntry[BlinkAudioDoctorData]
