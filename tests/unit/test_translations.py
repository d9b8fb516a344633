"""Every text exists in every language, with the same placeholders."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from custom_components.blink_audio_doctor.doctor.rules import (
    ALL_DIAGNOSIS_CODES,
    ALL_MISSING_CODES,
    ALL_NOT_REPORTED_CODES,
)

TRANSLATIONS = Path(__file__).parents[2] / "custom_components/blink_audio_doctor/translations"
LANGUAGES = ("de", "es", "fr", "nl")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Dotted key -> text."""
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def load(language: str) -> dict[str, str]:
    return flatten(json.loads((TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8")))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_is_translated(language: str) -> None:
    english, other = load("en"), load(language)
    assert sorted(set(english) - set(other)) == []
    assert sorted(set(other) - set(english)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_english(language: str) -> None:
    english, other = load("en"), load(language)
    mismatched = {
        key: (PLACEHOLDER.findall(text), PLACEHOLDER.findall(other[key]))
        for key, text in english.items()
        if key in other
        and sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(other[key]))
    }
    assert mismatched == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_are_not_english_copies(language: str) -> None:
    english, other = load("en"), load(language)
    long_texts = [key for key, text in english.items() if len(text) > 40]
    copied = [key for key in long_texts if other.get(key) == english[key]]
    assert len(copied) <= len(long_texts) // 10, copied


def test_every_diagnosis_and_finding_code_has_a_cause_text() -> None:
    english = load("en")
    codes = (*ALL_DIAGNOSIS_CODES, *ALL_MISSING_CODES, *ALL_NOT_REPORTED_CODES)
    assert [c for c in codes if f"exceptions.cause_{c}.message" not in english] == []
    assert (
        "Blink reports no Wi-Fi reading for this model"
        in (english["exceptions.cause_wifi_not_reported.message"])
    )
    # Every model with a speaker is judged now: no text for an unknown model remains.
    assert "exceptions.cause_unknown_model.message" not in english


# The offline check that scripts/lint and scripts/test run (hassfest's rules that need no network).
_SPEC = importlib.util.spec_from_file_location(
    "check_translations", Path(__file__).parents[2] / "scripts/lib/check_translations.py"
)
assert _SPEC is not None
assert _SPEC.loader is not None
check_translations = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(check_translations)
INTEGRATION = TRANSLATIONS.parent


@pytest.fixture
def integration_copy(tmp_path: Path) -> Path:
    """A copy of the integration whose texts and icons a test may break."""
    return Path(shutil.copytree(INTEGRATION, tmp_path / "blink_audio_doctor"))


def edit_json(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def test_offline_check_passes_on_the_integration() -> None:
    assert check_translations.check(INTEGRATION, check_translations.enum_sensor_options()) == []


def test_offline_check_catches_a_fix_flow_issue_with_a_description(integration_copy: Path) -> None:
    def describe(data: dict[str, Any]) -> None:
        data["issues"]["re_add_camera"]["description"] = "A guided re-add of {name} is open."

    edit_json(integration_copy / "translations/en.json", describe)
    errors = check_translations.check(integration_copy, check_translations.enum_sensor_options())
    assert errors == [
        (
            "en: issues.re_add_camera: an issue with a fix_flow must not have a description "
            "(put the text in the fix flow's step)"
        )
    ]


def test_offline_check_catches_a_missing_state_icon_and_a_missing_text(
    integration_copy: Path,
) -> None:
    def drop_icon(data: dict[str, Any]) -> None:
        del data["entity"]["sensor"]["diagnosis"]["state"]["battery_low"]

    def drop_text(data: dict[str, Any]) -> None:
        del data["exceptions"]["cooldown_active"]

    edit_json(integration_copy / "icons.json", drop_icon)
    edit_json(integration_copy / "translations/fr.json", drop_text)
    errors = check_translations.check(integration_copy, check_translations.enum_sensor_options())
    assert errors == [
        "icons.json: entity.sensor.diagnosis.state.battery_low: missing (an enum sensor state)",
        "fr: exceptions.cooldown_active: used in the code but not translated",
    ]


def test_every_diagnosis_state_has_an_icon() -> None:
    icons = json.loads((INTEGRATION / "icons.json").read_text(encoding="utf-8"))
    diagnosis = icons["entity"]["sensor"]["diagnosis"]
    assert check_translations.enum_sensor_options()["diagnosis"] == list(ALL_DIAGNOSIS_CODES)
    assert sorted(set(ALL_DIAGNOSIS_CODES) - set(diagnosis["state"])) == []
    # A state icon equal to the default would be dropped by hassfest; each one says something.
    assert diagnosis["default"] not in diagnosis["state"].values()
