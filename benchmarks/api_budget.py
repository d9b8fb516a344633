"""`scripts/bench api-budget`: Blink requests per hour, linked mode must add none.

Runs benchmarks/ha_api_budget.py under Home Assistant's test plugin (simulated time, the
simulator's request log as the counter) and prints its result as one JSON line.
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
    output = RESULTS / "api_budget.json"
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
            "benchmarks/ha_api_budget.py",
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
