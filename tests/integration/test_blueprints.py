"""The automation blueprints are valid Home Assistant blueprints and automations."""

from __future__ import annotations

from pathlib import Path

import pytest
from homeassistant.components.automation.config import (
    AUTOMATION_BLUEPRINT_SCHEMA,
    async_validate_config_item,
)
from homeassistant.components.blueprint.models import Blueprint, BlueprintInputs
from homeassistant.core import HomeAssistant
from homeassistant.util.yaml import load_yaml_dict

FOLDER = Path(__file__).parents[2] / "blueprints" / "automation" / "blink_audio_doctor"
INPUTS = {
    "audio_health": "binary_sensor.hallway_two_way_audio_healthy",
    "camera": "0123456789abcdef0123456789abcdef",
    "notify_device": "fedcba9876543210fedcba9876543210",
}


@pytest.mark.parametrize("name", ["power_cycle_when_unhealthy", "notify_when_unhealthy"])
async def test_blueprint_is_valid(hass: HomeAssistant, name: str) -> None:
    path = FOLDER / f"{name}.yaml"
    blueprint = Blueprint(
        load_yaml_dict(str(path)),
        expected_domain="automation",
        path=name,
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    inputs = {key: value for key, value in INPUTS.items() if key in blueprint.inputs}
    config = BlueprintInputs(
        blueprint, {"use_blueprint": {"path": name, "input": inputs}}
    ).async_substitute()
    assert "power_cycle" in str(config)
    actions = config["actions"]
    if actions[0].get("domain") == "mobile_app":
        # The Companion app's notify device action; validating it needs the mobile_app
        # integration's requirements, which the test environment does not install.
        notify = actions.pop(0)
        assert notify["type"] == "notify"
        assert notify["device_id"] == INPUTS["notify_device"]
        titles = [button["title"] for button in notify["data"]["actions"]]
        assert titles == ["Power-cycle now", "Open repairs"]
    validated = await async_validate_config_item(hass, f"automation.{name}", config)
    assert validated is not None
    assert validated.validation_error is None, validated.validation_error
