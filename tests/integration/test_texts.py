"""Every finding and the unhealthy notification, rendered in every language with 1 and 2 bars."""

from __future__ import annotations

import re

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations

from custom_components.blink_audio_doctor.const import DOMAIN
from custom_components.blink_audio_doctor.doctor.model import (
    CameraSnapshot,
    Diagnosis,
    Finding,
    FindingKind,
    Verdict,
)
from custom_components.blink_audio_doctor.doctor.rules import (
    ALL_DIAGNOSIS_CODES,
    ALL_MISSING_CODES,
    ALL_NOT_REPORTED_CODES,
)
from custom_components.blink_audio_doctor.health import (
    describe_cause,
    describe_findings,
    describe_measured,
    notification_texts,
)
from custom_components.blink_audio_doctor.network_reading import NetworkReading
from custom_components.blink_audio_doctor.texts import plural_category

LANGUAGES = ("en", "de", "es", "fr", "nl")
# German says "1 Balken", "2 Balken": the one language here without a plural for bars.
PLURAL_BARS = {"en", "es", "fr", "nl"}
# English words of the texts assembled in Python; none may show in another language.
ENGLISH = re.compile(r"\b(bars?|Sync Module link|two-way audio|Settings)\b")
CODES_WITHOUT_FINDING = {"ok", "unknown", "unsupported_model"}
NUMBERS = re.compile(r"\d+")


def findings(bars: int) -> list[Finding]:
    """Every finding code, a counted one with `bars` measured and `bars` needed."""
    kinds = (
        [(code, FindingKind.FAILING) for code in ALL_DIAGNOSIS_CODES]
        + [(code, FindingKind.MISSING) for code in ALL_MISSING_CODES]
        + [(code, FindingKind.NOT_REPORTED) for code in ALL_NOT_REPORTED_CODES]
    )
    return [
        Finding(code, kind, bars, bars, "bars")
        for code, kind in kinds
        if code not in CODES_WITHOUT_FINDING
    ]


async def render(hass: HomeAssistant, language: str, bars: int) -> list[str]:
    hass.config.language = language
    texts = [
        await describe_findings(hass, Diagnosis(Verdict.UNHEALTHY, (finding,)))
        for finding in findings(bars)
    ]
    texts.extend(
        [
            await describe_findings(hass, Diagnosis(Verdict(code_verdict(code))))
            for code in CODES_WITHOUT_FINDING
        ]
    )
    weak = Diagnosis(
        Verdict.UNHEALTHY, (Finding("weak_wifi", FindingKind.FAILING, bars, 3, "bars"),)
    )
    cause = await describe_cause(hass, weak)
    texts.extend([cause, *await notification_texts(hass, "Porch", cause)])
    camera = CameraSnapshot("G8T1-0000-1234", wifi_bars=bars, wifi_dbm=-60, sync_link_bars=bars)
    reading = NetworkReading(latency_ms=25, download_mbps=100, upload_mbps=20)
    texts.append(await describe_measured(hass, camera, reading))
    return texts


def code_verdict(code: str) -> str:
    return {"ok": "healthy", "unknown": "unknown", "unsupported_model": "unsupported"}[code]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_text_is_filled_in(hass: HomeAssistant, language: str) -> None:
    for bars in (1, 2):
        for text in await render(hass, language, bars):
            assert "{" not in text, text
            assert "}" not in text, text
            assert "plural" not in text, text
            if language != "en":
                assert not ENGLISH.search(text), text


@pytest.mark.parametrize("language", LANGUAGES)
async def test_bars_are_counted_in_the_language(hass: HomeAssistant, language: str) -> None:
    one = [NUMBERS.sub("#", text) for text in await render(hass, language, 1)]
    two = [NUMBERS.sub("#", text) for text in await render(hass, language, 2)]
    differing = [a for a, b in zip(one, two, strict=True) if a != b]
    if language in PLURAL_BARS:
        assert differing  # "1 bar" and "2 bars" are worded differently
    else:
        assert differing == []


async def test_english_counts_bars(hass: HomeAssistant) -> None:
    hass.config.language = "en"
    weak = Diagnosis(Verdict.UNHEALTHY, (Finding("weak_wifi", FindingKind.FAILING, 1, 2, "bars"),))
    title, message = await notification_texts(hass, "Porch", await describe_cause(hass, weak))
    assert title == "Porch: two-way audio likely broken"
    assert message.startswith("The camera's Wi-Fi is weak: 1 bar where at least 2 bars is needed.")


@pytest.mark.parametrize(
    ("language", "count", "category"),
    [
        ("en", 1, "one"),
        ("en", 0, "other"),
        ("en", 2, "other"),
        ("fr", 0, "one"),
        ("fr", 2, "other"),
    ],
)
def test_plural_category(language: str, count: int, category: str) -> None:
    assert plural_category(language, count) == category


async def test_every_restart_text_says_about_10_seconds(hass: HomeAssistant) -> None:
    issues = await async_get_translations(hass, "en", "issues", [DOMAIN])
    exceptions = await async_get_translations(hass, "en", "exceptions", [DOMAIN])
    restarts = [
        exceptions[f"component.{DOMAIN}.exceptions.battery_device.message"],
        *(
            issues[f"component.{DOMAIN}.issues.{issue}.fix_flow.step.{step}.description"]
            for issue in ("re_add_camera", "re_add_not_seen")
            for step in ("restart_plug", "restart_manual")
        ),
    ]
    for text in restarts:
        assert "10 seconds" in text, text
        assert "minute" not in text, text
