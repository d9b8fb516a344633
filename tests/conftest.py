"""Shared test set-up: our package importable by Home Assistant, the simulator fixtures."""

from __future__ import annotations

# Importing the package registers it with Home Assistant's loader; without this import the
# test plugin fails setup with "Integration not found".
import custom_components.blink_audio_doctor  # noqa: F401

# Fixtures that start the Blink cloud simulator and point blinkpy at it.
pytest_plugins = ["tests.fixtures_sim"]
