"""The live-view findings of a talk-path result: each at, below and above its limit."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from custom_components.blink_audio_doctor.doctor.model import (
    CameraSnapshot,
    Diagnosis,
    DiagnosisCode,
    FixStep,
    Thresholds,
    Verdict,
)
from custom_components.blink_audio_doctor.doctor.rules import diagnose, fix_order
from custom_components.blink_audio_doctor.doctor.talk_path import TalkOutcome, TalkPathResult

from . import NOW, mini, network, sync_camera, sync_module

DEFAULTS = Thresholds()
HEALTHY = TalkPathResult(
    outcome=TalkOutcome.OK,
    measured_at=NOW - timedelta(minutes=5),
    accepted_s=0.4,
    camera_joined_s=2.1,
    poor_connection=False,
    media_server="media.example",
    media_rtt_ms=40.0,
    media_rtt_spread_ms=3.0,
    media_tls_verified=True,
)


def judge(
    talk: Any, thresholds: Thresholds = DEFAULTS, camera: CameraSnapshot | None = None
) -> Diagnosis:
    """The diagnosis of a healthy sync-module camera with this talk-path result (or junk)."""
    return diagnose(
        sync_camera() if camera is None else camera,
        sync_module(),
        network(),
        thresholds,
        now=NOW,
        data_taken_at=NOW,
        talk=talk,
    )


def codes(talk: Any, thresholds: Thresholds = DEFAULTS) -> list[str]:
    return [finding.code for finding in judge(talk, thresholds).findings]


def test_a_healthy_result_adds_nothing() -> None:
    diagnosis = judge(HEALTHY)
    assert diagnosis.verdict is Verdict.HEALTHY


@pytest.mark.parametrize(
    ("joined", "expected"),
    [(9.9, []), (10.0, []), (10.1, ["camera_slow_to_join"]), (None, ["camera_slow_to_join"])],
)
def test_join_time_at_and_around_its_limit(joined: float | None, expected: list[str]) -> None:
    assert codes(replace(HEALTHY, camera_joined_s=joined)) == expected


def test_a_camera_that_never_joined_is_slow_with_no_figure() -> None:
    result = replace(HEALTHY, outcome=TalkOutcome.CAMERA_NOT_JOINED, camera_joined_s=None)
    finding = judge(result).findings[0]
    assert (finding.code, finding.measured, finding.threshold, finding.unit) == (
        "camera_slow_to_join",
        None,
        10.0,
        "s",
    )
    assert finding.fix is FixStep.OBSTRUCTIONS
    assert (finding.read_at, finding.age_s) == (HEALTHY.measured_at, 300.0)


@pytest.mark.parametrize(
    ("rtt", "expected"), [(149.9, []), (150.0, ["media_rtt_high"]), (151.0, ["media_rtt_high"])]
)
def test_media_round_trip_at_and_around_its_limit(rtt: float, expected: list[str]) -> None:
    assert codes(replace(HEALTHY, media_rtt_ms=rtt)) == expected


def test_an_unreachable_media_server_names_its_host_and_points_to_internet_speed() -> None:
    result = replace(
        HEALTHY, outcome=TalkOutcome.SERVER_UNREACHABLE, media_rtt_ms=None, media_rtt_spread_ms=None
    )
    diagnosis = judge(result)
    finding = diagnosis.findings[0]
    assert (finding.code, finding.measured, finding.fix) == (
        "media_server_unreachable",
        "media.example",
        FixStep.INTERNET_SPEED,
    )
    assert diagnosis.code == DiagnosisCode.MEDIA_SERVER_UNREACHABLE
    assert fix_order(diagnosis)[0] is FixStep.INTERNET_SPEED


def test_a_poor_connection_from_the_result() -> None:
    assert codes(replace(HEALTHY, poor_connection=True)) == ["poor_connection"]


def test_every_failure_at_once_in_check_order() -> None:
    result = replace(
        HEALTHY,
        outcome=TalkOutcome.SERVER_UNREACHABLE,
        poor_connection=True,
        camera_joined_s=None,
        media_rtt_ms=400.0,
    )
    assert codes(result) == [
        "poor_connection",
        "camera_slow_to_join",
        "media_server_unreachable",
        "media_rtt_high",
    ]


def test_a_check_set_to_none_is_off() -> None:
    slow = replace(HEALTHY, camera_joined_s=None, media_rtt_ms=900.0)
    assert codes(slow, replace(DEFAULTS, max_join_s=None, max_media_rtt_ms=None)) == []


@pytest.mark.parametrize(
    ("age", "counts"), [(timedelta(hours=23), True), (timedelta(hours=24, seconds=1), False)]
)
def test_a_result_counts_for_a_day(age: timedelta, counts: bool) -> None:
    result = replace(HEALTHY, poor_connection=True, measured_at=NOW - age)
    assert codes(result) == (["poor_connection"] if counts else [])


def test_without_a_time_limit_an_old_result_still_counts() -> None:
    old = replace(HEALTHY, poor_connection=True, measured_at=NOW - timedelta(days=30))
    assert codes(old, replace(DEFAULTS, talk_max_age=None)) == ["poor_connection"]


@pytest.mark.parametrize("outcome", [TalkOutcome.REFUSED, TalkOutcome.RATE_LIMITED])
def test_a_refused_test_measured_nothing(outcome: TalkOutcome) -> None:
    assert codes(replace(HEALTHY, outcome=outcome, camera_joined_s=None)) == []


def test_a_naive_time_or_junk_says_nothing() -> None:
    naive = replace(HEALTHY, poor_connection=True, measured_at=NOW.replace(tzinfo=None))
    assert codes(naive) == []
    no_time: Any = None  # as a damaged caller might pass it
    assert codes(replace(HEALTHY, poor_connection=True, measured_at=no_time)) == []
    assert codes("not a result") == []


def test_the_result_outranks_the_snapshot_flag() -> None:
    camera = sync_camera(poor_connection=True)
    assert judge(None, camera=camera).code == "poor_connection"
    assert judge(HEALTHY, camera=camera).verdict is Verdict.HEALTHY


def test_no_result_is_never_missing_data_for_a_mini() -> None:
    diagnosis = diagnose(mini(), None, network(), DEFAULTS, now=NOW, data_taken_at=NOW)
    assert diagnosis.verdict is Verdict.HEALTHY
    assert diagnosis.missing == ()
