"""Benchmarks that need a real Home Assistant run under its test plugin, like the tests."""

from __future__ import annotations

import pytest

import custom_components.blink_audio_doctor  # noqa: F401 - registers the integration
from tests.fixtures_sim import (  # noqa: F401 - fixtures used by the benchmarks
    blink_sim,
    blink_sim_clock,
    blink_sim_scenario,
)
from tests.integration.conftest import (  # noqa: F401 - probes go to the simulator too
    network_probes_at_the_simulator,
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load our integration."""
