"""Typed runtime data of a Blink Audio Doctor config entry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

if TYPE_CHECKING:
    from .coordinator import AccountCoordinator, NetworkCoordinator
    from .health import HealthMonitor


@dataclass
class BlinkAudioDoctorData:
    """What a loaded entry holds."""

    account: AccountCoordinator
    network: NetworkCoordinator
    health: HealthMonitor


type BlinkAudioDoctorConfigEntry = ConfigEntry[BlinkAudioDoctorData]
