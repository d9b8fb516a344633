"""Debounce verdicts so one bad reading does not raise a repair issue.

Semantics of ``advance`` (one call per evaluation of one camera):

* ``healthy``: reported at once; every failing streak and the unhealthy mark are cleared (one
  good evaluation recovers the camera).
* ``unhealthy``: every failing code of the diagnosis extends its streak of consecutive failing
  evaluations; codes that did not fail this time lose theirs. The camera is reported
  unhealthy once some code's streak reaches ``unhealthy_after``, and stays unhealthy (whatever
  its failing codes) until a healthy evaluation. Until then the previous reported verdict
  stands: ``healthy`` stays ``healthy`` and anything else reads ``unknown``, never healthy.
* ``unknown``: reported at once, but it is no evidence either way, so it neither extends nor
  resets the streaks and keeps the unhealthy mark: bad, unknown, bad counts as two bad
  evaluations in a row, and a camera that was unhealthy before an unknown stretch is unhealthy
  again on its next bad evaluation rather than "recovering" in between.
* ``unsupported``: reported at once; the state is reset (nothing to track).

The state is a small frozen value that round-trips through JSON (``to_dict``/``from_dict``) so
Home Assistant can keep it across restarts; anything unreadable becomes a fresh state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .model import Diagnosis, FindingKind, Verdict

STATE_VERSION = 1
DEFAULT_UNHEALTHY_AFTER = 2
# Streaks beyond this carry no extra meaning; the cap keeps stored numbers small.
_MAX_STREAK = 1_000_000
_VERDICTS: Mapping[str, Verdict] = {verdict.value: verdict for verdict in Verdict}


@dataclass(frozen=True, slots=True)
class HealthTracker:
    """Per-camera hysteresis state.

    Attributes:
        reported: The verdict last reported to the user.
        unhealthy: Whether the camera was confirmed unhealthy with no good evaluation since.
        streaks: Consecutive failing evaluations per failing code, in finding order.
    """

    reported: Verdict = Verdict.UNKNOWN
    unhealthy: bool = False
    streaks: tuple[tuple[str, int], ...] = ()

    @property
    def pending(self) -> bool:
        """Return whether failing findings are being counted but not yet reported."""
        return bool(self.streaks) and not self.unhealthy

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dictionary for storage."""
        return {
            "version": STATE_VERSION,
            "reported": self.reported.value,
            "unhealthy": self.unhealthy,
            "streaks": dict(self.streaks),
        }

    @classmethod
    def from_dict(cls, data: object) -> HealthTracker:
        """Restore a state from ``to_dict`` output; anything malformed gives a fresh state."""
        if not isinstance(data, Mapping) or data.get("version") != STATE_VERSION:
            return cls()
        reported = data.get("reported")
        unhealthy = data.get("unhealthy")
        streaks = data.get("streaks")
        if (
            not isinstance(reported, str)
            or reported not in _VERDICTS
            or not isinstance(unhealthy, bool)
            or not isinstance(streaks, Mapping)
        ):
            return cls()
        pairs: list[tuple[str, int]] = []
        for code, count in streaks.items():
            if not isinstance(code, str) or type(count) is not int or not 0 < count <= _MAX_STREAK:
                return cls()
            pairs.append((code, count))
        verdict = _VERDICTS[reported]
        return cls(verdict, unhealthy or verdict is Verdict.UNHEALTHY, tuple(pairs))


def _failing_codes(diagnosis: Diagnosis) -> list[str]:
    codes: list[str] = []
    for finding in diagnosis.findings:
        if finding.kind is FindingKind.FAILING and finding.code not in codes:
            codes.append(str(finding.code))
    # An unhealthy verdict always has a failing finding; fall back to its code regardless.
    return codes or [str(diagnosis.code)]


def advance(
    state: HealthTracker,
    diagnosis: Diagnosis,
    unhealthy_after: int = DEFAULT_UNHEALTHY_AFTER,
) -> tuple[HealthTracker, Verdict]:
    """Feed one evaluation into a camera's state.

    Args:
        state: The camera's state so far (``HealthTracker()`` for a new camera).
        diagnosis: The evaluation's diagnosis.
        unhealthy_after: Consecutive failing evaluations (same code) before reporting
            unhealthy; values below 1 count as 1.

    Returns:
        The new state and the verdict to report.
    """
    # Callers outside mypy may pass anything; junk counts as a fresh state / an unknown.
    checked: object = state
    state = checked if isinstance(checked, HealthTracker) else HealthTracker()
    after: object = unhealthy_after
    threshold = after if type(after) is int else DEFAULT_UNHEALTHY_AFTER
    given: object = diagnosis
    verdict = given.verdict if isinstance(given, Diagnosis) else Verdict.UNKNOWN

    if verdict is Verdict.HEALTHY or verdict is Verdict.UNSUPPORTED:
        return HealthTracker(verdict), verdict
    if verdict is not Verdict.UNHEALTHY:
        return HealthTracker(Verdict.UNKNOWN, state.unhealthy, state.streaks), Verdict.UNKNOWN

    previous = dict(state.streaks)
    streaks = tuple(
        (code, min(previous.get(code, 0) + 1, _MAX_STREAK)) for code in _failing_codes(diagnosis)
    )
    if state.unhealthy or max(count for _, count in streaks) >= threshold:
        return HealthTracker(Verdict.UNHEALTHY, True, streaks), Verdict.UNHEALTHY  # noqa: FBT003
    reported = Verdict.HEALTHY if state.reported is Verdict.HEALTHY else Verdict.UNKNOWN
    return HealthTracker(reported, False, streaks), reported  # noqa: FBT003
