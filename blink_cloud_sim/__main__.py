"""Run the Blink cloud simulator from the command line.

Example: `python -m blink_cloud_sim --scenario demo --port 8765`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from .server import SimServer
from .world import SimError, World


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m blink_cloud_sim",
        description=(
            "Serve a simulated Blink cloud (OAuth sign-in, REST API, probe endpoints and a "
            "/_sim/... control API) over HTTP until Ctrl-C. Point blinkpy at it with "
            "blink_cloud_sim.harness.redirect_blinkpy(URL)."
        ),
    )
    parser.add_argument(
        "--scenario",
        default="default",
        help=(
            "a shipped scenario name (default, demo, slow_upload, families, local_storage_406) "
            "or a YAML path"
        ),
    )
    parser.add_argument("--port", type=int, default=0, help="HTTP port (0 = any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    return parser


async def _serve(world: World, host: str, port: int) -> None:
    server = SimServer(world)
    await server.start(host=host, port=port)
    sys.stdout.write(
        f"Blink cloud simulator: {server.url} (TCP probe port {server.tcp_port}, "
        f"live-view media port {server.media_port}); Ctrl-C to stop\n"
    )
    sys.stdout.flush()
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and serve until interrupted; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        world = World.from_scenario(args.scenario)
    except (SimError, OSError) as err:
        sys.stderr.write(f"error: {err}\n")
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(world, args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
