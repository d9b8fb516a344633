"""`scripts/bench setup`: setup time with 1, 10, 50, 200 cameras (HA's Blink alone, ours on top).

Also records `memory_mb_50_cameras` (what our integration adds to HA's resident memory with 50
cameras) for `scripts/bench memory`, which reads it from the same run.
"""

from __future__ import annotations

import json
import sys

from benchmarks.ha_runner import RESULTS, run_measurement


def main() -> int:
    """Measure; save setup.json and memory.json; print the setup result."""
    status = run_measurement("ha_setup.py", "setup_raw")
    if status:
        return status
    raw = json.loads((RESULTS / "setup_raw.json").read_text())
    setup = {"setup_s": raw["setup_s"]}
    memory = {"memory_mb_50_cameras": raw["memory_mb"]["50"]}
    (RESULTS / "setup.json").write_text(json.dumps(setup) + "\n")
    (RESULTS / "memory.json").write_text(json.dumps(memory) + "\n")
    (RESULTS / "setup_raw.json").unlink()
    print(json.dumps(setup))
    return 0


if __name__ == "__main__":
    sys.exit(main())
