"""`scripts/bench` fails when a benchmark misses its goal, and leaves tracked files alone."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "benchmarks" / "results" / "diagnosis.json"


def _bench(*args: str, goal_ms: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BLINK_DOCTOR_GOAL_DIAGNOSIS_MS": goal_ms}
    env.pop("BLINK_DOCTOR_REFRESH_RESULTS", None)
    return subprocess.run(  # noqa: S603 - the project's own script
        [str(REPO / "scripts" / "bench"), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_missed_goal_fails_after_printing_the_result() -> None:
    """A goal out of reach: the JSON is printed, then scripts/bench exits non-zero."""
    committed_before = COMMITTED.read_bytes()
    run = _bench("diagnosis", goal_ms="0.000001")
    assert run.returncode == 1, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["budget_ms"] == 0.000001
    assert result["within_budget"] is False
    assert result["goals_missed"] == ["diagnosis_ms"]
    assert result["diagnosis_ms_1000_cameras"] > 0
    assert "goal missed" in run.stderr
    # The committed copy is refreshed only on request.
    assert COMMITTED.read_bytes() == committed_before
    saved = json.loads((REPO / "build" / "bench" / "diagnosis.json").read_text())
    assert saved["goals_missed"] == ["diagnosis_ms"]


def test_goal_within_reach_passes() -> None:
    """The same benchmark with a goal it meets exits 0."""
    run = _bench("diagnosis", goal_ms="1000000")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["within_budget"] is True
    assert result["goals_missed"] == []


def test_unknown_option_is_refused() -> None:
    """A mistyped flag is not taken for a benchmark name, and nothing runs."""
    run = _bench("--refresh", "diagnosis", goal_ms="1000000")
    assert run.returncode == 1
    assert "unknown option: --refresh" in run.stderr
    assert run.stdout == ""
