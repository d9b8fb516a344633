"""Runs a measurement that needs Home Assistant under its test plugin, like the tests do.

The measurement is a pytest file (benchmarks/ha_*.py) that writes its JSON result to the path in
$BENCH_OUTPUT; this prints that result as one line and saves it under benchmarks/results/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def run_measurement(measurement: str, result_name: str) -> int:
    """Run benchmarks/<measurement> and print its result; non-zero when it failed."""
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / f"{result_name}.json"
    output.unlink(missing_ok=True)
    run = subprocess.run(  # noqa: S603 - our own pytest on our own file
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "--no-cov",
            "-p",
            "no:randomly",
            f"benchmarks/{measurement}",
        ],
        env={**os.environ, "BENCH_OUTPUT": str(output)},
        check=False,
    )
    if run.returncode != 0 or not output.exists():
        print(json.dumps({"error": "measurement failed"}))
        return 1
    print(json.dumps(json.loads(output.read_text())))
    return 0
