"""Where a benchmark's result goes, its goals, and its exit status.

Results go to build/bench/ (ignored by git). `scripts/bench --refresh-results` (or
BLINK_DOCTOR_REFRESH_RESULTS=1) writes them to benchmarks/results/ instead, the copies the
README quotes and the repository keeps. A goal's default can be overridden with
BLINK_DOCTOR_GOAL_<NAME>, e.g. BLINK_DOCTOR_GOAL_DIAGNOSIS_MS=5.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "benchmarks" / "results"
LOCAL = REPO / "build" / "bench"
REFRESH_ENV = "BLINK_DOCTOR_REFRESH_RESULTS"
GOAL_ENV_PREFIX = "BLINK_DOCTOR_GOAL_"


def results_dir() -> Path:
    """The folder results are written to (created if missing)."""
    folder = COMMITTED if os.environ.get(REFRESH_ENV, "") not in ("", "0") else LOCAL
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def goal(name: str, default: float) -> float:
    """The goal `name`: BLINK_DOCTOR_GOAL_<NAME> when set, else the default."""
    raw = os.environ.get(GOAL_ENV_PREFIX + name.upper())
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        sys.exit(f"{GOAL_ENV_PREFIX}{name.upper()}={raw!r} is not a number")


def emit(name: str, result: dict[str, Any], *, missed: list[str]) -> int:
    """Save and print the result as one JSON line; 1 (after printing) when a goal was missed.

    `missed` names each goal that was not met; it is added to the result as `goals_missed`.
    """
    result = {**result, "goals_missed": missed}
    (results_dir() / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result), flush=True)
    if missed:
        print(f"{name}: goal missed: {', '.join(missed)}", file=sys.stderr, flush=True)
        return 1
    return 0
