"""The automation blueprints: valid for Home Assistant, and working against the simulator."""

from __future__ import annotations

import json
import re
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import (
    AUTOMATION_BLUEPRINT_SCHEMA,
    async_validate_config_item,
)
from homeassistant.components.blueprint.models import Blueprint, BlueprintInputs
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED, STATE_OFF
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)

from blink_cloud_sim.server import SimServer

from .power_helpers import HALLWAY, Plugs, async_map_plugs, our_entity, settle, tick
from .test_entities import state

FOLDER = Path(__file__).parents[2] / "blueprints" / "automation" / "blink_audio_doctor"
INPUTS = {
    "camera": "0123456789abcdef0123456789abcdef",
    "notify_device": "fedcba9876543210fedcba9876543210",
}

# The simulator's clock follows Home Assistant's (see conftest.blink_sim_clock).
SIM_FOLLOWS_HASS_CLOCK = True


@pytest.mark.parametrize("name", ["power_cycle_when_unhealthy", "notify_when_unhealthy"])
async def test_blueprint_is_valid(hass: HomeAssistant, name: str) -> None:
    path = FOLDER / f"{name}.yaml"
    blueprint = Blueprint(
        load_yaml_dict(str(path)),
        expected_domain="automation",
        path=name,
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    # One camera is all either blueprint asks about it: no sensor that could disagree.
    assert "audio_health" not in blueprint.inputs
    assert blueprint.inputs["camera"]["selector"]["device"]["entity"] == [
        {"integration": "blink_audio_doctor", "domain": ["sensor"], "device_class": ["enum"]}
    ]
    inputs = {key: value for key, value in INPUTS.items() if key in blueprint.inputs}
    config = BlueprintInputs(
        blueprint, {"use_blueprint": {"path": name, "input": inputs}}
    ).async_substitute()
    validated = await async_validate_config_item(hass, f"automation.{name}", config)
    assert validated is not None
    assert validated.validation_error is None, validated.validation_error


async def _load_automation(hass: HomeAssistant, tmp_path: Path, name: str, inputs: Any) -> None:
    """Import the blueprint as a user does (into the config folder) and use it."""
    hass.config.config_dir = str(tmp_path)
    target = tmp_path / "blueprints" / "automation" / "blink_audio_doctor"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(FOLDER / f"{name}.yaml", target)
    config = {
        "automation": [
            {
                "id": name,
                "use_blueprint": {"path": f"blink_audio_doctor/{name}.yaml", "input": inputs},
            }
        ]
    }
    assert await async_setup_component(hass, "automation", config)
    await hass.async_block_till_done()


def _camera_device(hass: HomeAssistant, serial: str) -> str:
    entity_id = our_entity(hass, "binary_sensor", serial, "two_way_audio")
    assert entity_id is not None
    from homeassistant.helpers import entity_registry as er  # noqa: PLC0415

    entry = er.async_get(hass).async_get(entity_id)
    assert entry is not None
    assert entry.device_id is not None
    return entry.device_id


def _phone(hass: HomeAssistant) -> tuple[str, list[ServiceCall]]:
    """A Companion app phone: its device and the calls its notify action receives."""
    entry = MockConfigEntry(domain="mobile_app")
    entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={("mobile_app", "pixel")}, name="Pixel"
    )
    return device.id, async_mock_service(hass, "notify", "mobile_app_pixel")


async def _break_hallway(
    hass: HomeAssistant, blink_sim: SimServer, entry: ConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    """The Mini drops offline, seen over two polls: its two-way audio turns unhealthy."""
    await hass.async_block_till_done(wait_background_tasks=True)
    await entry.runtime_data.network.async_run_network_test()
    blink_sim.world.set_status(HALLWAY, online=False)
    for _ in range(2):
        # A poll five minutes on; settled, not block_till_done: an automation may be waiting.
        freezer.tick(timedelta(seconds=301))
        async_fire_time_changed(hass)
        await settle(hass)
    assert state(hass, "binary_sensor", HALLWAY, "two_way_audio") == STATE_OFF, state(
        hass, "sensor", HALLWAY, "diagnosis"
    )


async def test_notify_names_the_reason_also_for_a_camera_unhealthy_at_start(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
) -> None:
    hass.config.language = "de"
    phone, sent = _phone(hass)
    # Already unhealthy before the automation watches it: as after a restart.
    await _break_hallway(hass, blink_sim, own_entry, freezer)
    await _load_automation(
        hass,
        tmp_path,
        "notify_when_unhealthy",
        {"camera": _camera_device(hass, HALLWAY), "notify_device": phone},
    )
    assert sent == []
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
    # Not block_till_done: the run waits (up to an hour) for the phone's answer.
    await settle(hass)

    assert len(sent) == 1
    # The reason, in Home Assistant's language.
    assert sent[0].data["message"] == (
        "Hallway: two-way audio is unlikely to work right now (Kamera offline)."
    )
    titles = [button["title"] for button in sent[0].data["data"]["actions"]]
    assert titles == ["Power-cycle now", "Open repairs"]


async def test_notify_fires_when_the_camera_turns_unhealthy(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
    plugs: Plugs,
) -> None:
    await async_map_plugs(hass, own_entry, [HALLWAY])
    phone, sent = _phone(hass)
    await _load_automation(
        hass,
        tmp_path,
        "notify_when_unhealthy",
        {"camera": _camera_device(hass, HALLWAY), "notify_device": phone},
    )
    await _break_hallway(hass, blink_sim, own_entry, freezer)
    assert [call.data["message"] for call in sent] == [
        "Hallway: two-way audio is unlikely to work right now (Camera offline)."
    ]
    # "Power-cycle now" on the phone cycles the same camera.
    action = sent[0].data["data"]["actions"][0]["action"]
    hass.bus.async_fire("mobile_app_notification_action", {"action": action})
    await tick(hass, freezer, 80)
    assert plugs.power_log[:2] == [(HALLWAY, False), (HALLWAY, True)]


async def test_power_cycle_cycles_the_chosen_camera_once_unhealthy_long_enough(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
    tmp_path: Path,
    plugs: Plugs,
) -> None:
    await async_map_plugs(hass, own_entry, [HALLWAY])
    await _load_automation(
        hass,
        tmp_path,
        "power_cycle_when_unhealthy",
        {"camera": _camera_device(hass, HALLWAY), "unhealthy_for": {"minutes": 15}},
    )
    await _break_hallway(hass, blink_sim, own_entry, freezer)
    await tick(hass, freezer, 60)
    assert plugs.power_log == []  # not unhealthy for 15 minutes yet

    await tick(hass, freezer, 15 * 60, step=30)
    assert plugs.power_log[:2] == [(HALLWAY, False), (HALLWAY, True)]


def test_readme_offers_an_import_link_for_each_blueprint() -> None:
    readme = (FOLDER.parents[2] / "README.md").read_text(encoding="utf-8")
    links = {
        unquote(link)
        for link in re.findall(
            r"https://my\.home-assistant\.io/redirect/blueprint_import/\?blueprint_url=([^)\s]+)",
            readme,
        )
    }
    manifest = json.loads(
        (FOLDER.parents[2] / "custom_components/blink_audio_doctor/manifest.json").read_text(
            encoding="utf-8"
        )
    )
    repository = manifest["documentation"].removeprefix("https://github.com/")
    raw = f"https://raw.githubusercontent.com/{repository}/main/blueprints/automation/blink_audio_doctor/"
    assert links == {raw + path.name for path in FOLDER.glob("*.yaml")}
