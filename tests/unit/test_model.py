"""Model helpers: reading validators, snapshot lookups."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from custom_components.blink_audio_doctor.doctor.model import AccountSnapshot, Thresholds
from custom_components.blink_audio_doctor.doctor.values import bars_or_none, dbm_or_none

from . import (
    NOW,
    SYNC_SERIAL,
    mini,
    sync_camera,
    sync_module,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0),
        (5, 5),
        (3.0, 3),
        (6, None),
        (-1, None),
        (2.5, None),
        (True, None),
        ("3", None),
        (None, None),
        (float("nan"), None),
    ],
)
def test_bars_or_none(value: Any, expected: int | None) -> None:
    assert bars_or_none(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-1, -1),
        (-100, -100),
        (-63.0, -63),
        (-255, None),
        (-101, None),
        (0, None),
        (12, None),
        (-63.5, None),
        (False, None),
        ("-63", None),
        (float("-inf"), None),
    ],
)
def test_dbm_or_none(value: Any, expected: int | None) -> None:
    assert dbm_or_none(value) == expected


def test_sync_module_for() -> None:
    module = sync_module()
    snapshot = AccountSnapshot(cameras={}, sync_modules={SYNC_SERIAL: module}, taken_at=NOW)
    assert snapshot.sync_module_for(sync_camera()) is module
    assert snapshot.sync_module_for(mini()) is None
    assert snapshot.sync_module_for(sync_camera(sync_module_serial="GONE")) is None


def test_default_thresholds_match_the_design() -> None:
    thresholds = Thresholds()
    assert (thresholds.min_wifi_bars, thresholds.min_wifi_dbm, thresholds.min_sync_link_bars) == (
        3,
        -70,
        3,
    )
    assert (thresholds.min_download_mbps, thresholds.min_upload_mbps) == (2.0, 2.0)
    assert (thresholds.max_latency_ms, thresholds.max_jitter_ms) == (100.0, 30.0)
    assert thresholds.max_packet_loss_pct == 5.0
    assert thresholds.heartbeat_max_age == timedelta(minutes=30)
    assert thresholds.max_data_age == timedelta(minutes=15)
    assert thresholds.unhealthy_after == 2
