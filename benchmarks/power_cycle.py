"""`scripts/bench power-cycle`: power-cycle overhead beyond off_seconds + boot time (goal < 2 s).

Runs benchmarks/ha_power_cycle.py under Home Assistant's test plugin (real time, a real HA
switch powering the simulated Mini).
"""

from __future__ import annotations

import sys

from benchmarks.ha_runner import run_measurement

if __name__ == "__main__":
    sys.exit(run_measurement("ha_power_cycle.py", "power_cycle"))
