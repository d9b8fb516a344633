"""Shared test set-up: our package importable by Home Assistant, the simulator fixtures."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

# Importing the package registers it with Home Assistant's loader; without this import the
# test plugin fails setup with "Integration not found".
import custom_components.blink_audio_doctor  # noqa: F401

# Fixtures that start the Blink cloud simulator and point blinkpy at it.
pytest_plugins = ["tests.fixtures_sim"]

OUR_DOMAIN = "blink_audio_doctor"


class _DeprecationReports(logging.Handler):
    """Collects what Home Assistant says about our integration's use of its APIs.

    Home Assistant reports a deprecated or wrong use by a custom integration only in its log:
    the frame helper's `report_usage` ("Detected that custom integration ...") and the
    deprecation helper ("The deprecated ... was used from ..."). Both name the integration.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        from_frame_helper = record.name == "homeassistant.helpers.frame"
        from_deprecation_helper = message.startswith("The deprecated ")
        if (from_frame_helper or from_deprecation_helper) and OUR_DOMAIN in message:
            self.reports.append(message)


@pytest.fixture(autouse=True)
def fail_on_deprecated_use_by_us() -> Iterator[None]:
    """Fail the test when Home Assistant reports a deprecated use by our integration."""
    handler = _DeprecationReports()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    if handler.reports:
        pytest.fail(
            "Home Assistant reported a deprecated use by our integration:\n"
            + "\n".join(handler.reports)
        )
