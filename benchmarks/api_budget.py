"""`scripts/bench api-budget`: Blink requests per hour, and whether linked mode keeps its budget.

Runs benchmarks/ha_api_budget.py under Home Assistant's test plugin (simulated time, the
simulator's request log as the counter). Exits non-zero when linked mode adds more than two
config reads per Mini or doorbell and hour, or any request with those reads turned off.
"""

from __future__ import annotations

import json
import sys

from benchmarks.ha_runner import RESULTS, run_measurement


def budget_kept(result: dict[str, float]) -> bool:
    """Linked mode's extra requests within the budget, and none with the reads off."""
    return (
        result["linked_extra_requests_per_hour"] <= result["linked_extra_budget_per_hour"]
        and result["linked_extra_requests_per_hour_reads_off"] == 0
    )


def main() -> int:
    """Measure, print the result; 1 when the measurement failed or the budget was missed."""
    status = run_measurement("ha_api_budget.py", "api_budget")
    if status != 0:
        return status
    result = json.loads((RESULTS / "api_budget.json").read_text())
    if not budget_kept(result):
        print(json.dumps({"error": "linked mode exceeds its request budget"}))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
