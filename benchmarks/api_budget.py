"""`scripts/bench api-budget`: Blink requests per hour, and whether linked mode keeps its budget.

Runs benchmarks/ha_api_budget.py under Home Assistant's test plugin (simulated time, the
simulator's request log as the counter). Exits non-zero when linked mode adds more than two
config reads per Mini or doorbell and hour (BLINK_DOCTOR_GOAL_LINKED_EXTRA_PER_HOUR overrides
that budget), or any request with those reads turned off.
"""

from __future__ import annotations

import sys

from benchmarks.ha_runner import run_measurement
from benchmarks.outcome import emit, goal


def main() -> int:
    """Measure, print the result; 1 when the measurement failed or the budget was missed."""
    result = run_measurement("ha_api_budget.py", "api_budget")
    if result is None:
        return 1
    budget = goal("linked_extra_per_hour", result["linked_extra_budget_per_hour"])
    result["linked_extra_budget_per_hour"] = budget
    missed = []
    if result["linked_extra_requests_per_hour"] > budget:
        missed.append("linked_extra_per_hour")
    if result["linked_extra_requests_per_hour_reads_off"] != 0:
        missed.append("linked_extra_per_hour_reads_off")
    return emit("api_budget", result, missed=missed)


if __name__ == "__main__":
    sys.exit(main())
