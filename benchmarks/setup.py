"""`scripts/bench setup`: setup time with 1, 10, 50, 200 cameras (HA's Blink alone, ours on top).

Also records `memory_mb_50_cameras` (what our integration adds to HA's resident memory with 50
cameras) for `scripts/bench memory`, which judges it from the same run. Exits 1 after printing
when ours takes longer than the goal at any size (BLINK_DOCTOR_GOAL_SETUP_S, default 5 s).
"""

from __future__ import annotations

import json
import sys

from benchmarks.ha_runner import run_measurement
from benchmarks.outcome import LOCAL, emit, goal

GOAL_SETUP_S = 5.0
MEMORY_RAW = LOCAL / "memory.raw.json"


def main() -> int:
    """Measure; print and save the setup result, keep the memory figure for `memory`."""
    raw = run_measurement("ha_setup.py", "setup")
    if raw is None:
        return 1
    MEMORY_RAW.write_text(json.dumps({"memory_mb_50_cameras": raw["memory_mb"]["50"]}) + "\n")
    limit = goal("setup_s", GOAL_SETUP_S)
    slowest = max(times["doctor"] for times in raw["setup_s"].values())
    result = {"setup_s": raw["setup_s"], "doctor_setup_goal_s": limit}
    return emit("setup", result, missed=[] if slowest < limit else ["setup_s"])


if __name__ == "__main__":
    sys.exit(main())
