"""The health model: every check at, just below and just above its threshold."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.blink_audio_doctor.doctor.capabilities import (
    CAPABILITIES,
    Family,
    judged_capability,
)
from custom_components.blink_audio_doctor.doctor.model import (
    ARTICLE_ORDER,
    CameraSnapshot,
    Diagnosis,
    DiagnosisCode,
    Finding,
    FindingKind,
    FixStep,
    NetworkMetrics,
    SyncModuleSnapshot,
    Thresholds,
    Verdict,
)
from custom_components.blink_audio_doctor.doctor.rules import (
    ALL_DIAGNOSIS_CODES,
    ALL_MISSING_CODES,
    ALL_NOT_REPORTED_CODES,
    FIX_FOR_CODE,
    diagnose,
    fix_order,
)

from . import (
    NOW,
    doorbell,
    floodlight,
    mini,
    network,
    sync_camera,
    sync_module,
)

DEFAULTS = Thresholds()
_UNSET: Any = object()


def run(
    camera: CameraSnapshot | None = None,
    module: SyncModuleSnapshot | None = _UNSET,
    metrics: NetworkMetrics | None = _UNSET,
    thresholds: Thresholds = DEFAULTS,
    *,
    now: datetime = NOW,
    taken: datetime = NOW,
) -> Diagnosis:
    return diagnose(
        sync_camera() if camera is None else camera,
        sync_module() if module is _UNSET else module,
        network() if metrics is _UNSET else metrics,
        thresholds,
        now=now,
        data_taken_at=taken,
    )


def only_finding(diagnosis: Diagnosis) -> Finding:
    assert len(diagnosis.findings) == 1, diagnosis
    return diagnosis.findings[0]


# --- thresholds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code", "measured", "threshold", "unit"),
    [
        ({"wifi_bars": 2}, "weak_wifi", 2, 3, "bars"),
        ({"wifi_bars": 3}, "ok", None, None, None),
        ({"wifi_bars": 4}, "ok", None, None, None),
        ({"wifi_bars": 0}, "weak_wifi", 0, 3, "bars"),
        ({"wifi_dbm": -71}, "weak_wifi", -71, -70, "dBm"),
        ({"wifi_dbm": -70}, "ok", None, None, None),
        ({"wifi_dbm": -69}, "ok", None, None, None),
        ({"sync_link_bars": 2}, "weak_sync_link", 2, 3, "bars"),
        ({"sync_link_bars": 3}, "ok", None, None, None),
        ({"sync_link_bars": 4}, "ok", None, None, None),
    ],
)
def test_camera_signal_thresholds(
    changes: dict[str, int], code: str, measured: int, threshold: int, unit: str
) -> None:
    diagnosis = run(sync_camera(**changes))
    assert diagnosis.code == code
    if code == "ok":
        assert diagnosis.verdict is Verdict.HEALTHY
        assert diagnosis.findings == ()
        return
    assert diagnosis.verdict is Verdict.UNHEALTHY
    finding = only_finding(diagnosis)
    assert (finding.kind, finding.measured, finding.threshold, finding.unit) == (
        FindingKind.FAILING,
        measured,
        threshold,
        unit,
    )
    assert finding.fix is FixStep.OBSTRUCTIONS


@pytest.mark.parametrize(
    ("changes", "code", "measured", "threshold", "unit"),
    [
        ({"download_mbps": 1.99}, "slow_download", 1.99, 2.0, "Mbit/s"),
        ({"download_mbps": 2.0}, "ok", None, None, None),
        ({"download_mbps": 2.01}, "ok", None, None, None),
        ({"download_mbps": 0}, "slow_download", 0, 2.0, "Mbit/s"),
        ({"upload_mbps": 1.99}, "slow_upload", 1.99, 2.0, "Mbit/s"),
        ({"upload_mbps": 2.0}, "ok", None, None, None),
        ({"upload_mbps": 2.01}, "ok", None, None, None),
        ({"latency_ms": 99.9}, "ok", None, None, None),
        ({"latency_ms": 100.0}, "high_latency", 100.0, 100.0, "ms"),
        ({"latency_ms": 100.1}, "high_latency", 100.1, 100.0, "ms"),
        ({"jitter_ms": 29.9}, "ok", None, None, None),
        ({"jitter_ms": 30.0}, "high_jitter", 30.0, 30.0, "ms"),
        ({"jitter_ms": 30.1}, "high_jitter", 30.1, 30.0, "ms"),
        ({"packet_loss_pct": 4.9}, "ok", None, None, None),
        ({"packet_loss_pct": 5.0}, "packet_loss", 5.0, 5.0, "%"),
        ({"packet_loss_pct": 5.1}, "packet_loss", 5.1, 5.0, "%"),
    ],
)
def test_network_thresholds(
    changes: dict[str, float], code: str, measured: float, threshold: float, unit: str
) -> None:
    diagnosis = run(metrics=network(**changes))
    assert diagnosis.code == code
    if code == "ok":
        assert diagnosis.verdict is Verdict.HEALTHY
        return
    finding = only_finding(diagnosis)
    assert diagnosis.verdict is Verdict.UNHEALTHY
    assert (finding.measured, finding.threshold, finding.unit, finding.fix) == (
        measured,
        threshold,
        unit,
        FixStep.INTERNET_SPEED,
    )


LIMIT = timedelta(minutes=30)


@pytest.mark.parametrize(
    ("age", "code"),
    [
        (LIMIT - timedelta(seconds=1), "ok"),
        (LIMIT, "ok"),
        (LIMIT + timedelta(seconds=1), "sync_module_heartbeat_stale"),
    ],
)
def test_heartbeat_threshold(age: timedelta, code: str) -> None:
    diagnosis = run(module=sync_module(last_heartbeat=NOW - age))
    assert diagnosis.code == code
    if code != "ok":
        finding = only_finding(diagnosis)
        assert finding.measured == age.total_seconds()
        assert finding.threshold == LIMIT.total_seconds()
        assert (finding.unit, finding.fix) == ("s", FixStep.RESTART_CAMERA)


DATA_AGE = timedelta(minutes=15)


@pytest.mark.parametrize(
    ("age", "verdict"),
    [
        (DATA_AGE - timedelta(seconds=1), Verdict.HEALTHY),
        (DATA_AGE, Verdict.HEALTHY),
        (DATA_AGE + timedelta(seconds=1), Verdict.UNKNOWN),
    ],
)
def test_data_age_threshold(age: timedelta, verdict: Verdict) -> None:
    diagnosis = run(taken=NOW - age)
    assert diagnosis.verdict is verdict
    if verdict is Verdict.UNKNOWN:
        finding = only_finding(diagnosis)
        assert (diagnosis.code, finding.kind) == ("stale_data", FindingKind.BLOCKING)
        assert (finding.measured, finding.threshold, finding.unit) == (
            age.total_seconds(),
            DATA_AGE.total_seconds(),
            "s",
        )


def test_stale_data_hides_every_other_finding() -> None:
    diagnosis = run(sync_camera(online=False, wifi_bars=0), taken=NOW - timedelta(hours=2))
    assert diagnosis.verdict is Verdict.UNKNOWN
    assert [f.code for f in diagnosis.findings] == ["stale_data"]


def test_data_from_the_future_is_not_stale() -> None:
    assert run(taken=NOW + timedelta(minutes=1)).verdict is Verdict.HEALTHY


def test_custom_thresholds_are_used() -> None:
    strict = Thresholds(min_wifi_bars=5, max_latency_ms=20.0)
    diagnosis = run(thresholds=strict)
    assert [(f.code, f.threshold) for f in diagnosis.findings] == [
        ("weak_wifi", 5),
        ("high_latency", 20.0),
    ]


# --- online, sync module, battery, live view ----------------------------------------------------


def test_camera_offline() -> None:
    finding = only_finding(diagnosis := run(sync_camera(online=False)))
    assert diagnosis.verdict is Verdict.UNHEALTHY
    assert (finding.code, finding.measured, finding.threshold, finding.fix) == (
        "camera_offline",
        False,
        True,
        FixStep.RESTART_CAMERA,
    )


def test_sync_module_offline() -> None:
    finding = only_finding(run(module=sync_module(online=False)))
    assert (finding.code, finding.fix) == ("sync_module_offline", FixStep.RESTART_CAMERA)


@pytest.mark.parametrize(
    ("state", "code", "verdict"),
    [
        ("ok", "ok", Verdict.HEALTHY),
        ("low", "battery_low", Verdict.UNHEALTHY),
        (None, "unknown", Verdict.UNKNOWN),
        ("charging", "unknown", Verdict.UNKNOWN),
    ],
)
def test_battery(state: str | None, code: str, verdict: Verdict) -> None:
    diagnosis = run(sync_camera(battery_state=state))
    assert (diagnosis.code, diagnosis.verdict) == (code, verdict)
    if verdict is Verdict.UNHEALTHY:
        finding = only_finding(diagnosis)
        assert (finding.measured, finding.threshold, finding.fix) == (
            "low",
            "ok",
            FixStep.RESTART_CAMERA,
        )
    if verdict is Verdict.UNKNOWN:
        assert [f.code for f in diagnosis.findings] == ["missing_battery"]


@pytest.mark.parametrize(("flag", "code"), [(True, "poor_connection"), (False, "ok"), (None, "ok")])
def test_poor_connection(flag: bool | None, code: str) -> None:
    diagnosis = run(sync_camera(poor_connection=flag))
    assert diagnosis.code == code
    if flag:
        assert only_finding(diagnosis).fix is FixStep.OBSTRUCTIONS


# --- models and families --------------------------------------------------------------------


@pytest.mark.parametrize("product_type", ["white", "xt", "WHITE"])
def test_model_without_speaker_is_unsupported(product_type: str) -> None:
    diagnosis = run(sync_camera(product_type=product_type, online=False, wifi_bars=None))
    assert diagnosis.verdict is Verdict.UNSUPPORTED
    assert diagnosis.code == "unsupported_model"
    finding = only_finding(diagnosis)
    assert (finding.kind, finding.measured) == (FindingKind.BLOCKING, product_type.lower())


@pytest.mark.parametrize(
    ("camera", "module"),
    [
        (doorbell(product_type="tulip"), None),
        (doorbell(product_type="orchid"), None),
        (doorbell(product_type="peony"), None),  # an invented future doorbell
        (mini(product_type="hawk"), None),  # an invented future Mini
        (sync_camera(product_type="sedona"), sync_module()),
        (sync_camera(product_type=None, family=None), sync_module()),
    ],
)
def test_unlisted_and_new_models_are_judged(camera: CameraSnapshot, module: Any) -> None:
    assert run(camera, module).verdict is Verdict.HEALTHY
    offline = run(replace(camera, online=False), module)
    assert (offline.verdict, offline.code) == (Verdict.UNHEALTHY, "camera_offline")
    weak = run(replace(camera, wifi_bars=1), module)
    assert weak.code == "weak_wifi"


def test_unknown_doorbell_type_still_needs_its_battery_state() -> None:
    diagnosis = run(doorbell(product_type="peony", battery_state=None), module=None)
    assert [f.code for f in diagnosis.findings] == ["missing_battery"]


@pytest.mark.parametrize("make", [mini, doorbell, floodlight])
def test_standalone_devices_are_healthy_without_fields_they_cannot_report(
    make: Any,
) -> None:
    camera = make()
    assert camera.wifi_dbm is None
    assert camera.sync_link_bars is None
    assert run(camera, module=None).verdict is Verdict.HEALTHY


@pytest.mark.parametrize("make", [mini, doorbell, floodlight])
def test_sync_link_is_ignored_outside_sync_module_cameras(make: Any) -> None:
    camera = make(sync_link_bars=0, sync_link_dbm=-99)
    assert run(camera, module=None).verdict is Verdict.HEALTHY


@pytest.mark.parametrize("make", [mini, doorbell])
def test_a_config_dbm_reading_judges_minis_and_doorbells(make: Any) -> None:
    weak = run(make(wifi_bars=None, wifi_dbm=-80), module=None)
    assert (weak.code, only_finding(weak).unit, only_finding(weak).measured) == (
        "weak_wifi",
        "dBm",
        -80,
    )
    assert run(make(wifi_bars=None, wifi_dbm=-70), module=None).verdict is Verdict.HEALTHY


def test_mini_battery_is_not_needed_but_doorbell_battery_is() -> None:
    assert run(mini(battery_state=None), module=None).verdict is Verdict.HEALTHY
    diagnosis = run(doorbell(battery_state=None), module=None)
    assert diagnosis.verdict is Verdict.UNKNOWN
    assert [f.code for f in diagnosis.missing] == ["missing_battery"]


@pytest.mark.parametrize("make", [mini, doorbell, floodlight])
def test_attached_device_is_checked_against_its_sync_module(make: Any) -> None:
    camera = make(sync_module_serial="A0000001")
    assert run(camera).verdict is Verdict.HEALTHY
    assert run(camera, module=sync_module(online=False)).code == "sync_module_offline"
    missing = run(camera, module=None)
    assert (missing.verdict, [f.code for f in missing.findings]) == (
        Verdict.UNKNOWN,
        ["missing_sync_module"],
    )


def test_sync_module_passed_in_means_attached() -> None:
    assert run(mini(), module=sync_module(online=False)).code == "sync_module_offline"


def test_sync_module_camera_needs_its_sync_module() -> None:
    diagnosis = run(module=None)
    assert diagnosis.verdict is Verdict.UNKNOWN
    assert [f.code for f in diagnosis.findings] == ["missing_sync_module"]


@pytest.mark.parametrize(
    ("changes", "missing_code"),
    [
        ({"online": None}, "missing_sync_module_status"),
        ({"last_heartbeat": None}, "missing_heartbeat"),
    ],
)
def test_missing_sync_module_fields(changes: dict[str, Any], missing_code: str) -> None:
    diagnosis = run(module=sync_module(**changes))
    assert diagnosis.verdict is Verdict.UNKNOWN
    assert diagnosis.code == "unknown"
    assert [f.code for f in diagnosis.findings] == [missing_code]


@pytest.mark.parametrize(
    ("bars", "dbm", "code", "unit"),
    [
        (None, -50, "ok", None),
        (4, None, "ok", None),
        (None, None, "unknown", None),
        (4, -80, "weak_wifi", "dBm"),
        (1, -80, "weak_wifi", "bars"),
        (1, -50, "weak_wifi", "bars"),
        (None, -255, "unknown", None),
        (9, None, "unknown", None),
    ],
)
def test_one_wifi_reading_is_enough(
    bars: int | None, dbm: int | None, code: str, unit: str | None
) -> None:
    diagnosis = run(sync_camera(wifi_bars=bars, wifi_dbm=dbm))
    assert diagnosis.code == code
    if code == "unknown":
        assert [f.code for f in diagnosis.findings] == ["missing_wifi"]
    if unit is not None:
        assert only_finding(diagnosis).unit == unit


@pytest.mark.parametrize("make", [mini, doorbell, floodlight])
def test_wifi_blink_does_not_report_is_not_required(make: Any) -> None:
    diagnosis = run(make(wifi_bars=None, wifi_dbm=None), module=None)
    assert diagnosis.verdict is Verdict.HEALTHY
    assert diagnosis.code == "ok"
    finding = only_finding(diagnosis)
    assert (finding.code, finding.kind) == ("wifi_not_reported", FindingKind.NOT_REPORTED)
    assert diagnosis.not_reported == (finding,)
    assert diagnosis.missing == ()


def test_mini_without_wifi_rests_its_verdict_on_what_is_known() -> None:
    no_wifi = mini(wifi_bars=None, wifi_dbm=None)
    offline = run(replace(no_wifi, online=False), module=None)
    assert offline.verdict is Verdict.UNHEALTHY
    assert [f.code for f in offline.findings] == ["camera_offline", "wifi_not_reported"]
    poor = run(replace(no_wifi, poor_connection=True), module=None)
    assert (poor.verdict, poor.code) == (Verdict.UNHEALTHY, "poor_connection")
    slow = run(no_wifi, module=None, metrics=network(upload_mbps=0.5))
    assert slow.code == "slow_upload"
    unmeasured = run(no_wifi, module=None, metrics=None)
    assert unmeasured.verdict is Verdict.UNKNOWN
    assert [f.code for f in unmeasured.findings] == ["missing_network", "wifi_not_reported"]
    attached = run(replace(no_wifi, sync_module_serial="A0000001"), sync_module(online=False))
    assert attached.code == "sync_module_offline"


def test_a_sync_module_camera_without_wifi_is_still_unknown() -> None:
    diagnosis = run(sync_camera(wifi_bars=None, wifi_dbm=None))
    assert diagnosis.verdict is Verdict.UNKNOWN
    assert [f.code for f in diagnosis.findings] == ["missing_wifi"]


def test_camera_online_unknown_is_not_a_pass() -> None:
    diagnosis = run(sync_camera(online=None))
    assert diagnosis.verdict is Verdict.UNKNOWN
    assert [f.code for f in diagnosis.findings] == ["missing_online"]


def test_missing_sync_link() -> None:
    assert [f.code for f in run(sync_camera(sync_link_bars=None)).findings] == ["missing_sync_link"]


# --- network inputs -----------------------------------------------------------------------------


def test_no_network_metrics_yet_is_unknown() -> None:
    diagnosis = run(metrics=None)
    assert diagnosis.verdict is Verdict.UNKNOWN
    assert diagnosis.code == "unknown"
    assert [f.code for f in diagnosis.findings] == ["missing_network"]


@pytest.mark.parametrize(
    ("field", "missing_code"),
    [
        ("download_mbps", "missing_download"),
        ("upload_mbps", "missing_upload"),
        ("latency_ms", "missing_latency"),
        ("jitter_ms", "missing_jitter"),
        ("packet_loss_pct", "missing_packet_loss"),
    ],
)
@pytest.mark.parametrize("bad", [None, math.nan, math.inf, -1.0, "12", True])
def test_each_missing_or_junk_metric_is_reported(field: str, missing_code: str, bad: Any) -> None:
    diagnosis = run(metrics=network(**{field: bad}))
    assert diagnosis.verdict is Verdict.UNKNOWN
    assert [f.code for f in diagnosis.findings] == [missing_code]


def test_disabled_network_checks_need_no_metrics() -> None:
    off = Thresholds(
        min_download_mbps=None,
        min_upload_mbps=None,
        max_latency_ms=None,
        max_jitter_ms=None,
        max_packet_loss_pct=None,
    )
    assert run(metrics=None, thresholds=off).verdict is Verdict.HEALTHY
    assert run(metrics=NetworkMetrics(), thresholds=off).verdict is Verdict.HEALTHY
    speed_off = replace(DEFAULTS, min_download_mbps=None, min_upload_mbps=None)
    only_latency = NetworkMetrics(latency_ms=20.0, jitter_ms=2.0, packet_loss_pct=0.0)
    assert run(metrics=only_latency, thresholds=speed_off).verdict is Verdict.HEALTHY


def test_disabled_checks_need_no_inputs() -> None:
    off = Thresholds(
        min_wifi_bars=None,
        min_wifi_dbm=None,
        min_sync_link_bars=None,
        heartbeat_max_age=None,
        max_data_age=None,
    )
    camera = sync_camera(wifi_bars=None, wifi_dbm=None, sync_link_bars=None)
    diagnosis = run(camera, sync_module(last_heartbeat=None), thresholds=off, taken=None)  # type: ignore[arg-type]
    assert diagnosis.verdict is Verdict.HEALTHY


def test_disabling_bars_still_accepts_dbm() -> None:
    only_dbm = replace(DEFAULTS, min_wifi_bars=None)
    assert run(sync_camera(wifi_bars=0), thresholds=only_dbm).verdict is Verdict.HEALTHY
    assert run(sync_camera(wifi_dbm=None), thresholds=only_dbm).code == "unknown"


# --- verdict composition and ordering ----------------------------------------------------------


def test_every_failing_finding_in_check_order() -> None:
    camera = sync_camera(
        online=False,
        wifi_bars=1,
        sync_link_bars=1,
        battery_state="low",
        poor_connection=True,
    )
    module = sync_module(online=False, last_heartbeat=NOW - timedelta(hours=3))
    slow = NetworkMetrics(
        download_mbps=0.5,
        upload_mbps=0.5,
        latency_ms=400.0,
        jitter_ms=90.0,
        packet_loss_pct=20.0,
    )
    diagnosis = run(camera, module, slow)
    assert diagnosis.verdict is Verdict.UNHEALTHY
    assert [f.code for f in diagnosis.findings] == [
        "camera_offline",
        "sync_module_offline",
        "sync_module_heartbeat_stale",
        "weak_wifi",
        "weak_sync_link",
        "slow_download",
        "slow_upload",
        "high_latency",
        "high_jitter",
        "packet_loss",
        "battery_low",
        "poor_connection",
    ]
    assert diagnosis.code == "camera_offline"
    assert all(f.fix is FIX_FOR_CODE[f.code] for f in diagnosis.findings)


def test_failing_wins_over_missing_and_comes_first() -> None:
    diagnosis = run(sync_camera(online=None, wifi_bars=1), metrics=None)
    assert diagnosis.verdict is Verdict.UNHEALTHY
    assert [(f.code, f.kind) for f in diagnosis.findings] == [
        ("weak_wifi", FindingKind.FAILING),
        ("missing_online", FindingKind.MISSING),
        ("missing_network", FindingKind.MISSING),
    ]
    assert diagnosis.code == "weak_wifi"
    assert [f.code for f in diagnosis.failing] == ["weak_wifi"]
    assert [f.code for f in diagnosis.missing] == ["missing_online", "missing_network"]


# --- malformed input --------------------------------------------------------------------------


def test_junk_camera_is_unknown() -> None:
    diagnosis = diagnose(None, None, None, DEFAULTS, now=NOW, data_taken_at=NOW)  # type: ignore[arg-type]
    assert diagnosis.verdict is Verdict.UNKNOWN
    assert [f.code for f in diagnosis.findings] == ["missing_camera"]


def test_junk_thresholds_fall_back_to_defaults() -> None:
    assert run(sync_camera(wifi_bars=2), thresholds=None).code == "weak_wifi"  # type: ignore[arg-type]


def test_junk_sync_module_and_network_count_as_missing() -> None:
    diagnosis = run(module={"online": True}, metrics={"upload_mbps": 9})  # type: ignore[arg-type]
    assert [f.code for f in diagnosis.findings] == ["missing_sync_module", "missing_network"]


@pytest.mark.parametrize(
    "taken",
    [NOW.replace(tzinfo=None), None, "2026-11-02T12:00:00+00:00", 1_793_620_800],
)
def test_uncomparable_data_time_is_stale(taken: Any) -> None:
    diagnosis = run(taken=taken)
    assert diagnosis.code == "stale_data"
    assert only_finding(diagnosis).measured is None


def test_junk_camera_fields_count_as_missing() -> None:
    camera = sync_camera(online="yes", wifi_bars="4", wifi_dbm=-50.5, sync_link_bars=2.0)
    diagnosis = run(camera)
    assert diagnosis.verdict is Verdict.UNHEALTHY
    assert [f.code for f in diagnosis.findings] == [
        "weak_sync_link",
        "missing_online",
        "missing_wifi",
    ]


def test_naive_heartbeat_is_missing() -> None:
    module = sync_module(last_heartbeat=NOW.replace(tzinfo=None))
    assert [f.code for f in run(module=module).findings] == ["missing_heartbeat"]


def test_extreme_datetimes_are_compared_without_error() -> None:
    far = datetime.max.replace(tzinfo=NOW.tzinfo)
    ancient = sync_module(last_heartbeat=datetime.min.replace(tzinfo=NOW.tzinfo))
    assert run(module=ancient, now=far, taken=far).code == "sync_module_heartbeat_stale"


# --- codes, fix order, serialisation ------------------------------------------------------------


def test_all_diagnosis_codes() -> None:
    assert ALL_DIAGNOSIS_CODES[0] == "ok"
    assert len(set(ALL_DIAGNOSIS_CODES)) == len(ALL_DIAGNOSIS_CODES)
    assert set(FIX_FOR_CODE) <= set(ALL_DIAGNOSIS_CODES)
    assert {"unknown", "unsupported_model", "stale_data"} <= set(ALL_DIAGNOSIS_CODES)
    assert "unknown_model" not in ALL_DIAGNOSIS_CODES  # every model with a speaker is judged
    assert not set(ALL_MISSING_CODES) & set(ALL_DIAGNOSIS_CODES)
    assert all(code.startswith("missing_") for code in ALL_MISSING_CODES)
    assert ALL_NOT_REPORTED_CODES == ("wifi_not_reported",)


def test_fix_order_puts_measured_causes_first() -> None:
    diagnosis = run(
        sync_camera(wifi_bars=1, sync_link_bars=1, online=None),
        metrics=network(upload_mbps=0.1),
    )
    assert fix_order(diagnosis) == [
        FixStep.OBSTRUCTIONS,
        FixStep.INTERNET_SPEED,
        FixStep.PUSH_TO_TALK,
        FixStep.MICROPHONE_ACCESS,
        FixStep.RESTART_CAMERA,
        FixStep.RE_ADD_CAMERA,
        FixStep.REINSTALL_APP,
    ]


def test_fix_order_without_measured_causes_is_the_article_order() -> None:
    assert fix_order(run()) == list(ARTICLE_ORDER)
    assert fix_order(run(metrics=None)) == list(ARTICLE_ORDER)
    assert list(ARTICLE_ORDER) == [
        FixStep.PUSH_TO_TALK,
        FixStep.MICROPHONE_ACCESS,
        FixStep.RESTART_CAMERA,
        FixStep.INTERNET_SPEED,
        FixStep.OBSTRUCTIONS,
        FixStep.RE_ADD_CAMERA,
        FixStep.REINSTALL_APP,
    ]


def test_diagnosis_round_trips_through_json() -> None:
    read = NOW - timedelta(minutes=20)
    camera = sync_camera(wifi_bars=1, readings_at={"wifi_bars": read})
    diagnosis = run(camera, metrics=None)
    data = json.loads(json.dumps(diagnosis.to_dict()))
    assert data == {
        "verdict": "unhealthy",
        "code": "weak_wifi",
        "findings": [
            {
                "code": "weak_wifi",
                "kind": "failing",
                "measured": 1,
                "threshold": 3,
                "unit": "bars",
                "fix": "obstructions",
                "read_at": "2026-11-02T11:40:00+00:00",
                "age_s": 1200.0,
            },
            {
                "code": "missing_network",
                "kind": "missing",
                "measured": None,
                "threshold": None,
                "unit": None,
                "fix": None,
                "read_at": None,
                "age_s": None,
            },
        ],
    }


def test_each_finding_carries_the_time_of_its_reading() -> None:
    config_time = NOW - timedelta(minutes=25)
    probed = NOW - timedelta(minutes=1)
    camera = sync_camera(
        online=False,
        wifi_bars=None,
        wifi_dbm=-90,
        sync_link_bars=1,
        battery_state="low",
        poor_connection=True,
        readings_at={"wifi_dbm": config_time, "online": NOW, "poor_connection": probed},
    )
    taken = NOW - timedelta(minutes=2)
    metrics = network(latency_ms=500.0, measured_at=NOW - timedelta(minutes=3))
    diagnosis = run(camera, sync_module(online=False), metrics, taken=taken)
    stamps = {f.code: (f.read_at, f.age_s) for f in diagnosis.findings}
    assert stamps == {
        "camera_offline": (NOW, 0.0),
        "sync_module_offline": (taken, 120.0),  # the homescreen it came in
        "weak_wifi": (config_time, 1500.0),
        "weak_sync_link": (taken, 120.0),  # no own time recorded: the snapshot's
        "high_latency": (NOW - timedelta(minutes=3), 180.0),
        "battery_low": (taken, 120.0),
        "poor_connection": (probed, 60.0),
    }


def test_stale_data_finding_carries_the_snapshot_time() -> None:
    taken = NOW - timedelta(hours=1)
    finding = only_finding(run(taken=taken))
    assert (finding.code, finding.read_at, finding.age_s) == ("stale_data", taken, 3600.0)


@pytest.mark.parametrize(
    ("diagnosis", "code"),
    [
        (Diagnosis(Verdict.HEALTHY), "ok"),
        (Diagnosis(Verdict.UNKNOWN), "unknown"),
        (Diagnosis(Verdict.UNSUPPORTED), "unsupported_model"),
        (Diagnosis(Verdict.UNKNOWN, (Finding("missing_wifi", FindingKind.MISSING),)), "unknown"),
    ],
)
def test_diagnosis_code_without_deciding_finding(diagnosis: Diagnosis, code: str) -> None:
    assert diagnosis.code == code


# --- properties -------------------------------------------------------------------------------

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=4),
    st.sampled_from(["ok", "low", "done", "online"]),
)
bars = st.one_of(st.none(), st.integers(min_value=-1, max_value=6), junk)
dbm = st.one_of(st.none(), st.integers(min_value=-300, max_value=5), junk)
product_types = st.one_of(st.sampled_from([*CAPABILITIES, "sedona", "", "OWL"]), junk)
times = st.one_of(
    st.none(),
    st.datetimes(timezones=st.just(NOW.tzinfo)),
    st.datetimes(),
    st.just(NOW),
    st.builds(lambda m: NOW - timedelta(minutes=m), st.integers(0, 120)),
)
metric = st.one_of(st.none(), st.floats(), st.integers(min_value=-5, max_value=500), junk)

cameras = st.builds(
    CameraSnapshot,
    serial=st.text(max_size=3),
    product_type=product_types,
    online=st.one_of(st.none(), st.booleans(), junk),
    wifi_dbm=dbm,
    wifi_bars=bars,
    sync_link_bars=bars,
    battery_state=st.one_of(st.sampled_from([None, "ok", "low"]), junk),
    sync_module_serial=st.one_of(st.none(), st.just("A0000001"), junk),
    poor_connection=st.one_of(st.none(), st.booleans(), junk),
)
modules = st.one_of(
    st.none(),
    junk,
    st.builds(
        SyncModuleSnapshot,
        serial=st.just("A0000001"),
        online=st.one_of(st.none(), st.booleans(), junk),
        last_heartbeat=times,
    ),
)
networks = st.one_of(
    st.none(),
    junk,
    st.builds(
        NetworkMetrics,
        download_mbps=metric,
        upload_mbps=metric,
        latency_ms=metric,
        jitter_ms=metric,
        packet_loss_pct=metric,
    ),
)
thresholds = st.one_of(
    st.just(DEFAULTS),
    junk,
    st.builds(
        Thresholds,
        min_wifi_bars=st.one_of(st.none(), st.integers(0, 5), junk),
        min_download_mbps=st.one_of(st.none(), st.floats(), junk),
        heartbeat_max_age=st.one_of(st.none(), st.timedeltas(), junk),
        max_data_age=st.one_of(st.none(), st.timedeltas(), junk),
    ),
)


@settings(max_examples=300, deadline=None)
@given(cameras, modules, networks, thresholds, st.tuples(times, times))
def test_diagnose_never_raises(
    camera: Any, module: Any, metrics: Any, limits: Any, clock: tuple[Any, Any]
) -> None:
    now, taken = clock
    diagnosis = diagnose(camera, module, metrics, limits, now=now, data_taken_at=taken)
    assert diagnosis.code in ALL_DIAGNOSIS_CODES
    json.dumps(diagnosis.to_dict())
    kinds = [f.kind for f in diagnosis.findings]
    order = [
        FindingKind.FAILING,
        FindingKind.MISSING,
        FindingKind.NOT_REPORTED,
        FindingKind.BLOCKING,
    ]
    # Failing findings first, then missing, then not-reported; blocking ones stand alone.
    assert kinds == sorted(kinds, key=order.index)
    if FindingKind.BLOCKING in kinds:
        assert len(kinds) == 1
    assert (diagnosis.verdict is Verdict.UNHEALTHY) == (FindingKind.FAILING in kinds)
    deciding = {FindingKind.FAILING, FindingKind.MISSING, FindingKind.BLOCKING}
    assert (diagnosis.verdict is Verdict.HEALTHY) == (not deciding & set(kinds))
    assert all(f.code in ALL_MISSING_CODES for f in diagnosis.missing)
    assert all(f.code in ALL_NOT_REPORTED_CODES for f in diagnosis.not_reported)


@settings(max_examples=300, deadline=None)
@given(cameras, modules, networks, times)
def test_healthy_needs_every_input_the_family_can_report(
    camera: CameraSnapshot, module: Any, metrics: Any, taken: Any
) -> None:
    diagnosis = diagnose(camera, module, metrics, DEFAULTS, now=NOW, data_taken_at=taken)
    if diagnosis.verdict is not Verdict.HEALTHY:
        return
    capability = judged_capability(camera)
    assert capability.has_two_way_audio
    assert camera.online is True
    assert isinstance(metrics, NetworkMetrics)
    for value in (
        metrics.download_mbps,
        metrics.upload_mbps,
        metrics.latency_ms,
        metrics.jitter_ms,
        metrics.packet_loss_pct,
    ):
        assert isinstance(value, int | float)
        assert not isinstance(value, bool)
        assert math.isfinite(value)
    sync = capability.family is Family.SYNC_MODULE_CAMERA
    wifi_known = camera.wifi_bars in {3, 4, 5} or camera.wifi_dbm in range(-70, 0)
    assert wifi_known or (
        not sync and [f.code for f in diagnosis.findings] == ["wifi_not_reported"]
    )
    if sync:
        assert camera.sync_link_bars in {3, 4, 5}
    if sync or camera.sync_module_serial is not None:
        assert isinstance(module, SyncModuleSnapshot)
    if isinstance(module, SyncModuleSnapshot):
        assert module.online is True
        assert isinstance(module.last_heartbeat, datetime)
    if capability.battery_powered:
        assert camera.battery_state == "ok"


FAMILY_REQUIRED: list[tuple[Any, dict[str, Any]]] = [
    (sync_camera, {"online": None}),
    (sync_camera, {"wifi_bars": None, "wifi_dbm": None}),
    (sync_camera, {"sync_link_bars": None}),
    (sync_camera, {"battery_state": None}),
    (mini, {"online": None}),
    (doorbell, {"online": None}),
    (doorbell, {"battery_state": None}),
    (floodlight, {"online": None}),
]


@pytest.mark.parametrize(("make", "changes"), FAMILY_REQUIRED)
def test_each_required_camera_field_missing_is_unknown(make: Any, changes: dict[str, Any]) -> None:
    camera = make()
    module = sync_module() if camera.sync_module_serial else None
    assert run(camera, module).verdict is Verdict.HEALTHY
    assert run(make(**changes), module).verdict is Verdict.UNKNOWN


@given(
    st.sampled_from(FAMILY_REQUIRED),
    st.sampled_from(["", "network", "module_online", "heartbeat", "download", "jitter"]),
    st.booleans(),
)
@settings(max_examples=100, deadline=None)
def test_any_combination_of_missing_inputs_is_never_healthy(
    case: tuple[Any, dict[str, Any]], other: str, attach: bool
) -> None:
    make, changes = case
    camera = make(**changes)
    if attach:
        camera = replace(camera, sync_module_serial="A0000001")
    needs_module = attach or camera.family == "sync_module_camera"
    module = sync_module(
        online=None if other == "module_online" else True,
        last_heartbeat=None if other == "heartbeat" else NOW,
    )
    metrics = network(
        download_mbps=None if other == "download" else 50.0,
        jitter_ms=None if other == "jitter" else 5.0,
    )
    diagnosis = run(
        camera, module if needs_module else None, None if other == "network" else metrics
    )
    assert diagnosis.verdict is Verdict.UNKNOWN
    assert diagnosis.code == DiagnosisCode.UNKNOWN
