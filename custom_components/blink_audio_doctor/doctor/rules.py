"""The health model: one camera's snapshot in, a verdict with ordered findings out.

The checks run in a fixed order (measured causes that decide the most first):

1. blocking: unsupported model (no speaker), stale data. Each ends the diagnosis on its own
   (verdicts ``unsupported`` / ``unknown``). Every other model is judged, an unlisted product
   type by its family (``capabilities.judged_capability``).
2. failing or missing, per check: camera online, Sync Module online, Sync Module heartbeat,
   camera Wi-Fi, Sync Module link, download, upload, latency, jitter, packet loss, battery,
   then the live-view findings of a talk-path test (``talk_rules``).

Any failing finding makes the camera ``unhealthy`` even when other inputs are missing. Without
failing findings, any missing input makes it ``unknown``: missing data is never a pass. Only
inputs a device of that family can report are required:

* Wi-Fi: one usable reading is enough: bars or dBm (bars are checked first). Only sync-module
  cameras always report it (homescreen ``signals.wifi``); for Minis, doorbells and
  floodlights Blink's homescreen carries none, so without a config reading their Wi-Fi is not
  required: a ``wifi_not_reported`` finding (kind ``not_reported``) says so and the verdict
  rests on the other checks.
* Sync Module link bars: sync-module cameras only.
* Sync Module status and heartbeat: required for sync-module cameras; for Minis, doorbells and
  floodlights only when they are attached to a Sync Module (``sync_module_serial`` set or a
  Sync Module passed in). A standalone Mini has none and is not marked unknown for it.
* Battery state: battery-powered models only.
* Live view (``poor_connection``, join time, media server): only known after a test someone
  asked for, so no result is never missing data (``talk_rules``).
* A threshold set to ``None`` turns its check off, and its input is then not required.

Fix steps: Wi-Fi, Sync Module link, poor connection, slow join -> obstructions; camera offline,
Sync Module offline or silent -> restart the camera (for a Sync Module finding: the Sync
Module); speed, latency, jitter, packet loss, media server -> internet speed; low battery ->
restart camera, because for a battery camera the article's power step means taking the
batteries out and fitting fresh ones. Missing, not-reported and blocking findings point to no step.

Every finding on a reading carries when that reading was fetched (``read_at``) and its age at
``now`` (``age_s``): the camera's ``readings_at`` for its fields, ``measured_at`` for the
network, ``data_taken_at`` for the Sync Module and for fields without a recorded time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING

from .capabilities import judged_capability
from .model import (
    ARTICLE_ORDER,
    CameraSnapshot,
    Diagnosis,
    DiagnosisCode,
    Finding,
    FindingKind,
    FixStep,
    Measure,
    MissingCode,
    NetworkMetrics,
    NotReportedCode,
    SyncModuleSnapshot,
    Thresholds,
    Verdict,
)
from .talk_rules import TALK_FIXES, talk_findings
from .values import age_s, bars_or_none, dbm_or_none, finite, measurement

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .talk_path import TalkPathResult

ALL_DIAGNOSIS_CODES: tuple[str, ...] = tuple(code.value for code in DiagnosisCode)
"""Options of the diagnosis sensor: ``ok``, every failing and blocking code, ``unknown``."""

ALL_MISSING_CODES: tuple[str, ...] = tuple(code.value for code in MissingCode)
"""Codes of missing-input findings (they explain an ``unknown``, never a sensor state)."""

ALL_NOT_REPORTED_CODES: tuple[str, ...] = tuple(code.value for code in NotReportedCode)
"""Codes of not-reported findings (readings Blink never sends for a model)."""

FIX_FOR_CODE: Mapping[str, FixStep] = MappingProxyType(
    {
        DiagnosisCode.CAMERA_OFFLINE: FixStep.RESTART_CAMERA,
        DiagnosisCode.SYNC_MODULE_OFFLINE: FixStep.RESTART_CAMERA,
        DiagnosisCode.SYNC_MODULE_HEARTBEAT_STALE: FixStep.RESTART_CAMERA,
        DiagnosisCode.WEAK_WIFI: FixStep.OBSTRUCTIONS,
        DiagnosisCode.WEAK_SYNC_LINK: FixStep.OBSTRUCTIONS,
        DiagnosisCode.SLOW_DOWNLOAD: FixStep.INTERNET_SPEED,
        DiagnosisCode.SLOW_UPLOAD: FixStep.INTERNET_SPEED,
        DiagnosisCode.HIGH_LATENCY: FixStep.INTERNET_SPEED,
        DiagnosisCode.HIGH_JITTER: FixStep.INTERNET_SPEED,
        DiagnosisCode.PACKET_LOSS: FixStep.INTERNET_SPEED,
        DiagnosisCode.BATTERY_LOW: FixStep.RESTART_CAMERA,
        **TALK_FIXES,
    }
)
"""The article step each failing code points to."""

DEFAULT_THRESHOLDS = Thresholds()

_FAILING = FindingKind.FAILING
_MISSING = FindingKind.MISSING
_BLOCKING = FindingKind.BLOCKING
_NOT_REPORTED = FindingKind.NOT_REPORTED
_MISSING_CAMERA = Diagnosis(Verdict.UNKNOWN, (Finding(MissingCode.CAMERA, _MISSING),))


def _seconds(limit: object) -> float | None:
    """Return a time limit in seconds, or ``None`` when the check is off."""
    return limit.total_seconds() if isinstance(limit, timedelta) else None


class _Clock:
    """Stamps findings with the time and age of the reading behind them."""

    def __init__(self, camera: CameraSnapshot, now: object, data_taken_at: object) -> None:
        self.camera = camera
        self.now = now
        self.taken_at = data_taken_at if isinstance(data_taken_at, datetime) else None

    def of(self, field: str | None) -> datetime | None:
        """Return when a camera field was read; the snapshot time when it has no own time."""
        if field is None:
            return self.taken_at
        return self.camera.read_at(field) or self.taken_at

    def fail(
        self,
        code: DiagnosisCode,
        measured: Measure,
        threshold: Measure,
        unit: str | None,
        read_at: datetime | None,
    ) -> Finding:
        age = age_s(self.now, read_at)
        return Finding(
            code,
            _FAILING,
            measured,
            threshold,
            unit,
            FIX_FOR_CODE[code],
            read_at,
            None if age is None else round(age, 1),
        )


def _blocking(code: DiagnosisCode, measured: Measure = None, threshold: Measure = None) -> Finding:
    unit = None if threshold is None else "s"  # only stale data has a threshold: an age
    return Finding(code, _BLOCKING, measured, threshold, unit)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _as[T](value: object, kind: type[T]) -> T | None:
    """Return ``value`` when it has the expected type (callers outside mypy may pass junk)."""
    return value if isinstance(value, kind) else None


def diagnose(  # noqa: C901, PLR0912, PLR0913, PLR0915 - one linear pass over the checks
    camera: CameraSnapshot,
    sync_module: SyncModuleSnapshot | None,
    network: NetworkMetrics | None,
    thresholds: Thresholds,
    *,
    now: datetime,
    data_taken_at: datetime,
    talk: TalkPathResult | None = None,
) -> Diagnosis:
    """Judge whether two-way audio is likely to work on one camera.

    Never raises: malformed values count as missing.

    Args:
        camera: The camera as Blink last reported it.
        sync_module: The Sync Module it is attached to, if any is known.
        network: The latest network probe results, if any.
        thresholds: Limits to compare against.
        now: The current time (aware).
        data_taken_at: When the camera data was read from Blink (aware).
        talk: The camera's latest ``TalkPathResult``, if a talk-path test was run.

    Returns:
        The verdict and its findings, failing ones first, then missing ones.
    """
    checked_camera = _as(camera, CameraSnapshot)
    if checked_camera is None:
        return _MISSING_CAMERA
    camera = checked_camera
    thresholds = _as(thresholds, Thresholds) or DEFAULT_THRESHOLDS
    sync_module = _as(sync_module, SyncModuleSnapshot)
    network = _as(network, NetworkMetrics)

    capability = judged_capability(camera)
    if not capability.has_two_way_audio:
        finding = _blocking(DiagnosisCode.UNSUPPORTED_MODEL, capability.product_type)
        return Diagnosis(Verdict.UNSUPPORTED, (finding,))

    max_age = _seconds(thresholds.max_data_age)
    if max_age is not None:
        age = age_s(now, data_taken_at)
        if age is None or age > max_age:
            measured = None if age is None else round(age, 1)
            stale = _blocking(DiagnosisCode.STALE_DATA, measured, max_age)
            if isinstance(data_taken_at, datetime):
                stale = replace(stale, read_at=data_taken_at, age_s=measured)
            return Diagnosis(Verdict.UNKNOWN, (stale,))

    clock = _Clock(camera, now, data_taken_at)
    failing: list[Finding] = []
    missing: list[Finding] = []
    not_reported: list[Finding] = []

    online = camera.online
    if online is False:
        failing.append(
            clock.fail(DiagnosisCode.CAMERA_OFFLINE, False, True, None, clock.of("online"))  # noqa: FBT003
        )
    elif online is not True:
        missing.append(Finding(MissingCode.ONLINE, _MISSING))

    attached = sync_module is not None or _text(camera.sync_module_serial) is not None
    if capability.needs_sync_module or attached:
        if sync_module is None:
            missing.append(Finding(MissingCode.SYNC_MODULE, _MISSING))
        else:
            sync_online = sync_module.online
            if sync_online is False:
                failing.append(
                    clock.fail(DiagnosisCode.SYNC_MODULE_OFFLINE, False, True, None, clock.of(None))  # noqa: FBT003
                )
            elif sync_online is not True:
                missing.append(Finding(MissingCode.SYNC_MODULE_STATUS, _MISSING))
            heartbeat_limit = _seconds(thresholds.heartbeat_max_age)
            if heartbeat_limit is not None:
                heartbeat_age = age_s(now, sync_module.last_heartbeat)
                if heartbeat_age is None:
                    missing.append(Finding(MissingCode.HEARTBEAT, _MISSING))
                elif heartbeat_age > heartbeat_limit:
                    failing.append(
                        clock.fail(
                            DiagnosisCode.SYNC_MODULE_HEARTBEAT_STALE,
                            round(heartbeat_age, 1),
                            heartbeat_limit,
                            "s",
                            clock.of(None),
                        )
                    )

    bars_limit = finite(thresholds.min_wifi_bars)
    dbm_limit = finite(thresholds.min_wifi_dbm)
    if bars_limit is not None or dbm_limit is not None:
        bars = bars_or_none(camera.wifi_bars) if bars_limit is not None else None
        dbm = dbm_or_none(camera.wifi_dbm) if dbm_limit is not None else None
        if bars is not None and bars_limit is not None and bars < bars_limit:
            failing.append(
                clock.fail(DiagnosisCode.WEAK_WIFI, bars, bars_limit, "bars", clock.of("wifi_bars"))
            )
        elif dbm is not None and dbm_limit is not None and dbm < dbm_limit:
            failing.append(
                clock.fail(DiagnosisCode.WEAK_WIFI, dbm, dbm_limit, "dBm", clock.of("wifi_dbm"))
            )
        elif bars is None and dbm is None:
            if capability.wifi_always_reported:
                missing.append(Finding(MissingCode.WIFI, _MISSING))
            else:
                not_reported.append(Finding(NotReportedCode.WIFI, _NOT_REPORTED))

    if capability.reports_sync_link:
        link_limit = finite(thresholds.min_sync_link_bars)
        if link_limit is not None:
            link = bars_or_none(camera.sync_link_bars)
            if link is None:
                missing.append(Finding(MissingCode.SYNC_LINK, _MISSING))
            elif link < link_limit:
                failing.append(
                    clock.fail(
                        DiagnosisCode.WEAK_SYNC_LINK,
                        link,
                        link_limit,
                        "bars",
                        clock.of("sync_link_bars"),
                    )
                )

    _check_network(network, thresholds, clock, failing, missing)

    if capability.battery_powered:
        battery = camera.battery_state
        if battery == "low":
            failing.append(
                clock.fail(DiagnosisCode.BATTERY_LOW, "low", "ok", None, clock.of("battery_state"))
            )
        elif battery != "ok":
            missing.append(Finding(MissingCode.BATTERY, _MISSING))

    flag_at = clock.of("poor_connection")
    flag_age = age_s(now, flag_at)
    flag = (camera.poor_connection, flag_at, None if flag_age is None else round(flag_age, 1))
    failing.extend(talk_findings(talk, thresholds, now, flag))

    if failing:
        return Diagnosis(Verdict.UNHEALTHY, (*failing, *missing, *not_reported))
    if missing:
        return Diagnosis(Verdict.UNKNOWN, (*missing, *not_reported))
    return Diagnosis(Verdict.HEALTHY, tuple(not_reported))


# (value attribute, threshold attribute, failing code, missing code, unit, fails when below)
_NETWORK_CHECKS: tuple[tuple[str, str, DiagnosisCode, MissingCode, str, bool], ...] = (
    (
        "download_mbps",
        "min_download_mbps",
        DiagnosisCode.SLOW_DOWNLOAD,
        MissingCode.DOWNLOAD,
        "Mbit/s",
        True,
    ),
    (
        "upload_mbps",
        "min_upload_mbps",
        DiagnosisCode.SLOW_UPLOAD,
        MissingCode.UPLOAD,
        "Mbit/s",
        True,
    ),
    ("latency_ms", "max_latency_ms", DiagnosisCode.HIGH_LATENCY, MissingCode.LATENCY, "ms", False),
    ("jitter_ms", "max_jitter_ms", DiagnosisCode.HIGH_JITTER, MissingCode.JITTER, "ms", False),
    (
        "packet_loss_pct",
        "max_packet_loss_pct",
        DiagnosisCode.PACKET_LOSS,
        MissingCode.PACKET_LOSS,
        "%",
        False,
    ),
)


def _check_network(
    network: NetworkMetrics | None,
    thresholds: Thresholds,
    clock: _Clock,
    failing: list[Finding],
    missing: list[Finding],
) -> None:
    """Compare the network metrics with their limits (a minimum passes at the limit itself)."""
    limits = [finite(getattr(thresholds, check[1])) for check in _NETWORK_CHECKS]
    if network is None:
        if any(limit is not None for limit in limits):
            missing.append(Finding(MissingCode.NETWORK, _MISSING))
        return
    for (value_attr, _, code, missing_code, unit, minimum), limit in zip(
        _NETWORK_CHECKS, limits, strict=True
    ):
        if limit is None:
            continue
        value = measurement(getattr(network, value_attr))
        if value is None:
            missing.append(Finding(missing_code, _MISSING))
        elif (value < limit) if minimum else (value >= limit):
            measured_at = _as(network.measured_at, datetime)
            failing.append(clock.fail(code, value, limit, unit, measured_at))


def fix_order(diagnosis: Diagnosis) -> list[FixStep]:
    """Return the fix steps to offer, measured causes first.

    Args:
        diagnosis: A diagnosis from ``diagnose``.

    Returns:
        The fix steps of the failing findings (deduplicated, in finding order), then the
        article's remaining steps in the article's order. Every step appears exactly once.
    """
    steps: list[FixStep] = []
    for finding in diagnosis.findings:
        if finding.kind is _FAILING and finding.fix is not None and finding.fix not in steps:
            steps.append(finding.fix)
    steps.extend(step for step in ARTICLE_ORDER if step not in steps)
    return steps
