"""Typed runtime data of a Blink Audio Doctor config entry."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from .coordinator import AccountCoordinator
from .health import HealthMonitor
from .network import NetworkCoordinator
from .talk_tests import TalkPathTests


@dataclass
class BlinkAudioDoctorData:
    """What a loaded entry holds."""

    account: AccountCoordinator
    network: NetworkCoordinator
    health: HealthMonitor
    talk: TalkPathTests


type BlinkAudioDoctorConfigEntry = ConfigEntry[BlinkAudioDoctorData]
