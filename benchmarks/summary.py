"""Collects the saved result of every benchmark into summary.json beside them."""

from __future__ import annotations

import json
import sys

from benchmarks.outcome import results_dir


def main(names: list[str]) -> None:
    """Merge each named benchmark's result file and print the summary as one JSON line."""
    folder = results_dir()
    summary: dict[str, object] = {}
    for name in names:
        path = folder / f"{name.replace('-', '_')}.json"
        summary[name] = json.loads(path.read_text()) if path.exists() else {"missing": True}
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1:])
