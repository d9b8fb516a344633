"""The demo behind scripts/demo: the Blink cloud simulator, Home Assistant, both integrations.

Runs in the `demo` virtual environment (scripts/demo sets it up). Steps:

1. A Home Assistant config directory outside the repository (default: the cache), built from
   config/ (configuration.yaml, the dashboard, the demo-only harness) and our integration, with
   onboarding marked done and a demo user (`hass --script auth`).
2. The simulator (scenario `demo`) in this process. A later run gives it back the Blink sign-in
   that Home Assistant stored, as the real Blink cloud would still know it.
3. Home Assistant in a child process, with blinkpy pointed at the simulator before it starts.
4. Over Home Assistant's REST API (`demo_setup.py`, with the client in `hass_api.py`), as a
   person in the UI would: sign in, add HA's Blink integration (e-mail, password, PIN) and
   Blink Audio Doctor (linked to it) through their config flows, then the options flow (the
   Mini's smart plug; the simulator as latency and speed-test target). Later runs start the
   simulator on the previous run's ports when they are free, so the options stay right.
5. Waits until the cameras show their scenario verdicts, then adds a demo phone and one
   automation per blueprint (`demo_automations.py`; the restart benchmark runs without them).
6. Prints the URL and the login, and runs until Ctrl-C (or SIGTERM), then stops Home Assistant
   and the simulator.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
DEFAULT_STATE = (
    Path(os.environ.get("BLINK_DOCTOR_CACHE") or Path.home() / ".cache/blink-audio-doctor") / "demo"
)
DASHBOARD = "blink-audio-doctor"
ONBOARDING = {
    "version": 4,
    "minor_version": 1,
    "key": "onboarding",
    "data": {"done": ["user", "core_config", "analytics", "integration"]},
}
# Home Assistant 2026.11's defaults of a stored HTTP configuration (components/http).
HTTP_DEFAULTS: dict[str, Any] = {
    "cors_allowed_origins": ["https://cast.home-assistant.io"],
    "login_attempts_threshold": -1,
    "ip_ban_enabled": True,
    "ssl_profile": "intermediate_v6",
    "use_x_frame_options": True,
    "created_at": "2026-11-01T00:00:00+00:00",
    "error": None,
    "error_message": None,
}
STOP_TIMEOUT = 30
# Context managers that stay entered for the life of the process.
_ACTIVE = contextlib.ExitStack()

sys.path.insert(0, str(REPO))
from demo_automations import set_up_automations  # noqa: E402
from demo_setup import MINI_SERIAL, say, set_up  # noqa: E402
from hass_api import PASSWORD, USERNAME, DemoError, HassApi  # noqa: E402

from blink_cloud_sim.server import SimServer  # noqa: E402
from blink_cloud_sim.world import AccessToken, RefreshToken, World  # noqa: E402

# Also what the restart benchmark (benchmarks/restart_safety.py) uses from here.
__all__ = [
    "DEFAULT_STATE",
    "MINI_SERIAL",
    "DemoError",
    "HassApi",
    "main",
    "prepare_config",
    "restore_blink_sign_in",
    "say",
    "set_up",
    "start_hass",
    "stop_hass",
    "write_http_settings",
]

# ------------------------------------------------------------------------ the config directory


def prepare_config(config: Path) -> None:
    """Lay out the config directory: links into the repository, onboarding done, the user."""
    config.mkdir(parents=True, exist_ok=True)
    links = {
        config / "configuration.yaml": REPO / "config/configuration.yaml",
        config / "dashboards": REPO / "config/dashboards",
        # The blueprints, as if imported: Settings > Automations & scenes > Blueprints.
        config / "blueprints/automation/blink_audio_doctor": REPO
        / "blueprints/automation/blink_audio_doctor",
        config / "custom_components/blink_audio_doctor": REPO
        / "custom_components/blink_audio_doctor",
        config / "custom_components/blink_sim_harness": REPO
        / "config/custom_components/blink_sim_harness",
        config / "custom_components/demo_phone": REPO / "config/custom_components/demo_phone",
    }
    for link, target in links.items():
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink() and link.resolve() == target:
            continue
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.is_dir():
            shutil.rmtree(link)
        link.symlink_to(target)
    # configuration.yaml includes it; the automation editor saves into it.
    automations = config / "automations.yaml"
    if not automations.exists():
        automations.write_text("[]\n", encoding="utf-8")
    storage = config / ".storage"
    storage.mkdir(exist_ok=True)
    onboarding = storage / "onboarding"
    if not onboarding.exists():
        onboarding.write_text(json.dumps(ONBOARDING), encoding="utf-8")
    if not (storage / "auth_provider.homeassistant").exists():
        say(f"creating the Home Assistant user '{USERNAME}'")
        # `-c` after `--script auth`: the script parses its own arguments.
        subprocess.run(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "-m",
                "homeassistant",
                "--script",
                "auth",
                "-c",
                str(config),
                "add",
                USERNAME,
                PASSWORD,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )


def write_http_settings(config: Path, port: int) -> None:
    """Home Assistant's stored HTTP settings: loopback only, on `port`, confirmed.

    Since 2026.11 these live in storage (an `http:` YAML section is migrated once, then ignored,
    and a changed one must be confirmed in the UI within 5 minutes), so the demo writes them.
    """
    path = config / ".storage/http"
    stored = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    stable = stored["data"]["stable"] if stored else dict(HTTP_DEFAULTS)
    stable.update(server_port=port, server_host=["127.0.0.1"])
    path.write_text(
        json.dumps(
            {
                "version": 3,
                "minor_version": 1,
                "key": "http",
                "data": {"stable": stable, "pending": None, "yaml_migration_done": True},
            },
            indent=2,
        ),
        encoding="utf-8",
    )


def stored_entries(config: Path, domain: str) -> list[dict[str, Any]]:
    """Config entries of `domain` that Home Assistant stored (empty before the first run)."""
    path = config / ".storage/core.config_entries"
    if not path.exists():
        return []
    entries = json.loads(path.read_text(encoding="utf-8"))["data"]["entries"]
    return [entry for entry in entries if entry.get("domain") == domain]


def restore_blink_sign_in(config: Path, world: World) -> None:
    """Give the fresh simulator the tokens HA's Blink entry holds (Blink would remember them)."""
    account = world.accounts[0]
    for entry in stored_entries(config, "blink"):
        data = entry.get("data", {})
        hardware_id = data.get("hardware_id")
        if data.get("token"):
            world.access_tokens[data["token"]] = AccessToken(
                account_id=account.account_id,
                expires_at=world.now() + world.expires_in,
                hardware_id=hardware_id,
            )
        if data.get("refresh_token"):
            world.refresh_tokens[data["refresh_token"]] = RefreshToken(
                account_id=account.account_id, hardware_id=hardware_id
            )


def previous_probe_ports(config: Path) -> tuple[int, int]:
    """The simulator's HTTP and TCP ports named in the doctor's stored options (0: none)."""
    for entry in stored_entries(config, "blink_audio_doctor"):
        options = entry.get("options", {})
        url_port = urlsplit(str(options.get("speed_test_url", ""))).port
        return url_port or 0, int(options.get("latency_port") or 0)
    return 0, 0


async def start_simulator(sim: SimServer, port: int, config: Path) -> None:
    """Start the simulator, on the previous run's ports when they are free.

    Blink Audio Doctor probes its stored targets as soon as Home Assistant loads it, before the
    set-up could correct its options: on moved ports that first latency probe would be refused
    and show 100 % packet loss.
    """
    http_port, tcp_port = previous_probe_ports(config)
    try:
        await sim.start(port=port or http_port, tcp_port=tcp_port)
    except OSError:
        await sim.stop()
        await sim.start(port=port)


# --------------------------------------------------------------------------- Home Assistant


def _die_with_parent() -> None:
    """In the child: SIGTERM when the demo process dies, however it dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


async def start_hass(config: Path, sim_url: str, log: Path) -> asyncio.subprocess.Process:
    """Home Assistant in a child process (this file's `hass` mode), output to `log`."""
    env = {**os.environ, "BLINK_SIM_URL": sim_url}
    env.pop("PYTHONPATH", None)
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "hass",
            sim_url,
            "-c",
            str(config),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )


def run_hass(sim_url: str, hass_args: list[str]) -> int:
    """The child: point blinkpy at the simulator, then run Home Assistant in this process."""
    from blink_cloud_sim.harness import redirect_blinkpy  # noqa: PLC0415

    # The repository must not stay on sys.path: its custom_components package would hide the
    # config directory's (which holds the harness).
    sys.path.remove(str(REPO))
    # Kept referenced: a context manager that is garbage-collected would undo the redirect.
    _ACTIVE.enter_context(redirect_blinkpy(sim_url))
    from homeassistant import bootstrap  # noqa: PLC0415
    from homeassistant.__main__ import main as hass_main  # noqa: PLC0415

    # Voice satellites need assist_pipeline, whose requirements (pymicro-vad, pyspeex-noise)
    # have no wheels for Python 3.14 and cannot be built without a compiler; the demo has no
    # voice, so it is not set up (every other default integration is).
    bootstrap.DEFAULT_INTEGRATIONS.discard("assist_satellite")

    sys.argv = ["hass", *hass_args]
    return hass_main()


# ------------------------------------------------------------------------------- the run


async def wait_for_stop(*, interactive: bool) -> None:
    """Until Ctrl-C or SIGTERM (or Enter on an interactive console)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    if interactive:
        loop.add_reader(sys.stdin.fileno(), stop.set)
    await stop.wait()


async def stop_hass(proc: asyncio.subprocess.Process) -> None:
    """Stop Home Assistant (it saves its state on SIGTERM); kill it if it hangs."""
    if proc.returncode is not None:
        return
    say("stopping Home Assistant")
    proc.terminate()
    try:
        await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
    except TimeoutError:
        proc.kill()
        await proc.wait()


def prepare_state(args: argparse.Namespace) -> Path:
    """The demo's state directory, emptied first with --fresh; returns its config directory."""
    state = Path(args.state).resolve()
    if args.fresh and state.exists():
        say(f"--fresh: removing the demo state {state}")
        shutil.rmtree(state)
    config = state / "config"
    prepare_config(config)
    write_http_settings(config, args.port)
    return config


async def run(args: argparse.Namespace, config: Path, started: float) -> int:
    """Start everything, set it up, and run until asked to stop."""
    world = World.from_scenario("demo")
    sim = SimServer(world)
    await start_simulator(sim, args.sim_port, config)
    restore_blink_sign_in(config, world)
    say(f"Blink cloud simulator on {sim.url} (latency probe port {sim.tcp_port})")

    base = f"http://127.0.0.1:{args.port}"
    log = config.parent / "home-assistant.console.log"
    proc = await start_hass(config, sim.url, log)
    say(f"starting Home Assistant {base} (log: {config / 'home-assistant.log'})")
    loop = asyncio.get_running_loop()
    setup = loop.create_task(set_up(base, sim, proc, log))
    stopper = loop.create_task(wait_for_stop(interactive=False))
    try:
        done, _ = await asyncio.wait({setup, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stopper in done:
            setup.cancel()
            return 130
        setup.result()
        await set_up_automations(base)
        say(f"ready in {time.monotonic() - started:.1f} s")
        say(f"open {base}/{DASHBOARD}  and sign in as '{USERNAME}' / '{PASSWORD}'")
        say("Settings > Repairs lists the unhealthy cameras; the Living Room Mini's fix")
        say("'Restart the camera' power-cycles it through its smart plug.")
        say("Settings > Automations has one automation per blueprint for the Living Room;")
        say("what the notify one sends to the Demo Phone shows under Notifications.")
        interactive = not args.headless and sys.stdin.isatty()
        say("press Enter or Ctrl-C to stop" if interactive else "Ctrl-C stops the demo")
        if interactive:
            stopper.cancel()
            stopper = loop.create_task(wait_for_stop(interactive=True))
        exited: asyncio.Task[Any] = loop.create_task(proc.wait())
        done, _ = await asyncio.wait({stopper, exited}, return_when=asyncio.FIRST_COMPLETED)
    except DemoError as err:
        say(f"error: {err}")
        return 1
    else:
        if stopper not in done:
            say(f"Home Assistant exited ({proc.returncode}); see {log}")
            return 1
        return 0
    finally:
        stopper.cancel()
        await stop_hass(proc)
        await sim.stop()
        say("stopped")


def main(argv: list[str]) -> int:
    """`demo.py [options]` runs the demo; `demo.py hass SIM_URL HASS_ARGS...` is the child."""
    if argv[:1] == ["hass"]:
        return run_hass(argv[1], argv[2:])
    parser = argparse.ArgumentParser(
        prog="scripts/demo",
        description="Home Assistant with Blink Audio Doctor against the Blink cloud simulator.",
    )
    parser.add_argument("--port", type=int, default=8123, help="Home Assistant's HTTP port")
    parser.add_argument("--fresh", action="store_true", help="throw away the demo's HA state")
    parser.add_argument("--headless", action="store_true", help="no prompt; run until signalled")
    parser.add_argument(
        "--state", default=str(DEFAULT_STATE), help="where the demo's HA state lives"
    )
    parser.add_argument("--sim-port", type=int, default=0, help="the simulator's HTTP port")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        return asyncio.run(run(args, prepare_state(args), started))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
