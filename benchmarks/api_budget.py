"""`scripts/bench api-budget`: Blink requests per hour; linked mode must add none.

Runs benchmarks/ha_api_budget.py under Home Assistant's test plugin (simulated time, the
simulator's request log as the counter).
"""

from __future__ import annotations

import sys

from benchmarks.ha_runner import run_measurement

if __name__ == "__main__":
    sys.exit(run_measurement("ha_api_budget.py", "api_budget"))
