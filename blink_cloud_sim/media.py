"""The live-view media server: a TLS listener with a certificate made at start.

A liveview answer's `server` (`immis://127.0.0.1:<port>/...`) points here. The listener accepts
TCP, waits the world's handshake delay (`World.media.handshake_ms`, real time: it is what a
client measures), then does the TLS handshake, reads and discards whatever comes and closes when
the client does. `World.set_media(reachable=False)` closes the listening socket, so connections
are refused; `reachable=True` listens again on the same port.

The certificate is issued for 127.0.0.1 and localhost by a small certificate authority made at
start (both in a temporary directory, never in the repository); clients trust it through
`SimServer.media_client_context()` or the CA's PEM text (`/_sim/media_ca`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import shutil
import socket
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

# Time a client gets to finish the handshake or to close politely.
_HANDSHAKE_LIMIT_S = 10.0
_CERT_DAYS = 30


@dataclass
class MediaSettings:
    """How the media server behaves: handshake delay and whether it listens at all."""

    handshake_ms: float = 20.0
    reachable: bool = True


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


class MediaCertificate:
    """A certificate authority and a server certificate for 127.0.0.1 and localhost."""

    def __init__(self) -> None:
        """Make both key pairs and certificates and write them to a temporary directory."""
        now = dt.datetime.now(dt.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = _name("Blink cloud simulator media CA")
        ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
        ca = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=_CERT_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(cert_sign=True), critical=True)
            .add_extension(ca_ski, critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        key = ec.generate_private_key(ec.SECP256R1())
        names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        leaf = (
            x509.CertificateBuilder()
            .subject_name(_name("127.0.0.1"))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=_CERT_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(cert_sign=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        self.ca_pem = ca.public_bytes(serialization.Encoding.PEM).decode("ascii")
        self.directory = Path(tempfile.mkdtemp(prefix="blink-sim-media-"))
        self.ca_file = self.directory / "media-ca.pem"
        self.ca_file.write_text(self.ca_pem, encoding="ascii")
        self._cert_file = self.directory / "media-server.pem"
        self._key_file = self.directory / "media-server.key"
        self._cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
        self._key_file.write_bytes(_pem_key(key))

    def server_context(self) -> ssl.SSLContext:
        """Return the server side's TLS context."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self._cert_file, self._key_file)
        return context

    def client_context(self) -> ssl.SSLContext:
        """Return a default, verifying client context that trusts only this CA."""
        return ssl.create_default_context(cadata=self.ca_pem)

    def remove(self) -> None:
        """Delete the temporary directory."""
        shutil.rmtree(self.directory, ignore_errors=True)


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


class _Connection(asyncio.Protocol):
    """One media client: reading paused until the delayed handshake, then data discarded."""

    def __init__(self, listener: MediaListener) -> None:
        self._listener = listener
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not isinstance(transport, asyncio.Transport):  # pragma: no cover - TCP only
            return
        # Nothing may be read before the handshake: the ClientHello must reach TLS.
        transport.pause_reading()
        self._listener.spawn(self._handshake(transport))

    async def _handshake(self, transport: asyncio.Transport) -> None:
        loop = asyncio.get_running_loop()
        tls: asyncio.Transport | None = None
        try:
            await asyncio.sleep(self._listener.settings().handshake_ms / 1000.0)
            tls = await loop.start_tls(
                transport,
                self,
                self._listener.tls,
                server_side=True,
                ssl_handshake_timeout=_HANDSHAKE_LIMIT_S,
            )
            await asyncio.shield(self.closed)
        except OSError, TimeoutError:
            pass  # the client gave up or refused the certificate
        finally:
            # Also on stop (task cancelled): the listener's server waits for every connection.
            (tls or transport).abort()

    def data_received(self, data: bytes) -> None:
        """Discard whatever the client sends."""

    def eof_received(self) -> bool:
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        del exc
        if not self.closed.done():
            self.closed.set_result(None)


class MediaListener:
    """The TLS listener of a running simulator."""

    def __init__(self, host: str, settings: Callable[[], MediaSettings]) -> None:
        """Listen on `host`; `settings()` gives the current delay and reachability."""
        self.host = host
        self.port = 0
        self.settings = settings
        self.certificate = MediaCertificate()
        self.tls = self.certificate.server_context()
        self._server: asyncio.Server | None = None
        self._pending: socket.socket | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, port: int = 0) -> None:
        """Bind (a free port when 0) and listen unless the settings say unreachable."""
        sock = self._bind(port)
        self.port = int(sock.getsockname()[1])
        if not self.settings().reachable:
            sock.close()
            return
        self._pending = sock
        await self._serve()

    def apply(self) -> None:
        """Follow the settings now: close the listening socket or listen again (same port)."""
        if self.settings().reachable:
            if self._server is None and self._pending is None and self.port:
                # Listening starts at once (connections wait in the backlog); accepting follows.
                self._pending = self._bind(self.port)
                self.spawn(self._serve())
            return
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._pending is not None:
            self._pending.close()
            self._pending = None

    async def stop(self) -> None:
        """Close the listener and every connection; delete the certificate files."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        if self._pending is not None:
            self._pending.close()
            self._pending = None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if server is not None:
            server.abort_clients()
            await server.wait_closed()
        self.certificate.remove()

    def spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run a coroutine as a task the listener cancels on stop."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _bind(self, port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, port))
        sock.listen(100)
        sock.setblocking(False)  # noqa: FBT003 - the stdlib signature is positional
        return sock

    async def _serve(self) -> None:
        sock, self._pending = self._pending, None
        if sock is None:  # made unreachable again before this task ran
            return
        loop = asyncio.get_running_loop()
        # Not serving yet, so no await happens before `_server` is set and `apply` can close it.
        self._server = await loop.create_server(
            lambda: _Connection(self), sock=sock, start_serving=False
        )
        await self._server.start_serving()
