"""`scripts/bench restart-safety`: a real Home Assistant stopped mid power cycle, 32 times.

Runs in the demo's environment (Home Assistant 2026.11, the simulator, the demo-only smart plug
that powers the simulated Living Room Mini).

- 20 SIGKILL trials: a power cycle of the Mini with a 20 s off time, Home Assistant killed at a
  random moment while the plug is off, started again on the same storage; is the plug on again
  (and how soon)?
- 12 graceful trials: a power cycle started from the action, the Power cycle button or the guided
  re-add's repair flow (each source twice with each stop), Home Assistant stopped at a random
  moment while the plug is off, with SIGTERM or the `homeassistant.restart` action; is the plug on
  and its stored record cleared by the time the process has exited (before any restart)?

Prints as its last line one JSON object with `trials`, `plug_on_after_restart`,
`graceful_trials` and `plug_on_after_graceful_stop`; saved as restart_safety.json (see
benchmarks/outcome.py). Exits non-zero (after printing) unless every trial ends with the plug on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import shutil
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts/lib"))
import demo  # noqa: E402

from benchmarks.outcome import emit  # noqa: E402
from blink_cloud_sim.server import SimServer  # noqa: E402
from blink_cloud_sim.world import World  # noqa: E402

TRIALS = 20
OFF_SECONDS = 20
PLUG_ON_WITHIN = 60.0
STORE = "blink_audio_doctor.power_cycle"
RE_ADD_STORE = "blink_audio_doctor.re_add"
DOMAIN = "blink_audio_doctor"
SENSOR = "binary_sensor.living_room_online"
BUTTON = "button.living_room_power_cycle"
DEFAULT_OFF_SECONDS = 10  # the action's default, which the button and the repair flow use
SOURCES = ("action", "button", "repair")
STOPS = ("sigterm", "restart")
GRACEFUL_ROUNDS = 2  # every source with every stop, twice: 12 trials
STOP_WITHIN = 90.0  # Home Assistant's own stop stages may take this long before it gives up


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _forget_cycle_history(config: Path) -> None:
    """Clear the cooldown and attempt history (not the pending record) between trials.

    The per-hour attempt limit would otherwise refuse the fourth trial; it is not what is
    measured here.
    """
    path = config / ".storage" / STORE
    if not path.exists():
        return
    stored = json.loads(path.read_text())
    stored.get("data", {})["history"] = {}
    path.write_text(json.dumps(stored))


def _forget_re_adds(config: Path) -> None:
    """Close the guided re-adds a repair trial opened (the next one opens its own)."""
    path = config / ".storage" / RE_ADD_STORE
    if path.exists():
        stored = json.loads(path.read_text())
        stored["data"] = {"open": []}
        path.write_text(json.dumps(stored))


def _stored_pending(config: Path) -> Any:
    """The power cycles' stored "turn back on" records, as Home Assistant left them."""
    path = config / ".storage" / STORE
    return json.loads(path.read_text())["data"]["pending"] if path.exists() else None


async def _start(config: Path, sim: SimServer, base: str, log: Path) -> Any:
    proc = await demo.start_hass(config, sim.url, log)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        await demo.HassApi(session, base).wait_until_up(proc, log)
    return proc


async def _trial(
    config: Path, sim: SimServer, base: str, log: Path, proc: Any
) -> tuple[bool, float | None, Any]:
    """One kill mid-cycle; whether the plug was on again within the limit, and after how long."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        api = demo.HassApi(session, base)
        await api.sign_in()
        await api.wait_running()
        await api.wait_loaded("blink_audio_doctor")
        call = asyncio.create_task(
            api.request(
                "POST",
                "/api/services/blink_audio_doctor/power_cycle",
                {
                    "entity_id": "binary_sensor.living_room_online",
                    "off_seconds": OFF_SECONDS,
                    "wait_for_online": False,
                    "force": True,
                },
            )
        )
        await _wait_until(lambda: not sim.world.is_powered(demo.MINI_SERIAL), within=10)
        await asyncio.sleep(random.uniform(0.1, OFF_SECONDS - 2))
        plug_was_off = not sim.world.is_powered(demo.MINI_SERIAL)
        proc.kill()  # SIGKILL: no shutdown, no cleanup
        await proc.wait()
        with contextlib.suppress(Exception):
            await call
    _forget_cycle_history(config)
    # HA's Blink integration stores a rotated refresh token only at its next in-session refresh,
    # so after a SIGKILL it holds one the simulator has already retired; the simulator takes it
    # back (as the demo does on each start) so HA's Blink, and our linked entry, load again.
    demo.restore_blink_sign_in(config, sim.world)
    started = time.monotonic()
    proc = await _start(config, sim, base, log)
    if await _wait_until(lambda: sim.world.is_powered(demo.MINI_SERIAL), within=PLUG_ON_WITHIN):
        return plug_was_off, round(time.monotonic() - started, 2), proc
    return plug_was_off, None, proc


async def _wait_for_entities(api: demo.HassApi) -> None:
    """Until the entities the trials use exist (our entry has loaded its platforms)."""
    deadline = time.monotonic() + PLUG_ON_WITHIN
    while True:
        states = await api.request("GET", "/api/states")
        if {SENSOR, BUTTON} <= {state["entity_id"] for state in states}:
            return
        if time.monotonic() > deadline:
            raise demo.DemoError(f"{SENSOR} or {BUTTON} did not appear")
        await asyncio.sleep(0.5)


async def _start_cycle(api: demo.HassApi, source: str) -> tuple[float, asyncio.Task[Any] | None]:
    """Start a power cycle of the Mini from `source`; its off time and the action's call."""
    if source == "action":
        body = {"entity_id": SENSOR, "off_seconds": DEFAULT_OFF_SECONDS, "wait_for_online": False}
        path = f"/api/services/{DOMAIN}/power_cycle"
        return DEFAULT_OFF_SECONDS, asyncio.create_task(api.request("POST", path, body))
    if source == "button":
        await api.request("POST", "/api/services/button/press", {"entity_id": BUTTON})
        return DEFAULT_OFF_SECONDS, None
    # The guided re-add's repair flow: "delete it in the app", then "restart it by its plug".
    started = await api.request(
        "POST", f"/api/services/{DOMAIN}/re_add_camera?return_response", {"entity_id": SENSOR}
    )
    issue_id = started["service_response"]["issue_id"]
    flow = await api.request(
        "POST", "/api/repairs/issues/fix", {"handler": DOMAIN, "issue_id": issue_id}
    )
    for _ in range(3):  # delete -> restart_plug -> the cycle starts
        if flow.get("type") != "form" or flow.get("step_id") == "add_back":
            break
        flow = await api.request("POST", f"/api/repairs/issues/fix/{flow['flow_id']}", {})
    return DEFAULT_OFF_SECONDS, None


@dataclass(frozen=True)
class _Demo:
    """What every trial works with: the config directory, the simulator, the URL, the log."""

    config: Path
    sim: SimServer
    base: str
    log: Path


async def _graceful_trial(
    demo_run: _Demo, proc: Any, source: str, stop: str
) -> tuple[dict[str, Any], Any]:
    """One graceful stop mid-cycle; the plug and the stored record once the process exited."""
    config, sim, base, log = demo_run.config, demo_run.sim, demo_run.base, demo_run.log
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        api = demo.HassApi(session, base)
        await api.sign_in()
        await api.wait_running()
        await api.wait_loaded(DOMAIN)
        await _wait_for_entities(api)
        off_seconds, call = await _start_cycle(api, source)
        if not await _wait_until(lambda: not sim.world.is_powered(demo.MINI_SERIAL), within=10):
            raise demo.DemoError(f"the {source} did not switch the plug off")
        off_at = time.monotonic()
        await asyncio.sleep(random.uniform(0.1, off_seconds - 3))
        stop_requested = time.monotonic()
        if stop == "sigterm":
            proc.terminate()
        else:
            # The action answers, or the connection drops as Home Assistant stops.
            with contextlib.suppress(Exception):
                await api.request("POST", "/api/services/homeassistant/restart", {})
        on_at: float | None = None
        deadline = stop_requested + STOP_WITHIN
        while proc.returncode is None and time.monotonic() < deadline:
            if on_at is None and sim.world.is_powered(demo.MINI_SERIAL):
                on_at = time.monotonic()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(proc.wait()), 0.02)
        if proc.returncode is None:
            proc.kill()  # it did not stop: counted as a failure below
            await proc.wait()
        exited = time.monotonic()
        if call is not None:
            with contextlib.suppress(Exception):
                await call
    plug_on = sim.world.is_powered(demo.MINI_SERIAL)
    if plug_on and on_at is None:
        on_at = exited
    result = {
        "source": source,
        "stop": stop,
        "exit_code": proc.returncode,
        "stopped_while_off": on_at is not None and on_at - off_at < off_seconds,
        "plug_on_at_exit": plug_on,
        "record_cleared": _stored_pending(config) == {},
        "stop_s": round(exited - stop_requested, 2),
    }
    _forget_cycle_history(config)
    _forget_re_adds(config)
    demo.restore_blink_sign_in(config, sim.world)
    return result, await _start(config, sim, base, log)


async def _wait_until(condition: Callable[[], bool], *, within: float) -> bool:
    """Poll the simulator until `condition` holds; False when it did not within the time."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def measure() -> dict[str, Any]:
    """Set the demo up once, then stop (kill, then gracefully) and restart it each trial."""
    state = Path(demo.DEFAULT_STATE).parent / "restart-safety"
    shutil.rmtree(state, ignore_errors=True)
    config = state / "config"
    demo.prepare_config(config)
    port = _free_port()
    demo.write_http_settings(config, port)
    base = f"http://127.0.0.1:{port}"
    log = state / "console.log"
    sim = SimServer(World.from_scenario("demo"))
    await sim.start()
    proc = await demo.start_hass(config, sim.url, log)
    results: list[dict[str, Any]] = []
    graceful: list[dict[str, Any]] = []
    try:
        await demo.set_up(base, sim, proc, log)
        for number in range(1, TRIALS + 1):
            plug_was_off, seconds, proc = await _trial(config, sim, base, log, proc)
            results.append(
                {"trial": number, "killed_while_off": plug_was_off, "on_after_s": seconds}
            )
            demo.say(f"trial {number}: killed while off={plug_was_off}, plug on after {seconds} s")
        trials = [(s, stop) for _ in range(GRACEFUL_ROUNDS) for s in SOURCES for stop in STOPS]
        for number, (source, stop) in enumerate(trials, start=1):
            result, proc = await _graceful_trial(_Demo(config, sim, base, log), proc, source, stop)
            graceful.append({"trial": number, **result})
            demo.say(f"graceful trial {number}: {result}")
    finally:
        await demo.stop_hass(proc)
        await sim.stop()
    on = [r for r in results if r["on_after_s"] is not None]
    return {
        "trials": len(results),
        "killed_while_off": sum(r["killed_while_off"] for r in results),
        "plug_on_after_restart": len(on),
        "worst_on_after_s": max((r["on_after_s"] for r in on), default=None),
        "off_seconds": OFF_SECONDS,
        "graceful_trials": len(graceful),
        "graceful_stopped_while_off": sum(r["stopped_while_off"] for r in graceful),
        "plug_on_after_graceful_stop": sum(r["plug_on_at_exit"] for r in graceful),
        "record_cleared_after_graceful_stop": sum(r["record_cleared"] for r in graceful),
        "worst_graceful_stop_s": max((r["stop_s"] for r in graceful), default=None),
        "results": results,
        "graceful_results": graceful,
    }


def main() -> int:
    """Run, save and print the JSON line; 1 unless every trial ends with the plug on."""
    result = asyncio.run(measure())
    missed = [
        f"every trial's {key}"
        for key, trials in (
            ("plug_on_after_restart", "trials"),
            ("plug_on_after_graceful_stop", "graceful_trials"),
            ("record_cleared_after_graceful_stop", "graceful_trials"),
        )
        if result[key] != result[trials]
    ]
    return emit("restart_safety", result, missed=missed)


if __name__ == "__main__":
    sys.exit(main())
