"""A home line's shape for the probe endpoints (a scenario's `line:` block; see `probes.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Line:
    """A home line's shape; None for a rate or 0 for the round trip leaves it unshaped."""

    down_mbps: float | None = None
    up_mbps: float | None = None
    rtt_ms: float = 0.0

    @classmethod
    def from_spec(cls, spec: dict[str, Any] | None) -> Line:
        """Read a scenario's `line:` block (missing block or keys: unshaped)."""
        spec = spec or {}
        down = spec.get("down_mbps")
        up = spec.get("up_mbps")
        line = cls(
            down_mbps=None if down is None else float(down),
            up_mbps=None if up is None else float(up),
            rtt_ms=float(spec.get("rtt_ms", 0.0)),
        )
        if any(rate is not None and rate <= 0 for rate in (line.down_mbps, line.up_mbps)):
            msg = "line rates must be positive"
            raise ValueError(msg)
        if line.rtt_ms < 0:
            msg = "line rtt_ms must not be negative"
            raise ValueError(msg)
        return line
