"""Diagnosis time for 1000 cameras.

Evaluates ``diagnose`` for 1000 cameras of every family in a mix of healthy, unhealthy and
unknown states, several times, and reports the median run. Run it with ``scripts/bench
diagnosis``; the last line printed is the JSON result (saved as diagnosis.json, see
benchmarks/outcome.py). Exits 1 after printing when the median exceeds the budget
(BLINK_DOCTOR_GOAL_DIAGNOSIS_MS, default 20 ms).
"""

from __future__ import annotations

import platform
import random
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from benchmarks.outcome import emit, goal
from custom_components.blink_audio_doctor.doctor.hysteresis import HealthTracker, advance
from custom_components.blink_audio_doctor.doctor.model import (
    CameraSnapshot,
    NetworkMetrics,
    SyncModuleSnapshot,
    Thresholds,
    Verdict,
)
from custom_components.blink_audio_doctor.doctor.rules import diagnose

CAMERAS = 1000
RUNS = 25
BUDGET_MS = 20.0

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
TYPES = ("catalina", "xt2", "owl", "lotus", "superior", "white", "sedona")

type Case = tuple[CameraSnapshot, SyncModuleSnapshot | None]


def build_cases(rng: random.Random) -> list[Case]:
    """Return cameras with their Sync Modules; roughly a third have some problem."""
    module = SyncModuleSnapshot(
        serial="SM1",
        network_id="1",
        online=True,
        wifi_bars=4,
        last_heartbeat=NOW - timedelta(minutes=3),
    )
    slow_module = replace(module, last_heartbeat=NOW - timedelta(hours=2))
    cases: list[Case] = []
    for index in range(CAMERAS):
        product_type = rng.choice(TYPES)
        sync = product_type in {"catalina", "xt2", "white"}
        camera = CameraSnapshot(
            serial=f"S{index:05d}",
            product_type=product_type,
            online=rng.random() > 0.05,  # 5 % offline
            wifi_dbm=rng.randint(-90, -40) if sync else None,
            wifi_bars=rng.choice((None, 1, 2, 3, 4, 5, 5, 5)),
            sync_link_bars=rng.randint(1, 5) if sync else None,
            battery_state=rng.choice(("ok", "ok", "ok", "low", None)),
            sync_module_serial="SM1" if sync else None,
        )
        cases.append((camera, rng.choice((module, module, slow_module)) if sync else None))
    return cases


def run_once(cases: list[Case], network: NetworkMetrics, thresholds: Thresholds) -> float:
    """Diagnose every camera once; return the elapsed milliseconds."""
    start = time.perf_counter_ns()
    for camera, module in cases:
        diagnose(camera, module, network, thresholds, now=NOW, data_taken_at=NOW)
    return (time.perf_counter_ns() - start) / 1e6


def main() -> int:
    """Run the benchmark, print and store its JSON result; 1 when over budget."""
    budget_ms = goal("diagnosis_ms", BUDGET_MS)
    rng = random.Random(20261102)
    cases = build_cases(rng)
    network = NetworkMetrics(
        download_mbps=40.0, upload_mbps=8.0, latency_ms=45.0, jitter_ms=4.0, packet_loss_pct=0.0
    )
    thresholds = Thresholds()
    run_once(cases, network, thresholds)  # warm-up
    runs = [run_once(cases, network, thresholds) for _ in range(RUNS)]

    verdicts = {verdict.value: 0 for verdict in Verdict}
    state = HealthTracker()
    start = time.perf_counter_ns()
    for camera, module in cases:
        diagnosis = diagnose(camera, module, network, thresholds, now=NOW, data_taken_at=NOW)
        verdicts[diagnosis.verdict.value] += 1
        state, _ = advance(state, diagnosis)
    with_hysteresis_ms = (time.perf_counter_ns() - start) / 1e6

    median = statistics.median(runs)
    result = {
        "diagnosis_ms_1000_cameras": round(median, 3),
        "budget_ms": budget_ms,
        "within_budget": median < budget_ms,
        "runs": RUNS,
        "min_ms": round(min(runs), 3),
        "max_ms": round(max(runs), 3),
        "with_hysteresis_ms": round(with_hysteresis_ms, 3),
        "verdicts": verdicts,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(f"diagnose x {CAMERAS}: median {median:.3f} ms over {RUNS} runs")
    return emit("diagnosis", result, missed=[] if median < budget_ms else ["diagnosis_ms"])


if __name__ == "__main__":
    sys.exit(main())
