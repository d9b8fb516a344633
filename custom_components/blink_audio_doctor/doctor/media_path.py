"""The media half of the talk path test: timed TLS handshakes to a live view's media server.

Each attempt is a TCP connect and then a TLS handshake with the caller's context (full
verification, server name = the host); the handshake alone is timed. No application data is
sent, and every connection is closed (politely, unless the peer does not answer in time).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from typing import Final

# Time allowed for a TLS connection to close politely before it is aborted.
_CLOSE_WAIT_S: Final = 1.0


async def measure_media(
    host: str,
    port: int,
    *,
    ssl_context: ssl.SSLContext,
    samples: int,
    connect_timeout_s: float,
) -> tuple[list[float], bool | None]:
    """Time `samples` TLS handshakes; return the times (ms) and whether the certificate verified.

    Verified is None when no handshake got as far as the certificate.
    """
    rtts: list[float] = []
    verified: bool | None = None
    for _ in range(samples):
        try:
            elapsed, ok = await _handshake_once(
                host, port, ssl_context=ssl_context, limit_s=connect_timeout_s
            )
        except OSError, TimeoutError:
            continue
        rtts.append(elapsed * 1000.0)
        verified = ok and verified is not False
    return rtts, verified


class _CloseWatcher(asyncio.Protocol):
    """Lets a connection be closed politely: tells when it has really closed."""

    def __init__(self) -> None:
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_lost(self, exc: Exception | None) -> None:
        del exc  # any close will do
        if not self.closed.done():
            self.closed.set_result(None)


async def _handshake_once(
    host: str, port: int, *, ssl_context: ssl.SSLContext, limit_s: float
) -> tuple[float, bool]:
    """Connect, then time the TLS handshake; return (seconds, certificate verified).

    Raises:
        OSError: The connection failed, or the handshake failed for another reason than the
            certificate.
        TimeoutError: Connect plus handshake took longer than `limit_s`.
    """
    loop = asyncio.get_running_loop()
    watcher = _CloseWatcher()
    plain: asyncio.Transport | None = None
    tls: asyncio.Transport | None = None
    try:
        async with asyncio.timeout(limit_s):
            plain, _ = await loop.create_connection(lambda: watcher, host, port)
            began = time.perf_counter()
            try:
                tls = await loop.start_tls(
                    plain,
                    watcher,
                    ssl_context,
                    server_hostname=host,
                )
            except ssl.SSLCertVerificationError:
                return time.perf_counter() - began, False
            return time.perf_counter() - began, True
    finally:
        await _close(plain, tls, watcher)


async def _close(
    plain: asyncio.Transport | None, tls: asyncio.Transport | None, watcher: _CloseWatcher
) -> None:
    """Close a TLS connection politely (close_notify) unless the peer does not answer in time.

    A connection whose handshake did not finish is simply cut.
    """
    if tls is None:
        if plain is not None:
            plain.abort()
        return
    tls.close()
    try:
        async with asyncio.timeout(_CLOSE_WAIT_S):
            await watcher.closed
    except TimeoutError:
        tls.abort()
