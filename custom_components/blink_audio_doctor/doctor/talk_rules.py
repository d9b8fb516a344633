"""What a talk-path test says about a camera: the live-view findings of the diagnosis.

A talk-path test (``talk_path.run_talk_path``) runs only when someone asks for it, so having no
result is never missing data. A result counts for ``Thresholds.talk_max_age`` after it was
measured; an older one, one with an unreadable time, and one where Blink refused the live view
(nothing was measured) say nothing. A result that counts gives these failing findings, each
stamped with the test's time:

* ``poor_connection``: Blink's live-view answer flagged a poor connection. Without a result
  that counts, the flag on the camera's snapshot (a live-view answer read elsewhere) stands in.
* ``camera_slow_to_join``: the camera joined later than ``max_join_s``, or never (measured
  ``None``).
* ``media_server_unreachable``: no connection to the media server named in the answer.
* ``media_rtt_high``: the median TLS handshake with it took ``max_media_rtt_ms`` or longer.

Fix steps: the camera's own link (poor connection, slow join) -> obstructions, as for weak
Wi-Fi; the way from the home to the media server (unreachable, slow) -> internet speed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING

from .model import DiagnosisCode, Finding, FindingKind, FixStep, Measure, Thresholds
from .talk_path import TalkOutcome, TalkPathResult
from .values import age_s, finite, measurement

if TYPE_CHECKING:
    from collections.abc import Mapping

TALK_FIXES: Mapping[str, FixStep] = MappingProxyType(
    {
        DiagnosisCode.POOR_CONNECTION: FixStep.OBSTRUCTIONS,
        DiagnosisCode.CAMERA_SLOW_TO_JOIN: FixStep.OBSTRUCTIONS,
        DiagnosisCode.MEDIA_SERVER_UNREACHABLE: FixStep.INTERNET_SPEED,
        DiagnosisCode.MEDIA_RTT_HIGH: FixStep.INTERNET_SPEED,
    }
)
"""The article step each live-view finding points to."""

_NOTHING_MEASURED = (TalkOutcome.REFUSED, TalkOutcome.RATE_LIMITED)


def counting_result(
    talk: object, thresholds: Thresholds, now: datetime
) -> tuple[TalkPathResult, float] | None:
    """The talk-path result and its age in seconds, when it still counts; else ``None``."""
    if not isinstance(talk, TalkPathResult) or talk.outcome in _NOTHING_MEASURED:
        return None
    age = age_s(now, talk.measured_at)
    limit = thresholds.talk_max_age
    if age is None or (isinstance(limit, timedelta) and age > limit.total_seconds()):
        return None
    return talk, age


def talk_findings(
    talk: object,
    thresholds: Thresholds,
    now: datetime,
    camera_flag: tuple[bool | None, datetime | None, float | None],
) -> list[Finding]:
    """The failing live-view findings, in check order.

    Args:
        talk: The camera's latest talk-path result, if any.
        thresholds: Limits to compare against.
        now: The current time (aware).
        camera_flag: The snapshot's ``poor_connection``, when and how long ago it was read;
            used only when no result counts.

    Returns:
        The failing findings (an empty list when nothing failed or nothing counts).
    """
    counting = counting_result(talk, thresholds, now)
    if counting is None:
        flag, read_at, age_s = camera_flag
        if flag is not True:
            return []
        return [_fail(DiagnosisCode.POOR_CONNECTION, True, False, None, read_at, age_s)]  # noqa: FBT003
    result, age = counting
    at, age_s = result.measured_at, round(age, 1)
    findings: list[Finding] = []
    if result.poor_connection is True:
        findings.append(_fail(DiagnosisCode.POOR_CONNECTION, True, False, None, at, age_s))  # noqa: FBT003
    join_limit = finite(thresholds.max_join_s)
    joined = measurement(result.camera_joined_s)
    if join_limit is not None and (joined is None or joined > join_limit):
        measured = None if joined is None else round(joined, 1)
        findings.append(
            _fail(DiagnosisCode.CAMERA_SLOW_TO_JOIN, measured, join_limit, "s", at, age_s)
        )
    if result.outcome is TalkOutcome.SERVER_UNREACHABLE:
        server = result.media_server if isinstance(result.media_server, str) else None
        findings.append(
            _fail(DiagnosisCode.MEDIA_SERVER_UNREACHABLE, server, None, None, at, age_s)
        )
    rtt_limit = finite(thresholds.max_media_rtt_ms)
    rtt = measurement(result.media_rtt_ms)
    if rtt_limit is not None and rtt is not None and rtt >= rtt_limit:
        findings.append(
            _fail(DiagnosisCode.MEDIA_RTT_HIGH, round(rtt, 1), rtt_limit, "ms", at, age_s)
        )
    return findings


def _fail(  # noqa: PLR0913, PLR0917 - a finding's fields
    code: DiagnosisCode,
    measured: Measure,
    threshold: Measure,
    unit: str | None,
    read_at: datetime | None,
    age_s: float | None,
) -> Finding:
    return Finding(
        code, FindingKind.FAILING, measured, threshold, unit, TALK_FIXES[code], read_at, age_s
    )
