"""`scripts/bench memory`: what our integration adds to HA's resident memory with 50 cameras.

Measured in the same run as `scripts/bench setup` (benchmarks/ha_setup.py); this runs it when
that run's figure is missing. Exits 1 after printing when it reaches the goal
(BLINK_DOCTOR_GOAL_MEMORY_MB, default 20 MB).
"""

from __future__ import annotations

import json
import sys

from benchmarks import setup
from benchmarks.outcome import emit, goal

GOAL_MEMORY_MB = 20.0


def main() -> int:
    """Print and save the memory figure; 1 when missing or over the goal."""
    if not setup.MEMORY_RAW.exists():
        setup.main()
    if not setup.MEMORY_RAW.exists():
        return 1
    result = json.loads(setup.MEMORY_RAW.read_text())
    limit = goal("memory_mb", GOAL_MEMORY_MB)
    result["memory_goal_mb"] = limit
    missed = [] if result["memory_mb_50_cameras"] < limit else ["memory_mb"]
    return emit("memory", result, missed=missed)


if __name__ == "__main__":
    sys.exit(main())
