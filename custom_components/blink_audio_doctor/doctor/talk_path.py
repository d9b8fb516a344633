"""Talk path test: measure the path two-way audio really takes.

Talk rides a live-view session: the phone and the camera each connect to the media server that
Blink names in its live-view answer. This module asks for a live view through a `TalkPathApi`
(the integration implements it over Blink's session), then measures that path. Pure asyncio, no
Home Assistant imports.

Rules:

- The live-view answer: HTTP 429 is `RATE_LIMITED`; any other non-2xx status, or a body without
  an integer `command_id` or without an `immis://host[:port]/...` `server`, is `REFUSED`. In both
  cases nothing else is measured and nothing is ended (no session was opened).
- Once accepted, the media measurement and the join polling run at the same time, as the app and
  the camera connect at the same time.
- Media: `samples` attempts one after the other, each a TCP connect and then a TLS handshake with
  the given context (full verification, server name = the URL's host). The handshake time is the
  sample; no application data is ever sent and every connection is closed. A certificate that
  does not verify still counts the time until the refusal as a sample (one round trip, like a
  handshake that succeeds) and sets `media_tls_verified=False`. No sample at all (refused, timed
  out, or no TLS there) means no round trip and `SERVER_UNREACHABLE`. (`media_path.py`.)
- Join: `command_status(command_id)` every `poll_interval_s` until `join_timeout_s` after the
  request. Blink's command moves through stages (`rest`, `cs_db`, `cs_sent`, `sm`, `dev`, `is`,
  `lv`, `vs`, as the stage time stamps of a published failed live view show); that failed one
  stopped at `dev` (the device was told) with `state_condition` `error`, while an answer of a
  live view that streams shows `state_stage` `vs` with `running`. So the camera counts as joined
  when the command is at `lv` (live-view relay) or `vs` (video stream) and still `new` or
  `running`. A `status_code` other than 908 (523 is "Live view failed"), a condition such as
  `error`, `failed` or `done` before joining, an error status of the poll itself, or the time
  limit: not joined. `camera_joined_s` is the midpoint between the last poll that saw "not yet"
  (or the live-view answer) and the first that saw "joined" (a poll's moment being the middle of
  its round trip),
  counted from sending the live-view request; its error is at most half the poll interval.
- Outcome: `REFUSED`/`RATE_LIMITED` first, then `SERVER_UNREACHABLE`, then `CAMERA_NOT_JOINED`,
  else `OK`. The result keeps every figure it got either way.
- Once accepted, `command_done` is always called at the end (errors of that call are ignored):
  the app's way to end the session. Errors of the other API calls propagate.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import math
import ssl
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Literal, Protocol
from urllib.parse import urlsplit

from .media_path import measure_media

RATE_LIMITED_STATUS: Final = 429
COMMAND_OK: Final = 908
MEDIA_SCHEME: Final = "immis"
DEFAULT_MEDIA_PORT: Final = 443
JOINED_STAGES: Final = frozenset({"lv", "vs"})
ACTIVE_CONDITIONS: Final = frozenset({"new", "running"})

type _JoinState = Literal["joined", "waiting", "failed"]


class TalkOutcome(StrEnum):
    """What the talk path test found, most decisive first."""

    OK = "ok"
    CAMERA_NOT_JOINED = "camera_not_joined"
    SERVER_UNREACHABLE = "server_unreachable"
    REFUSED = "refused"
    RATE_LIMITED = "rate_limited"


_FLOAT_FIELDS: Final = (
    "accepted_s",
    "camera_joined_s",
    "media_rtt_ms",
    "media_rtt_spread_ms",
)
_BOOL_FIELDS: Final = ("poor_connection", "media_tls_verified")


@dataclass(frozen=True, slots=True)
class TalkPathResult:
    """The figures of one talk path test.

    Attributes:
        outcome: What the test found.
        measured_at: When the test began (aware, UTC).
        accepted_s: Round trip of the live-view request; None when refused or rate limited.
        camera_joined_s: From sending the request until the camera joined; None = never.
        poor_connection: The live-view answer's `options.poor_connection`.
        media_server: The media server's host only (no port, path, connection or client id).
        media_rtt_ms: Median TLS handshake time to the media server.
        media_rtt_spread_ms: Largest minus smallest handshake time.
        media_tls_verified: Whether the media server's certificate verified (False: the
            handshake was timed but the certificate refused).
    """

    outcome: TalkOutcome
    measured_at: dt.datetime
    accepted_s: float | None
    camera_joined_s: float | None
    poor_connection: bool | None
    media_server: str | None
    media_rtt_ms: float | None
    media_rtt_spread_ms: float | None
    media_tls_verified: bool | None

    def as_dict(self) -> dict[str, Any]:
        """Return the result as JSON-safe data (service response, store)."""
        return {
            "outcome": self.outcome.value,
            "measured_at": self.measured_at.isoformat(),
            "accepted_s": self.accepted_s,
            "camera_joined_s": self.camera_joined_s,
            "poor_connection": self.poor_connection,
            "media_server": self.media_server,
            "media_rtt_ms": self.media_rtt_ms,
            "media_rtt_spread_ms": self.media_rtt_spread_ms,
            "media_tls_verified": self.media_tls_verified,
        }

    @classmethod
    def from_dict(cls, data: object) -> TalkPathResult | None:
        """Read `as_dict()` data back; None when anything is missing or of the wrong kind."""
        if not isinstance(data, Mapping):
            return None
        try:
            outcome = TalkOutcome(data["outcome"])
            measured_at = dt.datetime.fromisoformat(data["measured_at"])
            figures = {name: _figure(data[name]) for name in _FLOAT_FIELDS}
            flags = {name: _flag(data[name]) for name in _BOOL_FIELDS}
            server = data["media_server"]
        except KeyError, TypeError, ValueError:
            return None
        if measured_at.utcoffset() is None or not (server is None or isinstance(server, str)):
            return None
        return cls(
            outcome=outcome,
            measured_at=measured_at.astimezone(dt.UTC),
            accepted_s=figures["accepted_s"],
            camera_joined_s=figures["camera_joined_s"],
            poor_connection=flags["poor_connection"],
            media_server=server,
            media_rtt_ms=figures["media_rtt_ms"],
            media_rtt_spread_ms=figures["media_rtt_spread_ms"],
            media_tls_verified=flags["media_tls_verified"],
        )


def _figure(value: object) -> float | None:
    """A stored figure: None or a finite, non-negative number (bools are not numbers)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(value)
    return float(value)


def _flag(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise TypeError(value)


class TalkPathApi(Protocol):
    """The Blink calls the test makes; the integration implements them over Blink's session."""

    async def request_liveview(self) -> tuple[int, object]:
        """Ask Blink for a live view of the camera; return the HTTP status and JSON (or None)."""
        ...

    async def command_status(self, command_id: int) -> tuple[int, object]:
        """Read the command's status; return the HTTP status and JSON (or None)."""
        ...

    async def command_done(self, command_id: int) -> None:
        """End the live-view session (the app's way to stop it)."""
        ...


@dataclass(frozen=True, slots=True)
class _Accepted:
    """What the test needs from an accepted live-view answer."""

    command_id: int
    host: str
    port: int
    poor_connection: bool | None


def _accepted(status: int, body: object) -> _Accepted | None:
    """Read an accepted live-view answer; None when Blink refused it."""
    if not 200 <= status < 300 or not isinstance(body, Mapping):  # noqa: PLR2004 - HTTP 2xx
        return None
    command_id = body.get("command_id")
    server = body.get("server")
    if isinstance(command_id, bool) or not isinstance(command_id, int):
        return None
    if not isinstance(server, str):
        return None
    try:
        url = urlsplit(server)
        port = url.port or DEFAULT_MEDIA_PORT
    except ValueError:
        return None
    if url.scheme != MEDIA_SCHEME or not url.hostname:
        return None
    options = body.get("options")
    poor = options.get("poor_connection") if isinstance(options, Mapping) else None
    return _Accepted(
        command_id=command_id,
        host=url.hostname,
        port=port,
        poor_connection=poor if isinstance(poor, bool) else None,
    )


async def run_talk_path(  # noqa: PLR0913 - each knob is a documented option
    api: TalkPathApi,
    *,
    ssl_context: ssl.SSLContext,
    join_timeout_s: float = 30.0,
    poll_interval_s: float = 0.5,
    samples: int = 5,
    connect_timeout_s: float = 5.0,
) -> TalkPathResult:
    """Run one talk path test (see the module docstring for the rules).

    Args:
        api: The Blink calls for one camera.
        ssl_context: Client context for the media server's TLS handshake (verifying).
        join_timeout_s: How long to wait for the camera to join, from the request.
        poll_interval_s: Seconds between command-status polls.
        samples: TLS handshakes to the media server (at least 1).
        connect_timeout_s: Seconds allowed per connect plus handshake.

    Returns:
        The figures and the outcome.
    """
    measured_at = dt.datetime.now(dt.UTC)
    start = time.monotonic()
    status, body = await api.request_liveview()
    accepted_s = time.monotonic() - start
    accepted = _accepted(status, body)
    if accepted is None:
        outcome = TalkOutcome.RATE_LIMITED if status == RATE_LIMITED_STATUS else TalkOutcome.REFUSED
        return TalkPathResult(outcome, measured_at, None, None, None, None, None, None, None)
    media = asyncio.ensure_future(
        measure_media(
            accepted.host,
            accepted.port,
            ssl_context=ssl_context,
            samples=max(1, samples),
            connect_timeout_s=connect_timeout_s,
        )
    )
    joined = asyncio.ensure_future(
        _wait_for_join(
            api,
            accepted.command_id,
            start=start,
            not_yet_at=accepted_s,
            join_timeout_s=join_timeout_s,
            poll_interval_s=poll_interval_s,
        )
    )
    try:
        # The first error (an API call that failed) propagates as it is, not as a group.
        await asyncio.gather(media, joined)
    finally:
        for task in (media, joined):
            task.cancel()
        await asyncio.wait((media, joined))
        # Any failure of ending the session must not hide the figures or the original error.
        with contextlib.suppress(Exception):
            await api.command_done(accepted.command_id)
    rtts, verified = media.result()
    camera_joined_s = joined.result()
    if not rtts:
        outcome = TalkOutcome.SERVER_UNREACHABLE
    elif camera_joined_s is None:
        outcome = TalkOutcome.CAMERA_NOT_JOINED
    else:
        outcome = TalkOutcome.OK
    return TalkPathResult(
        outcome=outcome,
        measured_at=measured_at,
        accepted_s=round(accepted_s, 3),
        camera_joined_s=None if camera_joined_s is None else round(camera_joined_s, 3),
        poor_connection=accepted.poor_connection,
        media_server=accepted.host,
        media_rtt_ms=round(statistics.median(rtts), 2) if rtts else None,
        media_rtt_spread_ms=round(max(rtts) - min(rtts), 2) if rtts else None,
        media_tls_verified=verified,
    )


# --------------------------------------------------------------------------------------------
# Join


def _join_state(body: object, command_id: int) -> _JoinState:
    """Read one command-status answer: has the camera joined, not yet, or will it never?"""
    if not isinstance(body, Mapping):
        return "waiting"
    if body.get("status_code") != COMMAND_OK:
        return "failed"
    commands = body.get("commands")
    entries = commands if isinstance(commands, list) else []
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("id") == command_id:
            if entry.get("state_condition") not in ACTIVE_CONDITIONS:
                return "failed"
            return "joined" if entry.get("state_stage") in JOINED_STAGES else "waiting"
    return "waiting"


async def _wait_for_join(  # noqa: PLR0913 - the timing figures of one poll loop
    api: TalkPathApi,
    command_id: int,
    *,
    start: float,
    not_yet_at: float,
    join_timeout_s: float,
    poll_interval_s: float,
) -> float | None:
    """Poll until the camera joins; return the join time from `start`, None when it never did."""
    interval = max(poll_interval_s, 0.01)
    tick = 0
    while True:
        tick += 1
        # Polls on a fixed grid from the request, so slow answers do not stretch the interval.
        wake = start + tick * interval
        if wake - start > join_timeout_s:
            return None
        await asyncio.sleep(max(0.0, wake - time.monotonic()))
        sent = time.monotonic()
        status, body = await api.command_status(command_id)
        seen_at = (sent + time.monotonic()) / 2 - start
        state = _join_state(body, command_id) if 200 <= status < 300 else "failed"  # noqa: PLR2004
        if state == "failed":
            return None
        if state == "joined":
            return (not_yet_at + seen_at) / 2
        not_yet_at = seen_at
