"""The talk path test (doctor/talk_path.py) over loopback.

Most cases run against the Blink cloud simulator on the real clock (liveview answer, command
status, TLS media listener with its handshake delay). Answers the simulator never gives (bodies
without a media server, odd command states, dropped connections) come from a small aiohttp
server in this file; a silent TLS peer from a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import math
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
from aiohttp import web

from blink_cloud_sim import ManualClock, SimServer, World
from blink_cloud_sim.media import MediaCertificate
from blink_cloud_sim.talk_client import SimTalkClient
from custom_components.blink_audio_doctor.doctor.talk_path import (
    TalkOutcome,
    TalkPathResult,
    run_talk_path,
)
from tests.unit.loopback import LOCAL, serve_app

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

MINI = "G8T30000MINI0001"  # the default scenario's Mini
GARDEN = "G8T20000OUT00001"  # its Outdoor camera
FAST = {"poll_interval_s": 0.05, "samples": 3}


@pytest.fixture(autouse=True)
def real_sockets(socket_enabled: None) -> None:
    """Use real sockets; the HA test plugin still allows connections to 127.0.0.1 only."""


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    """The default scenario on the real clock; media handshakes delayed 30 ms."""
    server = SimServer(World.from_scenario("default"))
    await server.start()
    server.world.set_media(handshake_ms=30)
    try:
        yield server
    finally:
        await server.stop()


def _calls(sim: SimServer) -> dict[str, int]:
    return sim.world.endpoint_counts()


# ------------------------------------------------------------------------------------------
# Against the simulator


async def test_a_healthy_camera_is_ok_with_every_figure(
    sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    sim.world.set_join_time(MINI, 0.4)
    before = dt.datetime.now(dt.UTC)
    result = await run_talk_path(
        SimTalkClient(sim, blink_session, MINI), ssl_context=sim.media_client_context(), **FAST
    )
    assert result.outcome is TalkOutcome.OK
    assert before <= result.measured_at <= dt.datetime.now(dt.UTC)
    assert result.accepted_s is not None
    assert 0 < result.accepted_s < 1
    assert result.camera_joined_s is not None
    # Polls every 50 ms: the midpoint is within 25 ms of the join, plus the answers' time.
    assert abs(result.camera_joined_s - 0.4) < 0.1
    assert result.poor_connection is False
    assert result.media_server == LOCAL
    assert result.media_rtt_ms is not None
    assert 30 <= result.media_rtt_ms < 60
    assert result.media_rtt_spread_ms is not None
    assert 0 <= result.media_rtt_spread_ms < 30
    assert result.media_tls_verified is True
    # One request, polls until joined, and the session ended once.
    counts = _calls(sim)
    assert counts["owl_liveview"] == 1
    assert counts["command_done"] == 1
    assert 5 <= counts["command_status"] <= 12


@pytest.mark.parametrize("serial", [GARDEN, MINI, "G8T40000DOOR0001"])
async def test_every_family_reports_its_poor_connection_flag(
    sim: SimServer, blink_session: aiohttp.ClientSession, serial: str
) -> None:
    sim.world.set_join_time(serial, 0)
    sim.world.set_poor_connection(serial, flag=True)
    result = await run_talk_path(
        SimTalkClient(sim, blink_session, serial), ssl_context=sim.media_client_context(), **FAST
    )
    assert result.outcome is TalkOutcome.OK
    assert result.poor_connection is True


async def test_the_media_server_is_kept_as_its_host_only(
    sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    sim.world.set_join_time(MINI, 0)
    client = SimTalkClient(sim, blink_session, MINI)
    _, answer = await client.request_liveview()
    assert isinstance(answer, dict)
    assert answer["server"].startswith(f"immis://{LOCAL}:{sim.media_port}/")
    result = await run_talk_path(client, ssl_context=sim.media_client_context(), **FAST)
    assert result.media_server == LOCAL
    stored = json.dumps(result.as_dict())
    assert str(sim.media_port) not in stored
    assert "client_id" not in stored
    assert MINI not in stored
    assert "IMDS" not in stored


@pytest.mark.parametrize(
    ("fault", "outcome"),
    [
        ({"status": 429}, TalkOutcome.RATE_LIMITED),
        ({"status": 500}, TalkOutcome.REFUSED),
        ({"status": 503}, TalkOutcome.REFUSED),
        ({"status": 403}, TalkOutcome.REFUSED),
        ({"malformed": True}, TalkOutcome.REFUSED),
    ],
    ids=["429", "500", "503", "403", "junk-body"],
)
async def test_a_refused_request_measures_nothing_else(
    sim: SimServer,
    blink_session: aiohttp.ClientSession,
    fault: dict[str, Any],
    outcome: TalkOutcome,
) -> None:
    sim.world.inject_fault("owl_liveview", count=1, **fault)
    result = await run_talk_path(
        SimTalkClient(sim, blink_session, MINI), ssl_context=sim.media_client_context(), **FAST
    )
    assert result.outcome is outcome
    assert result.accepted_s is None
    assert result.camera_joined_s is None
    assert result.poor_connection is None
    assert result.media_server is None
    assert result.media_rtt_ms is None
    assert result.media_rtt_spread_ms is None
    assert result.media_tls_verified is None
    # No session was opened, so none is ended and no status is read.
    counts = _calls(sim)
    assert counts["owl_liveview"] == 1
    assert "command_status" not in counts
    assert "command_done" not in counts


async def test_a_camera_that_never_joins_times_out_with_the_media_figures_kept(
    sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    sim.world.set_never_joins(MINI, flag=True)
    started = time.monotonic()
    result = await run_talk_path(
        SimTalkClient(sim, blink_session, MINI),
        ssl_context=sim.media_client_context(),
        join_timeout_s=0.5,
        **FAST,
    )
    assert 0.5 <= time.monotonic() - started < 2
    assert result.outcome is TalkOutcome.CAMERA_NOT_JOINED
    assert result.camera_joined_s is None
    assert result.media_rtt_ms is not None
    assert result.media_tls_verified is True
    assert _calls(sim)["command_done"] == 1


async def test_the_live_view_failed_answer_ends_the_wait_at_once(
    blink_session: aiohttp.ClientSession,
) -> None:
    """A never-joining camera's command fails with 523 after 30 s of world time."""
    clock = ManualClock()
    async with SimServer(World.from_scenario("default", clock=clock)) as sim:
        sim.world.set_never_joins(MINI, flag=True)
        task = asyncio.create_task(
            run_talk_path(
                SimTalkClient(sim, blink_session, MINI),
                ssl_context=sim.media_client_context(),
                join_timeout_s=20,
                **FAST,
            )
        )
        await asyncio.sleep(0.2)  # a few polls that see "not yet"
        assert sim.world.endpoint_counts()["command_status"] >= 2
        started = time.monotonic()
        clock.advance(31)
        result = await asyncio.wait_for(task, 5)
        assert time.monotonic() - started < 1
    assert result.outcome is TalkOutcome.CAMERA_NOT_JOINED
    assert result.camera_joined_s is None


async def test_an_offline_camera_fails_without_waiting(
    sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    sim.world.set_status(MINI, online=False)
    started = time.monotonic()
    result = await run_talk_path(
        SimTalkClient(sim, blink_session, MINI), ssl_context=sim.media_client_context(), **FAST
    )
    assert time.monotonic() - started < 2
    assert result.outcome is TalkOutcome.CAMERA_NOT_JOINED


async def test_an_unreachable_media_server_is_reported_with_the_join_kept(
    sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    sim.world.set_join_time(MINI, 0.2)
    sim.world.set_media(reachable=False)
    result = await run_talk_path(
        SimTalkClient(sim, blink_session, MINI), ssl_context=sim.media_client_context(), **FAST
    )
    assert result.outcome is TalkOutcome.SERVER_UNREACHABLE
    assert result.media_server == LOCAL
    assert result.media_rtt_ms is None
    assert result.media_rtt_spread_ms is None
    assert result.media_tls_verified is None
    assert result.camera_joined_s is not None
    assert _calls(sim)["command_done"] == 1


async def test_unreachable_comes_before_a_camera_that_did_not_join(
    sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    sim.world.set_media(reachable=False)
    sim.world.set_status(MINI, online=False)
    result = await run_talk_path(
        SimTalkClient(sim, blink_session, MINI), ssl_context=sim.media_client_context(), **FAST
    )
    assert result.outcome is TalkOutcome.SERVER_UNREACHABLE
    assert result.camera_joined_s is None


async def test_a_media_server_that_never_handshakes_is_unreachable(
    sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    sim.world.set_join_time(MINI, 0)
    sim.world.set_media(handshake_ms=5000)
    started = time.monotonic()
    result = await run_talk_path(
        SimTalkClient(sim, blink_session, MINI),
        ssl_context=sim.media_client_context(),
        connect_timeout_s=0.2,
        poll_interval_s=0.05,
        samples=2,
    )
    assert time.monotonic() - started < 2
    assert result.outcome is TalkOutcome.SERVER_UNREACHABLE


async def test_an_untrusted_certificate_is_timed_but_not_verified(
    sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    sim.world.set_join_time(MINI, 0)
    # The system's authorities do not know the simulator's: verification fails.
    result = await run_talk_path(
        SimTalkClient(sim, blink_session, MINI), ssl_context=ssl.create_default_context(), **FAST
    )
    assert result.media_tls_verified is False
    assert result.media_rtt_ms is not None
    assert 30 <= result.media_rtt_ms < 60
    assert result.outcome is TalkOutcome.OK


async def test_the_session_is_ended_even_when_ending_it_fails(
    sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    sim.world.set_join_time(MINI, 0)
    sim.world.inject_fault("command_done", status=500, count=1)
    result = await run_talk_path(
        SimTalkClient(sim, blink_session, MINI), ssl_context=sim.media_client_context(), **FAST
    )
    assert result.outcome is TalkOutcome.OK
    assert _calls(sim)["command_done"] == 1


# ------------------------------------------------------------------------------------------
# Answers the simulator does not give: a small Blink stand-in


DROP = "drop"


@dataclass
class Canned:
    """What the stand-in answers: the liveview (status, body) and the status answers in turn."""

    liveview: tuple[int, object]
    statuses: list[tuple[int, object] | str] = field(default_factory=list)
    drop_done: bool = False
    calls: list[str] = field(default_factory=list)


class StandInApi:
    """The three calls over HTTP to the stand-in."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base

    async def _read(self, response: aiohttp.ClientResponse) -> tuple[int, object]:
        text = await response.text()
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, None

    async def request_liveview(self) -> tuple[int, object]:
        async with self.session.post(f"{self.base}/liveview") as response:
            return await self._read(response)

    async def command_status(self, command_id: int) -> tuple[int, object]:
        async with self.session.get(f"{self.base}/command/{command_id}") as response:
            return await self._read(response)

    async def command_done(self, command_id: int) -> None:
        async with self.session.post(f"{self.base}/command/{command_id}/done") as response:
            response.raise_for_status()


def _reply(status: int, body: object) -> web.Response:
    text = body if isinstance(body, str) else json.dumps(body)
    return web.Response(status=status, text=text, content_type="application/json")


@contextlib.asynccontextmanager
async def stand_in(canned: Canned) -> AsyncIterator[str]:
    async def liveview(_request: web.Request) -> web.Response:
        canned.calls.append("liveview")
        return _reply(*canned.liveview)

    async def status(request: web.Request) -> web.Response:
        canned.calls.append("status")
        answer = canned.statuses.pop(0) if len(canned.statuses) > 1 else canned.statuses[0]
        if answer == DROP:
            assert request.transport is not None
            request.transport.abort()
            raise web.HTTPInternalServerError
        assert not isinstance(answer, str)
        return _reply(*answer)

    async def done(request: web.Request) -> web.Response:
        canned.calls.append("done")
        if canned.drop_done:
            assert request.transport is not None
            request.transport.abort()
            raise web.HTTPInternalServerError
        return _reply(200, {"code": 902})

    app = web.Application()
    app.router.add_post("/liveview", liveview)
    app.router.add_get("/command/{id}", status)
    app.router.add_post("/command/{id}/done", done)
    async with serve_app(app) as base:
        yield base


def _answer(server: object = "immis://127.0.0.1:1/x__IMDS_S?client_id=1", **extra: Any) -> dict:
    return {"command_id": 77, "server": server, "options": {"poor_connection": False}, **extra}


def _status(stage: str, condition: str = "running", code: int = 908, cid: int = 77) -> dict:
    return {
        "status_code": code,
        "commands": [{"id": cid, "state_stage": stage, "state_condition": condition}],
    }


async def _run(canned: Canned, **kwargs: Any) -> TalkPathResult:
    options = {**FAST, "join_timeout_s": 2.0, "connect_timeout_s": 0.5, **kwargs}
    async with aiohttp.ClientSession() as blink_session, stand_in(canned) as base:
        return await run_talk_path(
            StandInApi(blink_session, base), ssl_context=ssl.create_default_context(), **options
        )


@pytest.mark.parametrize(
    "body",
    [
        {"server": "immis://127.0.0.1:443/x"},
        _answer(command_id="77"),
        _answer(command_id=True),
        _answer(server=None),
        _answer(server=443),
        _answer(server="rtsps://127.0.0.1:443/x"),
        _answer(server="immis:///no-host"),
        _answer(server="immis://127.0.0.1:99999/x"),
        [1, 2],
        "not json",
    ],
    ids=[
        "no-command-id",
        "command-id-text",
        "command-id-bool",
        "no-server",
        "server-number",
        "other-scheme",
        "no-host",
        "bad-port",
        "a-list",
        "junk",
    ],
)
async def test_an_answer_without_a_usable_session_is_refused(body: object) -> None:
    canned = Canned(liveview=(200, body), statuses=[(200, _status("vs"))])
    result = await _run(canned)
    assert result.outcome is TalkOutcome.REFUSED
    assert canned.calls == ["liveview"]


async def test_a_media_server_that_is_not_tls_counts_as_unreachable(sim: SimServer) -> None:
    """The simulator's plain TCP port accepts and closes: no handshake, no sample."""
    server = f"immis://{LOCAL}:{sim.tcp_port}/x__IMDS_S?client_id=1"
    canned = Canned(liveview=(200, _answer(server)), statuses=[(200, _status("vs"))])
    result = await _run(canned)
    assert result.outcome is TalkOutcome.SERVER_UNREACHABLE
    assert result.camera_joined_s is not None


async def test_options_that_are_not_a_flag_leave_poor_connection_unknown(sim: SimServer) -> None:
    server = f"immis://{LOCAL}:{sim.media_port}/x"
    for options in ({"poor_connection": "yes"}, "none"):
        canned = Canned(
            liveview=(200, _answer(server, options=options)), statuses=[(200, _status("vs"))]
        )
        result = await _run(canned)
        assert result.poor_connection is None
        assert result.media_tls_verified is False


@pytest.mark.parametrize(
    ("statuses", "joined"),
    [
        ([(200, _status("dev")), (200, _status("lv"))], True),
        ([(200, _status("dev", "new")), (200, _status("vs", "new"))], True),
        ([(200, _status("dev")), (200, _status("dev", "error", 523))], False),
        ([(200, _status("dev")), (200, _status("dev", "done"))], False),
        ([(200, _status("dev")), (200, _status("dev", "failed"))], False),
        ([(200, {"commands": []})], False),
        ([(401, {"message": "Unauthorized"})], False),
        ([(200, None), (200, _status("vs"))], True),
        ([(200, {"status_code": 908, "commands": "x"}), (200, _status("vs"))], True),
        ([(200, _status("vs", cid=1)), (200, _status("vs"))], True),
        ([(200, {"status_code": 908, "commands": ["x"]}), (200, _status("vs"))], True),
    ],
    ids=[
        "lv-joins",
        "new-counts",
        "523-fails",
        "done-before-join",
        "failed",
        "no-status-code",
        "poll-refused",
        "junk-then-joined",
        "commands-not-a-list",
        "other-command-ignored",
        "entry-not-a-mapping",
    ],
)
async def test_the_command_status_decides_the_join(
    sim: SimServer, statuses: list[tuple[int, object] | str], *, joined: bool
) -> None:
    server = f"immis://{LOCAL}:{sim.media_port}/x"
    canned = Canned(liveview=(200, _answer(server)), statuses=statuses)
    started = time.monotonic()
    result = await _run(canned, join_timeout_s=10)
    assert (result.camera_joined_s is not None) is joined
    assert result.outcome is (TalkOutcome.OK if joined else TalkOutcome.CAMERA_NOT_JOINED)
    # A failure ends the wait at once rather than at the time limit.
    assert time.monotonic() - started < 3
    assert canned.calls[-1] == "done"
    assert canned.calls.count("done") == 1


async def test_the_join_is_placed_between_the_last_two_polls(sim: SimServer) -> None:
    server = f"immis://{LOCAL}:{sim.media_port}/x"
    statuses: list[tuple[int, object] | str] = [
        *[(200, _status("dev"))] * 3,
        (200, _status("vs")),
    ]
    canned = Canned(liveview=(200, _answer(server)), statuses=statuses)
    result = await _run(canned, poll_interval_s=0.2)
    # Not yet at polls 1-3 (0.2, 0.4, 0.6 s), joined at 0.8 s: midpoint 0.7 s.
    assert result.camera_joined_s is not None
    assert abs(result.camera_joined_s - 0.7) < 0.05


async def test_a_failing_status_call_still_ends_the_session(sim: SimServer) -> None:
    server = f"immis://{LOCAL}:{sim.media_port}/x"
    canned = Canned(liveview=(200, _answer(server)), statuses=[DROP])
    with pytest.raises(aiohttp.ClientError):
        await _run(canned)
    # (aiohttp may try the dropped GET a second time on a fresh connection.)
    assert canned.calls[0] == "liveview"
    assert "status" in canned.calls
    assert canned.calls[-1] == "done"
    assert canned.calls.count("done") == 1


async def test_an_error_while_ending_the_session_is_ignored(sim: SimServer) -> None:
    server = f"immis://{LOCAL}:{sim.media_port}/x"
    canned = Canned(liveview=(200, _answer(server)), statuses=[(200, _status("vs"))])
    canned.drop_done = True
    result = await _run(canned)
    assert result.outcome is TalkOutcome.OK
    assert canned.calls[-1] == "done"


async def test_a_tls_peer_that_never_says_goodbye_is_cut_off() -> None:
    """Each connection closes politely, but a silent peer is not waited for beyond a second."""
    certificate = MediaCertificate()
    server_context = certificate.server_context()
    listener = socket.create_server((LOCAL, 0))
    port = listener.getsockname()[1]
    done = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with server_context.wrap_socket(conn, server_side=True):  # handshake, then silence
            done.wait(5)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    canned = Canned(
        liveview=(200, _answer(f"immis://{LOCAL}:{port}/x")), statuses=[(200, _status("vs"))]
    )
    started = time.monotonic()
    try:
        async with aiohttp.ClientSession() as blink_session, stand_in(canned) as base:
            result = await run_talk_path(
                StandInApi(blink_session, base),
                ssl_context=certificate.client_context(),
                samples=1,
                poll_interval_s=0.05,
            )
    finally:
        done.set()
        thread.join(5)
        listener.close()
        certificate.remove()
    assert result.media_tls_verified is True
    assert 0.9 < time.monotonic() - started < 3


# ------------------------------------------------------------------------------------------
# Stored results


def _result(**changes: Any) -> TalkPathResult:
    values: dict[str, Any] = {
        "outcome": TalkOutcome.OK,
        "measured_at": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        "accepted_s": 0.41,
        "camera_joined_s": 2.25,
        "poor_connection": False,
        "media_server": "52.14.239.175",
        "media_rtt_ms": 48.5,
        "media_rtt_spread_ms": 3.25,
        "media_tls_verified": True,
    }
    return TalkPathResult(**(values | changes))


@pytest.mark.parametrize(
    "result",
    [
        _result(),
        _result(
            outcome=TalkOutcome.REFUSED,
            accepted_s=None,
            camera_joined_s=None,
            poor_connection=None,
            media_server=None,
            media_rtt_ms=None,
            media_rtt_spread_ms=None,
            media_tls_verified=None,
        ),
        _result(outcome=TalkOutcome.CAMERA_NOT_JOINED, camera_joined_s=None, accepted_s=0),
    ],
    ids=["ok", "refused", "not-joined"],
)
def test_a_result_survives_json(result: TalkPathResult) -> None:
    data = json.loads(json.dumps(result.as_dict()))
    assert TalkPathResult.from_dict(data) == result


def test_a_result_in_another_zone_is_read_as_utc() -> None:
    data = _result().as_dict() | {"measured_at": "2026-01-02T05:04:05+02:00"}
    restored = TalkPathResult.from_dict(data)
    assert restored is not None
    assert restored.measured_at == _result().measured_at
    assert restored.measured_at.tzinfo is dt.UTC


@pytest.mark.parametrize(
    "changes",
    [
        {"outcome": "great"},
        {"measured_at": "yesterday"},
        {"measured_at": "2026-01-02T03:04:05"},
        {"measured_at": 5},
        {"accepted_s": "0.4"},
        {"accepted_s": True},
        {"camera_joined_s": -1},
        {"media_rtt_ms": math.nan},
        {"media_rtt_spread_ms": math.inf},
        {"poor_connection": "no"},
        {"media_tls_verified": 1},
        {"media_server": 5},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_damaged_data_is_no_result(changes: dict[str, Any]) -> None:
    assert TalkPathResult.from_dict(_result().as_dict() | changes) is None


@pytest.mark.parametrize("data", [None, [], "ok", {"outcome": "ok"}])
def test_data_that_is_no_stored_result_is_none(data: object) -> None:
    assert TalkPathResult.from_dict(data) is None
