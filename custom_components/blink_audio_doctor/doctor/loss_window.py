"""Packet loss over many connect attempts, gathered a few per latency round.

One round of a few TCP connects makes loss jump in big steps (one failure out of 5 is 20 %). The
window keeps the outcome of the most recent attempts across rounds, so loss moves in 1 % steps
once it is full, and asks for enough attempts in the first round for 5 % steps from the start.
"""

from __future__ import annotations

from collections import deque

from .probes import LatencyResult


class LossWindow:
    """Failed connect attempts as a percentage of the last `size` attempts."""

    def __init__(self, size: int = 100, first_attempts: int = 20) -> None:
        """Start empty; the first round should make `first_attempts` attempts."""
        self._failed: deque[bool] = deque(maxlen=size)
        self._first_attempts = first_attempts

    def attempts_for_round(self, per_round: int) -> int:
        """How many connects the next round should try: more while the window is nearly empty."""
        return max(per_round, self._first_attempts - len(self._failed))

    def add(self, result: LatencyResult) -> float | None:
        """Count a round's attempts; the loss over the window, None when nothing was tried.

        A host name that did not resolve made no attempt, so it changes nothing.
        """
        if not result.attempts:
            return None
        lost = result.attempts - result.samples
        self._failed.extend([False] * result.samples + [True] * lost)
        return round(100 * sum(self._failed) / len(self._failed), 1)
