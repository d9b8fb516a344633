"""Coverage gates of scripts/test: 95 % of the integration, 100 % of the flows and doctor/.

Reads the .coverage file written by the pytest run and exits non-zero, naming the files, when a
gate is missed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import coverage

INTEGRATION = Path("custom_components/blink_audio_doctor")
# (what, path prefix, minimum percent)
GATES = [
    ("integration", INTEGRATION, 95.0),
    ("config flow", INTEGRATION / "config_flow.py", 100.0),
    ("options flow", INTEGRATION / "options_flow.py", 100.0),
    ("doctor/", INTEGRATION / "doctor", 100.0),
]


def main() -> int:
    """Check every gate; print one line per gate."""
    data = coverage.Coverage()
    data.load()
    cov_data = data.get_data()
    root = Path.cwd()
    totals: dict[str, tuple[int, int]] = {}
    for measured in cov_data.measured_files():
        path = Path(measured).resolve()
        if not path.is_relative_to(root.resolve()):
            continue
        relative = path.relative_to(root.resolve())
        _, statements, _, missing, _ = data.analysis2(measured)
        for name, prefix, _minimum in GATES:
            if relative == prefix or prefix in relative.parents:
                run, total = totals.get(name, (0, 0))
                totals[name] = (run + len(statements) - len(missing), total + len(statements))
    failed = False
    for name, _prefix, minimum in GATES:
        run, total = totals.get(name, (0, 0))
        if total == 0:
            print(f"coverage gate {name}: nothing measured")
            failed = True
            continue
        percent = 100.0 * run / total
        ok = percent >= minimum
        failed |= not ok
        print(f"coverage gate {name}: {percent:.1f} % of lines (needs {minimum:.0f} %)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
