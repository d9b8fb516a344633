"""`scripts/bench power-cycle`: power-cycle overhead beyond off_seconds + boot time.

Runs benchmarks/ha_power_cycle.py under Home Assistant's test plugin (real time, a real HA
switch powering the simulated Mini). Exits 1 after printing when the overhead reaches the goal
(BLINK_DOCTOR_GOAL_POWER_CYCLE_OVERHEAD_S, default 2 s).
"""

from __future__ import annotations

import sys

from benchmarks.ha_runner import run_measurement
from benchmarks.outcome import emit, goal

GOAL_OVERHEAD_S = 2.0


def main() -> int:
    """Measure, print the result; 1 when the measurement failed or the overhead is too long."""
    result = run_measurement("ha_power_cycle.py", "power_cycle")
    if result is None:
        return 1
    limit = goal("power_cycle_overhead_s", GOAL_OVERHEAD_S)
    result["overhead_goal_s"] = limit
    missed = [] if result["overhead_s"] < limit else ["power_cycle_overhead_s"]
    return emit("power_cycle", result, missed=missed)


if __name__ == "__main__":
    sys.exit(main())
