"""Hysteresis: one bad reading is not a problem yet; one good reading is a recovery."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.blink_audio_doctor.doctor.hysteresis import HealthTracker, advance
from custom_components.blink_audio_doctor.doctor.model import (
    Diagnosis,
    Finding,
    FindingKind,
    FixStep,
    Verdict,
)


def bad(*codes: str) -> Diagnosis:
    findings = tuple(
        Finding(code, FindingKind.FAILING, 1, 3, "bars", FixStep.OBSTRUCTIONS)
        for code in codes or ("weak_wifi",)
    )
    return Diagnosis(
        Verdict.UNHEALTHY, (*findings, Finding("missing_network", FindingKind.MISSING))
    )


GOOD = Diagnosis(Verdict.HEALTHY)
UNKNOWN = Diagnosis(Verdict.UNKNOWN, (Finding("missing_wifi", FindingKind.MISSING),))
UNSUPPORTED = Diagnosis(
    Verdict.UNSUPPORTED, (Finding("unsupported_model", FindingKind.BLOCKING, "xt"),)
)


def feed(diagnoses: list[Diagnosis], unhealthy_after: int = 2, state: Any = None) -> list[Verdict]:
    state = HealthTracker() if state is None else state
    reported = []
    for diagnosis in diagnoses:
        state, verdict = advance(state, diagnosis, unhealthy_after)
        reported.append(verdict)
    return reported


H, U, K, S = Verdict.HEALTHY, Verdict.UNHEALTHY, Verdict.UNKNOWN, Verdict.UNSUPPORTED


@pytest.mark.parametrize(
    ("sequence", "expected"),
    [
        ([GOOD, bad(), GOOD, bad(), GOOD, bad()], [H, H, H, H, H, H]),
        ([GOOD, bad(), bad()], [H, H, U]),
        ([bad(), bad()], [K, U]),  # a fresh camera is never reported healthy on a bad reading
        ([GOOD, bad(), bad(), GOOD], [H, H, U, H]),
        ([GOOD, bad(), bad(), bad("camera_offline")], [H, H, U, U]),
        ([GOOD, bad("weak_wifi"), bad("camera_offline")], [H, H, H]),
        ([GOOD, bad("weak_wifi", "slow_upload"), bad("slow_upload")], [H, H, U]),
        ([GOOD, bad(), UNKNOWN, bad()], [H, H, K, U]),
        ([GOOD, bad(), bad(), UNKNOWN, bad("camera_offline")], [H, H, U, K, U]),
        ([GOOD, bad(), bad(), UNKNOWN, GOOD, bad()], [H, H, U, K, H, H]),
        ([GOOD, UNSUPPORTED, bad()], [H, S, K]),
        ([GOOD, bad(), UNSUPPORTED, bad()], [H, H, S, K]),
        ([UNKNOWN, UNKNOWN], [K, K]),
    ],
)
def test_sequences(sequence: list[Diagnosis], expected: list[Verdict]) -> None:
    assert feed(sequence) == expected


def test_unhealthy_after_is_configurable() -> None:
    assert feed([GOOD, bad()], unhealthy_after=1) == [H, U]
    assert feed([GOOD, bad(), bad(), bad()], unhealthy_after=3) == [H, H, H, U]
    assert feed([GOOD, bad()], unhealthy_after=0) == [H, U]
    assert feed([GOOD, bad(), bad()], unhealthy_after="2") == [H, H, U]  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=30))
def test_flapping_never_reports_unhealthy(rounds: int) -> None:
    assert U not in feed([GOOD, bad()] * rounds)


def test_junk_state_and_diagnosis() -> None:
    state, verdict = advance(None, bad())  # type: ignore[arg-type]
    assert (verdict, state.streaks) == (K, (("weak_wifi", 1),))
    state, verdict = advance(state, "broken")  # type: ignore[arg-type]
    assert verdict is K
    assert state.streaks == (("weak_wifi", 1),)


def test_unhealthy_without_failing_findings_uses_its_code() -> None:
    odd = Diagnosis(Verdict.UNHEALTHY)
    state, verdict = advance(HealthTracker(), odd, 1)
    assert (verdict, state.streaks) == (U, (("unknown", 1),))


def test_pending_property() -> None:
    state, _ = advance(HealthTracker(H), bad())
    assert state.pending
    state, _ = advance(state, bad())
    assert not state.pending
    assert state.unhealthy
    assert not HealthTracker().pending


def test_json_round_trip_keeps_the_state() -> None:
    state = HealthTracker()
    for diagnosis in (GOOD, bad("weak_wifi", "slow_upload"), bad("slow_upload")):
        state, _ = advance(state, diagnosis)
    restored = HealthTracker.from_dict(json.loads(json.dumps(state.to_dict())))
    assert restored == state
    assert restored.to_dict() == {
        "version": 1,
        "reported": "unhealthy",
        "unhealthy": True,
        "streaks": {"slow_upload": 2},
    }


def test_no_false_recovery_after_a_restart() -> None:
    state = HealthTracker()
    for diagnosis in (GOOD, bad(), bad()):
        state, _ = advance(state, diagnosis)
    stored = json.dumps(state.to_dict())
    restored = HealthTracker.from_dict(json.loads(stored))
    # After the restart the first evaluations have no data yet, then the problem is still there.
    assert feed([UNKNOWN, bad()], state=restored) == [K, U]


@pytest.mark.parametrize(
    "data",
    [
        None,
        "state",
        [],
        {},
        {"version": 2, "reported": "healthy", "unhealthy": False, "streaks": {}},
        {"version": 1, "reported": "fine", "unhealthy": False, "streaks": {}},
        {"version": 1, "reported": 3, "unhealthy": False, "streaks": {}},
        {"version": 1, "reported": "healthy", "unhealthy": "no", "streaks": {}},
        {"version": 1, "reported": "healthy", "unhealthy": False, "streaks": []},
        {"version": 1, "reported": "healthy", "unhealthy": False, "streaks": {"a": 0}},
        {"version": 1, "reported": "healthy", "unhealthy": False, "streaks": {"a": True}},
        {"version": 1, "reported": "healthy", "unhealthy": False, "streaks": {"a": 1.0}},
        {"version": 1, "reported": "healthy", "unhealthy": False, "streaks": {"a": 10**7}},
        {"version": 1, "reported": "healthy", "unhealthy": False, "streaks": {1: 1}},
    ],
)
def test_garbage_gives_a_fresh_state(data: Any) -> None:
    assert HealthTracker.from_dict(data) == HealthTracker()


def test_restored_unhealthy_verdict_implies_the_mark() -> None:
    data = {"version": 1, "reported": "unhealthy", "unhealthy": False, "streaks": {}}
    assert HealthTracker.from_dict(data) == HealthTracker(U, True, ())


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(json_like)
def test_from_dict_never_raises(data: Any) -> None:
    state = HealthTracker.from_dict(data)
    assert HealthTracker.from_dict(state.to_dict()) == state
