"""Talk path test accuracy: camera join time and media round trip against the simulator.

Runs the Blink cloud simulator in this process on the real clock (not the manual one) and the
doctor's ``run_talk_path`` through ``SimTalkClient`` (the liveview request, command status and
command done over aiohttp), trusting the simulator's media certificate. Every combination of
join times 2, 5 and 10 s and media handshake delays 20, 80 and 200 ms is measured: the three
join times run concurrently on three cameras of the default scenario (a doorbell, a Mini and an
Outdoor camera, one join time each), and the handshake delay (one for the whole media server)
changes between three rounds, so the run takes about three times the longest join. Within a
round the tests start 1.5 s apart, longest join first: the handshakes of one camera (at most
5 x 200 ms) then never overlap another's, which would add the other's TLS work to the figure,
as the simulator and the three tests share one event loop.

The join error is ``|camera_joined_s - join time|`` (polls every 0.5 s as the integration
does, so up to 0.25 s comes from the polling alone), the round-trip error
``|media_rtt_ms - handshake delay|`` (median of 5 handshakes; the TLS work itself adds a
millisecond or two on loopback). The worst of each is judged against the goals
(BLINK_DOCTOR_GOAL_TALK_JOIN_ERROR_S, default 0.5 s, and BLINK_DOCTOR_GOAL_TALK_RTT_ERROR_MS,
default 5 ms); every case must also end ``ok`` with a verified certificate.

Run it with ``scripts/bench talk-path``; one line per case, then the JSON result as the last
line (saved as talk_path.json, see benchmarks/outcome.py); exits 1 after printing when a goal is
missed.
"""

from __future__ import annotations

import asyncio
import json
import platform
import sys
import time
from typing import Any

import aiohttp

from benchmarks.outcome import emit, goal
from blink_cloud_sim import SimServer, World
from blink_cloud_sim.talk_client import SimTalkClient
from custom_components.blink_audio_doctor.doctor.talk_path import (
    POLL_INTERVAL_S,
    TalkOutcome,
    TalkPathResult,
    run_talk_path,
)

JOIN_TIMES_S = (10.0, 5.0, 2.0)
HANDSHAKE_DELAYS_MS = (20.0, 80.0, 200.0)
# One camera per family of the default scenario, each given one join time.
CAMERAS = (
    ("lotus", "G8T40000DOOR0001"),
    ("owl", "G8T30000MINI0001"),
    ("camera", "G8T20000OUT00001"),
)
STAGGER_S = 1.5
SAMPLES = 5
GOAL_JOIN_ERROR_S = 0.5
GOAL_RTT_ERROR_MS = 5.0


async def _round(
    sim: SimServer, session: aiohttp.ClientSession, handshake_ms: float
) -> list[dict[str, Any]]:
    """Measure the three join times at once with one handshake delay."""
    sim.world.set_media(handshake_ms=handshake_ms)
    for (_, serial), join_s in zip(CAMERAS, JOIN_TIMES_S, strict=True):
        sim.world.set_join_time(serial, join_s)

    async def one(index: int, serial: str) -> TalkPathResult:
        await asyncio.sleep(index * STAGGER_S)
        return await run_talk_path(
            SimTalkClient(sim, session, serial),
            ssl_context=sim.media_client_context(),
            poll_interval_s=POLL_INTERVAL_S,
            samples=SAMPLES,
        )

    results = await asyncio.gather(*(one(i, serial) for i, (_, serial) in enumerate(CAMERAS)))
    cases = []
    for (family, _), join_s, result in zip(CAMERAS, JOIN_TIMES_S, results, strict=True):
        joined, rtt = result.camera_joined_s, result.media_rtt_ms
        cases.append(
            {
                "family": family,
                "join_s": join_s,
                "handshake_ms": handshake_ms,
                "outcome": result.outcome.value,
                "tls_verified": result.media_tls_verified,
                "camera_joined_s": joined,
                "media_rtt_ms": rtt,
                "media_rtt_spread_ms": result.media_rtt_spread_ms,
                "accepted_s": result.accepted_s,
                "join_error_s": None if joined is None else round(abs(joined - join_s), 3),
                "rtt_error_ms": None if rtt is None else round(abs(rtt - handshake_ms), 2),
                "ok": result.outcome is TalkOutcome.OK and result.media_tls_verified is True,
            }
        )
    return cases


async def _measure() -> tuple[list[dict[str, Any]], float]:
    started = time.monotonic()
    cases: list[dict[str, Any]] = []
    async with SimServer(World.from_scenario("default")) as sim, aiohttp.ClientSession() as session:
        for handshake_ms in HANDSHAKE_DELAYS_MS:
            for case in await _round(sim, session, handshake_ms):
                print("case:", json.dumps(case), flush=True)
                cases.append(case)
    return cases, time.monotonic() - started


def _worst(cases: list[dict[str, Any]], key: str) -> float:
    """The largest error; infinite when a case has none (it never joined or never connected)."""
    values = [case[key] for case in cases]
    return float("inf") if None in values else max(values)


def main() -> int:
    """Measure every combination, print each, then the JSON result; 1 when a goal is missed."""
    join_goal = goal("talk_join_error_s", GOAL_JOIN_ERROR_S)
    rtt_goal = goal("talk_rtt_error_ms", GOAL_RTT_ERROR_MS)
    cases, duration = asyncio.run(_measure())
    join_error = _worst(cases, "join_error_s")
    rtt_error = _worst(cases, "rtt_error_ms")
    missed = []
    if not all(case["ok"] for case in cases):
        missed.append("talk_outcome_ok")
    if not join_error <= join_goal:
        missed.append("talk_join_error_s")
    if not rtt_error <= rtt_goal:
        missed.append("talk_rtt_error_ms")
    result = {
        "benchmark": "talk-path",
        "cases": cases,
        "combinations": "join times concurrently on three cameras (1.5 s apart), delays in rounds",
        "poll_interval_s": POLL_INTERVAL_S,
        "samples": SAMPLES,
        "duration_s": round(duration, 1),
        "goal_join_error_s": join_goal,
        "goal_rtt_error_ms": rtt_goal,
        "python": platform.python_version(),
        "machine": platform.machine(),
        # JSON has no infinity: a case without a figure is reported as null.
        "join_error_s": join_error if join_error != float("inf") else None,
        "rtt_error_ms": rtt_error if rtt_error != float("inf") else None,
    }
    return emit("talk_path", result, missed=missed)


if __name__ == "__main__":
    sys.exit(main())
