"""Every text exists in every language, with the same placeholders."""

from __future__ import annotations

import json
import re
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
