"""Runs a measurement that needs Home Assistant under its test plugin, like the tests do.

The measurement is a pytest file (benchmarks/ha_*.py) that writes its JSON result to the path in
$BENCH_OUTPUT; this reads that result back for the benchmark to judge against its goals.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from benchmarks.outcome import LOCAL


def run_measurement(measurement: str, raw_name: str) -> dict[str, Any] | None:
    """Run benchmarks/<measurement>; its raw result, or None (after saying so) when it failed."""
    LOCAL.mkdir(parents=True, exist_ok=True)
    output = LOCAL / f"{raw_name}.raw.json"
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
        return None
    result: dict[str, Any] = json.loads(output.read_text())
    output.unlink()
    return result
