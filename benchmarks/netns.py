"""Two network namespaces joined by a veth pair, with token-bucket (tc tbf) rate shaping.

Used by ``benchmarks.probes``. Needs root and iproute2 (``ip``, ``tc``) plus ``nsenter``
(util-linux). Everything lives in namespaces this module creates, so the benchmark never touches
the machine's own interfaces; the addresses (192.0.2.0/24, TEST-NET-1) exist only inside them.

Commands run in a namespace with ``nsenter --net=/run/netns/NAME`` rather than
``ip netns exec``: the latter remounts ``/`` and ``/sys`` and fails inside a chroot (the
project's scripts may run Python in one), while nsenter only switches the network namespace.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from collections.abc import Sequence

NETNS_DIR = Path("/run/netns")
SERVER_ADDR = "192.0.2.1"
CLIENT_ADDR = "192.0.2.2"
PREFIX = 24
# Prefix of every namespace and interface this module creates (stale ones are removed).
TAG = "bad"
TOOLS = ("ip", "tc", "nsenter")
# tbf queue that never fills here: larger than any whole transfer the benchmark makes (the
# largest, 2.5 s at 20 Mbit/s, is about 6 MB), so nothing TCP has in flight can overflow it.
DROP_FREE_LIMIT = 16 * 1024 * 1024


class NetnsError(RuntimeError):
    """Setting up or shaping the namespaces failed."""


def _run(argv: Sequence[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    # Argument lists are built here from constants and our own names, never from input.
    result = subprocess.run(  # noqa: S603
        argv, capture_output=True, text=True, check=False, timeout=30
    )
    if check and result.returncode != 0:
        msg = f"{' '.join(argv)}: {result.stderr.strip() or result.returncode}"
        raise NetnsError(msg)
    return result


def missing_requirement() -> str | None:
    """Return why the namespaces cannot be built here, or None when they can.

    Installs iproute2 with apt-get when it is missing and this is a root Debian system.
    """
    if os.geteuid() != 0:
        return "needs root (network namespaces and tc)"
    if not all(shutil.which(tool) for tool in TOOLS) and shutil.which("apt-get"):
        # The project's Debian root file system may lack iproute2; it is small (~1 s).
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                ["apt-get", "install", "-y", "-qq", "iproute2"],  # noqa: S607
                capture_output=True,
                check=False,
                timeout=240,
                env=env,
            )
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    if missing:
        return f"missing tools: {', '.join(missing)} (install iproute2 and util-linux)"
    return None


def tbf_burst_bytes(rate_mbit: float) -> int:
    """Token-bucket size for a rate: about 1 ms of traffic, at least four full frames.

    Small enough that the bytes let through at line rate when a transfer starts change a
    2.5 s measurement by well under 1 %, large enough that tbf never stalls on a frame.
    """
    return max(4 * 1514, int(rate_mbit * 1_000_000 / 8 * 0.001))


@dataclass
class VethPair:
    """Server and client namespaces joined by one veth pair; a context manager."""

    suffix: str = field(default_factory=lambda: str(os.getpid()))
    server_ns: str = ""
    client_ns: str = ""
    server_if: str = ""
    client_if: str = ""
    _created: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.server_ns = f"{TAG}-srv-{self.suffix}"
        self.client_ns = f"{TAG}-cli-{self.suffix}"
        # Interface names are limited to 15 characters.
        self.server_if = f"{TAG}s{self.suffix}"[:15]
        self.client_if = f"{TAG}c{self.suffix}"[:15]

    def __enter__(self) -> Self:
        try:
            self.create()
        except BaseException:
            self.destroy()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.destroy()

    def ns_path(self, namespace: str) -> str:
        """Path of a namespace's handle, for nsenter or setns."""
        return str(NETNS_DIR / namespace)

    def in_ns(self, namespace: str, argv: Sequence[str]) -> list[str]:
        """Prefix a command so that it runs in a namespace."""
        return ["nsenter", f"--net={self.ns_path(namespace)}", *argv]

    def create(self) -> None:
        """Create both namespaces, the veth pair and the addresses."""
        for namespace in (self.server_ns, self.client_ns):
            # A file left by a killed run would make "ip netns add" fail.
            _run(["ip", "netns", "del", namespace], check=False)
            _run(["ip", "netns", "add", namespace])
            self._created.append(namespace)
        _run(
            [
                "ip", "link", "add", self.server_if, "netns", self.server_ns,
                "type", "veth", "peer", "name", self.client_if, "netns", self.client_ns,
            ]
        )  # fmt: skip
        for namespace, interface, address in (
            (self.server_ns, self.server_if, SERVER_ADDR),
            (self.client_ns, self.client_if, CLIENT_ADDR),
        ):
            _run(
                self.in_ns(
                    namespace, ["ip", "addr", "add", f"{address}/{PREFIX}", "dev", interface]
                )
            )
            _run(self.in_ns(namespace, ["ip", "link", "set", interface, "up"]))
            _run(self.in_ns(namespace, ["ip", "link", "set", "lo", "up"]))

    def shape(self, rate_mbit: float, *, latency_ms: int | None = None) -> int:
        """Limit each side's egress (download and upload) to ``rate_mbit``; return the burst.

        By default tbf's queue is larger than anything TCP can have in flight, so tbf never
        drops: a tail drop costs TCP a retransmission time-out (at least 200 ms), which is
        TCP's behaviour on a lossy link, not a timing error of the probe. ``latency_ms`` gives
        a small, realistic queue (how long a packet may wait) that does drop.
        """
        burst = tbf_burst_bytes(rate_mbit)
        queue = (
            ["limit", str(DROP_FREE_LIMIT)]
            if latency_ms is None
            else ["latency", f"{latency_ms}ms"]
        )
        for namespace, interface in (
            (self.server_ns, self.server_if),
            (self.client_ns, self.client_if),
        ):
            _run(
                self.in_ns(
                    namespace,
                    [
                        "tc", "qdisc", "replace", "dev", interface, "root", "tbf",
                        "rate", f"{rate_mbit}mbit", "burst", str(burst), *queue,
                    ],
                )
            )  # fmt: skip
        return burst

    def drops(self) -> int:
        """Packets tbf dropped on both ends since the qdiscs were (re)placed."""
        total = 0
        for namespace, interface in (
            (self.server_ns, self.server_if),
            (self.client_ns, self.client_if),
        ):
            shown = _run(self.in_ns(namespace, ["tc", "-s", "qdisc", "show", "dev", interface]))
            total += sum(int(n) for n in re.findall(r"dropped (\d+)", shown.stdout))
        return total

    def unshape(self) -> None:
        """Remove the rate limits."""
        for namespace, interface in (
            (self.server_ns, self.server_if),
            (self.client_ns, self.client_if),
        ):
            _run(
                self.in_ns(namespace, ["tc", "qdisc", "del", "dev", interface, "root"]), check=False
            )

    def destroy(self) -> None:
        """Delete what was created (the veth pair and its qdiscs go with the namespaces)."""
        while self._created:
            namespace = self._created.pop()
            _run(["ip", "netns", "del", namespace], check=False)
