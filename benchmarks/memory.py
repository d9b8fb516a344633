"""`scripts/bench memory`: what our integration adds to HA's resident memory with 50 cameras.

Measured in the same run as `scripts/bench setup` (benchmarks/ha_setup.py); this runs it when
its result is missing and prints `memory_mb_50_cameras`.
"""

from __future__ import annotations

import json
import sys

from benchmarks import setup
from benchmarks.ha_runner import RESULTS

if __name__ == "__main__":
    if not (RESULTS / "memory.json").exists() and setup.main():
        sys.exit(1)
    print(json.dumps(json.loads((RESULTS / "memory.json").read_text())))
