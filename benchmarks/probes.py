"""Speed-probe accuracy on a rate-shaped link and latency-probe overhead (DESIGN section 11).

Builds two network namespaces joined by a veth pair (benchmarks/netns.py), runs the Blink cloud
simulator in one (``python -m blink_cloud_sim`` on 192.0.2.1) and the probes in the other
(this process moves its own network namespace there with setns), then:

* shapes both directions with ``tc tbf`` at 1, 2, 5 and 20 Mbit/s and runs
  ``measure_download`` and ``measure_upload`` with their defaults (25 MB / 10 MB caps, 2.5 s
  target) at each step; the error is measured rate vs shaped rate;
* on the unshaped link, compares ``measure_latency`` with a plain blocking ``socket.connect``
  to the simulator's TCP listener (interleaved, one sample each at a time): the difference of
  the medians is the probe's overhead.

Run as root: ``scripts/run python -m benchmarks.probes`` (``scripts/bench probes``). Without
root or iproute2 it prints why and ``{"skipped": ...}``. The last line printed is the JSON
result, also written to ``benchmarks/results/probes.json``. Namespaces, the veth pair and the
qdiscs are removed on exit, Ctrl-C and SIGTERM included.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import re
import select
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp

from benchmarks.netns import SERVER_ADDR, NetnsError, VethPair, missing_requirement
from custom_components.blink_audio_doctor.doctor.probes import (
    SpeedResult,
    measure_download,
    measure_latency,
    measure_upload,
)

if TYPE_CHECKING:
    from types import FrameType

RATES_MBIT = (1, 2, 5, 20)
GOAL_SPEED_ERROR_PCT = 10.0
GOAL_LATENCY_OVERHEAD_MS = 0.5
LATENCY_PAIRS = 300
SMALL_QUEUE_MS = 200
SMALL_QUEUE_RUNS = 3
HTTP_PORT = 8080
# Best possible HTTP body rate through tbf, which counts whole Ethernet frames: 1448 payload
# bytes (MTU 1500 minus IPv4, TCP and TCP timestamp headers) per 1514-byte frame.
GOODPUT_SHARE = 1448 / 1514
REPO = Path(__file__).resolve().parent.parent
RESULT = REPO / "benchmarks" / "results" / "probes.json"


def _emit(result: dict[str, Any]) -> None:
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    del frame
    # Turn SIGTERM into an exception so every finally block (cleanup) runs.
    raise SystemExit(128 + signum)


def _start_simulator(pair: VethPair) -> tuple[subprocess.Popen[str], int]:
    """Start the simulator in the server namespace; return it and its TCP probe port."""
    argv = [sys.executable, "-m", "blink_cloud_sim", "--scenario", "default"]
    argv += ["--host", SERVER_ADDR, "--port", str(HTTP_PORT)]
    process = subprocess.Popen(  # noqa: S603 - fixed argument list
        pair.in_ns(pair.server_ns, argv),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline() if ready else ""
    match = re.search(r"TCP probe port (\d+)", line)
    if match is None:
        process.kill()
        process.wait()
        msg = f"simulator did not start (said: {line.strip()!r})"
        raise NetnsError(msg)
    return process, int(match.group(1))


def _raw_connect_ms(address: tuple[str, int]) -> float | None:
    """One blocking connect, as a baseline (what any client must pay)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(2.0)
        start = time.perf_counter()
        try:
            sock.connect(address)
        except OSError:
            return None
        return (time.perf_counter() - start) * 1000.0


async def _latency_overhead(tcp_port: int) -> dict[str, Any]:
    raw: list[float] = []
    ours: list[float] = []
    for _ in range(LATENCY_PAIRS):
        # Interleaved so that drift in the machine's load hits both the same way.
        if (baseline := _raw_connect_ms((SERVER_ADDR, tcp_port))) is not None:
            raw.append(baseline)
        result = await measure_latency(SERVER_ADDR, tcp_port, samples=1, timeout=2.0)
        if result.median_ms is not None:
            ours.append(result.median_ms)
    raw_median = statistics.median(raw)
    ours_median = statistics.median(ours)
    return {
        "latency_overhead_ms": round(ours_median - raw_median, 4),
        "latency_raw_median_ms": round(raw_median, 4),
        "latency_probe_median_ms": round(ours_median, 4),
        "latency_pairs": LATENCY_PAIRS,
        "latency_lost": {"raw": LATENCY_PAIRS - len(raw), "probe": LATENCY_PAIRS - len(ours)},
        "latency_path": "veth between namespaces, unshaped, TCP connect only",
    }


def _error_pct(result: SpeedResult, rate_mbit: float) -> float | None:
    if result.mbps is None:
        return None
    return (result.mbps - rate_mbit) / rate_mbit * 100.0


async def _speed_steps(pair: VethPair, url: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for rate in RATES_MBIT:
        burst = pair.shape(rate)
        ceiling = rate * GOODPUT_SHARE
        step: dict[str, Any] = {
            "rate_mbit": rate,
            "goodput_ceiling_mbps": round(ceiling, 3),
            "tbf_burst_bytes": burst,
        }
        # A new session per step: the first round pays connection set-up, as in real use.
        async with aiohttp.ClientSession() as session:
            for direction, probe in (("down", measure_download), ("up", measure_upload)):
                started = time.perf_counter()
                result = await probe(session, url)
                error = _error_pct(result, rate)
                step |= {
                    f"{direction}_mbps": None if result.mbps is None else round(result.mbps, 3),
                    f"{direction}_error_pct": None if error is None else round(error, 2),
                    f"{direction}_error_vs_goodput_pct": (
                        None
                        if result.mbps is None
                        else round((result.mbps - ceiling) / ceiling * 100.0, 2)
                    ),
                    f"{direction}_bytes_used": result.bytes_used,
                    f"{direction}_rounds": result.rounds,
                    f"{direction}_measured_s": (
                        None if result.duration_s is None else round(result.duration_s, 3)
                    ),
                    f"{direction}_wall_s": round(time.perf_counter() - started, 2),
                    f"{direction}_failure": result.error,
                }
        step["tbf_drops"] = pair.drops()
        print(
            f"  {rate:>3} Mbit/s: down {step['down_mbps']} ({step['down_error_pct']} %, "
            f"{step['down_bytes_used']} B), up {step['up_mbps']} ({step['up_error_pct']} %, "
            f"{step['up_bytes_used']} B)",
            flush=True,
        )
        steps.append(step)
    pair.unshape()
    return steps


async def _small_queue_check(pair: VethPair, url: str) -> dict[str, Any]:
    """Downloads at 5 Mbit/s through a 200 ms tbf queue that drops (informational only)."""
    rate = 5
    pair.shape(rate, latency_ms=SMALL_QUEUE_MS)
    rates: list[float | None] = []
    async with aiohttp.ClientSession() as session:
        for _ in range(SMALL_QUEUE_RUNS):
            result = await measure_download(session, url)
            rates.append(None if result.mbps is None else round(result.mbps, 3))
    drops = pair.drops()
    pair.unshape()
    measured = [r for r in rates if r is not None]
    worst = min(measured) if measured else None
    return {
        "rate_mbit": rate,
        "tbf_latency_ms": SMALL_QUEUE_MS,
        "down_mbps": rates,
        "tbf_drops": drops,
        "worst_error_pct": (None if worst is None else round((worst - rate) / rate * 100.0, 2)),
        "note": "a tail drop can cost TCP a >=200 ms retransmit time-out; not in speed_error_pct",
    }


def _worst_error(steps: list[dict[str, Any]]) -> float | None:
    errors: list[float | None] = [step[f"{d}_error_pct"] for step in steps for d in ("down", "up")]
    measured = [abs(error) for error in errors if error is not None]
    if len(measured) != len(errors):
        return None  # a failed measurement is not an accuracy figure
    return max(measured)


def _enter(namespace_path: str) -> int:
    """Move this process into a network namespace; return a handle to the previous one."""
    previous = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(namespace_path, os.O_RDONLY)
    try:
        os.setns(target, os.CLONE_NEWNET)
    finally:
        os.close(target)
    return previous


def run() -> dict[str, Any]:
    """Build the link, measure, clean up; return the result."""
    started = time.perf_counter()
    with VethPair() as pair:
        simulator, tcp_port = _start_simulator(pair)
        previous_ns: int | None = None
        try:
            previous_ns = _enter(pair.ns_path(pair.client_ns))
            print("latency overhead (unshaped veth) ...", flush=True)
            latency = asyncio.run(_latency_overhead(tcp_port))
            print(f"  {latency['latency_overhead_ms']} ms", flush=True)
            print("speed on a tbf-shaped veth ...", flush=True)
            url = f"http://{SERVER_ADDR}:{HTTP_PORT}"
            steps = asyncio.run(_speed_steps(pair, url))
            print(f"5 Mbit/s with a small ({SMALL_QUEUE_MS} ms) tbf queue ...", flush=True)
            small_queue = asyncio.run(_small_queue_check(pair, url))
            print(f"  {small_queue['down_mbps']}, {small_queue['tbf_drops']} drops", flush=True)
        finally:
            if previous_ns is not None:
                os.setns(previous_ns, os.CLONE_NEWNET)
                os.close(previous_ns)
            simulator.terminate()
            try:
                simulator.wait(timeout=5)
            except subprocess.TimeoutExpired:
                simulator.kill()
                simulator.wait()
    worst = _worst_error(steps)
    return {
        "speed_error_pct": None if worst is None else round(worst, 2),
        "speed_goal_pct": GOAL_SPEED_ERROR_PCT,
        "speed_ok": worst is not None and worst <= GOAL_SPEED_ERROR_PCT,
        "speed_steps": steps,
        "latency_overhead_ms": latency["latency_overhead_ms"],
        "latency_goal_ms": GOAL_LATENCY_OVERHEAD_MS,
        "latency_ok": latency["latency_overhead_ms"] < GOAL_LATENCY_OVERHEAD_MS,
        **{key: value for key, value in latency.items() if key != "latency_overhead_ms"},
        "small_queue_check": small_queue,
        "shaping": (
            "tc tbf on each veth end's egress; burst ~1 ms of traffic (min 4 frames); "
            "queue limit 16 MB (never drops) for speed_steps"
        ),
        "rate_unit": "Mbit/s = 10^6 bit/s of HTTP body (goodput); tbf counts frame bytes",
        "kernel": platform.release(),
        "elapsed_s": round(time.perf_counter() - started, 1),
    }


def main() -> int:
    """Run the benchmark, or explain why it cannot run here; always end with a JSON line."""
    reason = missing_requirement()
    if reason is not None:
        print(f"probes benchmark skipped: {reason}")
        _emit({"skipped": reason})
        return 0
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        result = run()
    except NetnsError as err:
        print(f"probes benchmark skipped: could not build the shaped link: {err}")
        _emit({"skipped": f"network namespaces unavailable: {err}"})
        return 0
    except KeyboardInterrupt:
        print("interrupted; namespaces removed")
        return 130
    with contextlib.suppress(BrokenPipeError):
        _emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
