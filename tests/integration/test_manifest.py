"""Our blinkpy requirement next to the one of Home Assistant's own Blink integration."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import homeassistant.components.blink
from packaging.requirements import Requirement
from packaging.version import Version

import custom_components.blink_audio_doctor

OUR_MANIFEST = Path(custom_components.blink_audio_doctor.__file__).parent / "manifest.json"
HA_BLINK_MANIFEST = Path(homeassistant.components.blink.__file__).parent / "manifest.json"
PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"


def blinkpy_requirement(requirements: list[str]) -> Requirement:
    found = [Requirement(line) for line in requirements if Requirement(line).name == "blinkpy"]
    assert len(found) == 1, requirements
    return found[0]


def test_our_blinkpy_requirement_accepts_home_assistants_pin_and_its_updates() -> None:
    ours = blinkpy_requirement(json.loads(OUR_MANIFEST.read_text())["requirements"])
    core = blinkpy_requirement(json.loads(HA_BLINK_MANIFEST.read_text())["requirements"])
    (pin,) = core.specifier
    assert pin.operator == "==", core
    core_version = Version(pin.version)

    # Home Assistant installs a custom integration's requirement only when the installed
    # blinkpy does not satisfy it; with the core pin installed, nothing is installed for us.
    assert ours.specifier.contains(core_version), (str(ours), str(core))
    # After an update of Home Assistant's pin, ours must still be satisfied, or Home Assistant
    # would install an older blinkpy under its own Blink integration.
    for newer in (
        f"{core_version.major}.{core_version.minor}.{core_version.micro + 1}",
        f"{core_version.major}.{core_version.minor + 1}.0",
        f"{core_version.major + 1}.0.0",
    ):
        assert ours.specifier.contains(newer), (str(ours), newer)


def test_the_package_metadata_states_the_same_requirement_as_the_manifest() -> None:
    manifest = json.loads(OUR_MANIFEST.read_text())["requirements"]
    project = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    assert str(blinkpy_requirement(project)) == str(blinkpy_requirement(manifest))
