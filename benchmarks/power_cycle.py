"""`scripts/bench power-cycle`: power-cycle overhead beyond off_seconds + boot time (goal < 2 s).

Runs benchmarks/ha_power_cycle.py under Home Assistant's test plugin (real time, a real HA
switch powering the simulated Mini) and prints its result as one JSON line (also saved to
benchmarks/results/power_cycle.json).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def main() -> int:
    """Run the measurement; print and save its JSON result."""
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / "power_cycle.json"
    output.unlink(missing_ok=True)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "--no-cov",
            "-p",
            "no:randomly",
            "benchmarks/ha_power_cycle.py",
        ],
        env={**os.environ, "BENCH_OUTPUT": str(output)},
        check=False,
    )
    if run.returncode != 0 or not output.exists():
        print(json.dumps({"error": "measurement failed"}))
        return 1
    print(json.dumps(json.loads(output.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
