"""The talk-path test against the simulator, in both modes: figures, findings, limits, costs.

blinkpy and our integration talk to the simulator over real HTTP; the media server is the
simulator's TLS listener, trusted through `talk_path.media_ssl_context` (the one thing patched,
the way the harness redirects blinkpy). The tests without a frozen clock run in real time (the
simulator's world clock is the monotonic clock), so joins and handshakes take their real time.
"""

from __future__ import annotations

import ssl
from datetime import timedelta
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.repairs import RepairsFlowManager, repairs_flow_manager
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor import talk_path, talk_tests
from custom_components.blink_audio_doctor.const import CONF_BLINK_ENTRY_ID, DOMAIN
from custom_components.blink_audio_doctor.doctor.talk_path import TalkOutcome, TalkPathResult
from custom_components.blink_audio_doctor.health import issue_id

from .power_helpers import DRIVEWAY, FRONT_DOOR, GARDEN, HALLWAY, our_entity, settle, stored, tick
from .test_diagnostics import download
from .test_entities import next_poll
from .test_health import diagnosis, healthy_start
from .test_network import reconfigure_options

LIVEVIEWS = ("camera_liveview", "owl_liveview", "doorbell_liveview")
SHIPPED_CONTEXT = talk_path.media_ssl_context  # before the tests make it trust the simulator


# The world clock is Home Assistant's: real time, or the frozen clock where a test freezes it.
SIM_FOLLOWS_HASS_CLOCK = True


@pytest.fixture(autouse=True)
def trust_the_media_server(blink_sim: SimServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Our client trusts the simulator's media certificate (verification stays on)."""
    monkeypatch.setattr(talk_path, "media_ssl_context", blink_sim.media_client_context)


@pytest.fixture(autouse=True)
def short_join_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """A camera that never joins is given up on after 4 s instead of 30 s (test time)."""
    monkeypatch.setattr(talk_tests, "JOIN_TIMEOUT_S", 4.0)


def camera_target(hass: HomeAssistant, serial: str) -> dict[str, Any]:
    entity_id = our_entity(hass, "binary_sensor", serial, "two_way_audio")
    assert entity_id is not None
    return {"entity_id": entity_id}


async def run_test(hass: HomeAssistant, serial: str) -> dict[str, Any]:
    """Run the action on one camera and return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        "test_talk_path",
        target=camera_target(hass, serial),
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    return response


def liveviews(sim: SimServer) -> int:
    counts = sim.world.endpoint_counts()
    return sum(counts.get(name, 0) for name in LIVEVIEWS)


def cause(hass: HomeAssistant, entry: ConfigEntry, serial: str) -> str:
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id(entry.entry_id, serial))
    assert issue is not None, "no repair issue"
    assert issue.translation_placeholders is not None
    return issue.translation_placeholders["cause"]


async def unhealthy_after_one(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """One failing evaluation is enough (the talk-path test counts as one)."""
    await reconfigure_options(hass, entry, unhealthy_after=1)
    await healthy_start(hass, entry)


# --- figures and findings, in real time ---------------------------------------------------


async def test_a_healthy_camera_is_ok_with_its_figures(
    hass: HomeAssistant, blink_sim: SimServer, any_entry: ConfigEntry
) -> None:
    await healthy_start(hass, any_entry)
    blink_sim.world.set_join_time(HALLWAY, 1.5)
    blink_sim.world.set_media(handshake_ms=40)
    tokens_before = blink_sim.world.endpoint_counts().get("oauth_token", 0)

    response = await run_test(hass, HALLWAY)

    assert response["outcome"] == "ok"
    assert response["name"] == "Hallway"
    assert 0 < response["accepted_s"] < 2
    assert response["camera_joined_s"] == pytest.approx(1.5, abs=0.6)
    assert response["poor_connection"] is False
    assert response["media_server"] == "127.0.0.1"  # the host only
    assert 38 <= response["media_rtt_ms"] < 140
    assert response["media_rtt_spread_ms"] >= 0
    assert response["media_tls_verified"] is True
    assert response["verdict"] == {"before": "healthy", "after": "healthy"}
    assert response["diagnosis"] == {"before": "ok", "after": "ok"}
    counts = blink_sim.world.endpoint_counts()
    assert counts["owl_liveview"] == 1
    assert counts["command_done"] == 1  # the live view was ended, as the app does
    assert 1 <= counts["command_status"] <= 4  # about one a second until the camera joined
    assert counts.get("oauth_token", 0) == tokens_before  # no token was renewed


async def test_a_poor_connection_is_a_finding_that_survives_a_restart(
    hass: HomeAssistant, blink_sim: SimServer, any_entry: ConfigEntry
) -> None:
    await unhealthy_after_one(hass, any_entry)
    blink_sim.world.set_join_time(DRIVEWAY, 0.5)
    blink_sim.world.set_poor_connection(DRIVEWAY, flag=True)

    response = await run_test(hass, DRIVEWAY)

    assert response["outcome"] == "ok"
    assert response["poor_connection"] is True
    assert response["verdict"] == {"before": "healthy", "after": "unhealthy"}
    assert response["diagnosis"] == {"before": "ok", "after": "poor_connection"}
    finding = response["findings"][0]
    assert (finding["code"], finding["fix"]) == ("poor_connection", "obstructions")
    await settle(hass)
    assert cause(hass, any_entry, DRIVEWAY) == (
        "Blink reported a poor connection when live view started."
    )

    # Stored: after a reload the result still counts, and nothing was asked of Blink again.
    await hass.config_entries.async_reload(any_entry.entry_id)
    await settle(hass)
    assert diagnosis(hass, DRIVEWAY) == "poor_connection"
    assert blink_sim.world.endpoint_counts()["owl_liveview"] == 1


async def test_a_camera_that_never_joins_is_slow_to_join(
    hass: HomeAssistant, blink_sim: SimServer, any_entry: ConfigEntry
) -> None:
    await unhealthy_after_one(hass, any_entry)
    blink_sim.world.set_never_joins(HALLWAY, flag=True)

    response = await run_test(hass, HALLWAY)

    assert response["outcome"] == "camera_not_joined"
    assert response["camera_joined_s"] is None
    assert response["media_rtt_ms"] is not None  # the media server was measured all the same
    assert response["diagnosis"]["after"] == "camera_slow_to_join"
    assert response["verdict"]["after"] == "unhealthy"
    await settle(hass)
    assert cause(hass, any_entry, HALLWAY) == (
        "The camera did not join a live view at all (it should join within 10 s)."
    )
    assert blink_sim.world.endpoint_counts()["command_done"] == 1


async def test_an_unreachable_media_server_is_a_finding(
    hass: HomeAssistant, blink_sim: SimServer, any_entry: ConfigEntry
) -> None:
    await unhealthy_after_one(hass, any_entry)
    blink_sim.world.set_join_time(HALLWAY, 0.5)
    blink_sim.world.set_media(reachable=False)

    response = await run_test(hass, HALLWAY)

    assert response["outcome"] == "server_unreachable"
    assert response["media_rtt_ms"] is None
    assert response["diagnosis"]["after"] == "media_server_unreachable"
    finding = response["findings"][0]
    assert (finding["measured"], finding["fix"]) == ("127.0.0.1", "internet_speed")
    await settle(hass)
    assert cause(hass, any_entry, HALLWAY) == (
        "Blink's media server 127.0.0.1, which live view and Talk go through, could not be reached."
    )


async def test_a_slow_media_server_is_a_high_round_trip(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    await unhealthy_after_one(hass, own_entry)
    blink_sim.world.set_join_time(HALLWAY, 0.5)
    blink_sim.world.set_media(handshake_ms=200)

    response = await run_test(hass, HALLWAY)

    assert response["outcome"] == "ok"
    assert response["media_rtt_ms"] >= 200
    assert response["diagnosis"]["after"] == "media_rtt_high"


async def test_linked_mode_never_renews_the_token_or_reloads_the_blink_entry(
    hass: HomeAssistant, blink_sim: SimServer, linked_entry: ConfigEntry
) -> None:
    blink_entry = hass.config_entries.async_get_entry(linked_entry.data[CONF_BLINK_ENTRY_ID])
    assert blink_entry is not None
    blink = blink_entry.runtime_data.api
    token = blink.auth.token
    blink_sim.world.set_join_time(HALLWAY, 0.5)
    # Blink refuses the token: the test is "refused", and the token stays as it was.
    blink_sim.world.inject_fault("owl_liveview", status=401, count=1)
    tokens_before = blink_sim.world.endpoint_counts().get("oauth_token", 0)

    refused = await run_test(hass, HALLWAY)

    assert refused["outcome"] == "refused"
    assert refused["accepted_s"] is None
    assert blink_entry.state is ConfigEntryState.LOADED
    assert blink_entry.runtime_data.api is blink  # not reloaded
    assert blink.auth.token == token
    assert blink_sim.world.endpoint_counts().get("oauth_token", 0) == tokens_before
    assert blink_sim.world.endpoint_counts().get("command_done", 0) == 0  # nothing to end
    # Nothing was measured, so nothing changed (and the result is not kept).
    assert refused["diagnosis"]["after"] == refused["diagnosis"]["before"]
    assert linked_entry.runtime_data.talk.result_for(HALLWAY) is None


async def test_a_sync_module_or_no_camera_is_refused(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(DOMAIN, "test_talk_path", {}, blocking=True)
    assert raised.value.translation_key == "no_camera_target"
    module = our_entity(hass, "binary_sensor", "G8T10000SM000001", "online")
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN, "test_talk_path", target={"entity_id": module}, blocking=True
        )
    assert raised.value.translation_key == "talk_path_not_a_camera"
    assert liveviews(blink_sim) == 0


# --- limits and costs, on the frozen clock ----------------------------------------------------


async def run_ticking(hass: HomeAssistant, freezer: FrozenDateTimeFactory, call: Any) -> Any:
    """Run a call that waits on time, letting simulated time pass a second at a time."""
    task = hass.async_create_task(call)
    for _ in range(60):
        await settle(hass)
        if task.done():
            break
        await tick(hass, freezer, 1)
    return task.result()


async def test_at_most_once_per_ten_minutes_per_camera(
    hass: HomeAssistant,
    blink_sim: SimServer,
    any_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    blink_sim.world.set_media(handshake_ms=0)
    await run_ticking(hass, freezer, run_test(hass, HALLWAY))
    assert liveviews(blink_sim) == 1
    freezer.tick(timedelta(minutes=9))

    # Through the ticking runner: a call that is not refused fails the test instead of hanging.
    with pytest.raises(ServiceValidationError) as raised:
        await run_ticking(hass, freezer, run_test(hass, HALLWAY))
    assert raised.value.translation_key == "talk_path_cooldown"
    assert "possible in about 1 minute" in str(raised.value)
    # The button goes through the same limit, and a reload does not reset it.
    await hass.config_entries.async_reload(any_entry.entry_id)
    await settle(hass)
    button = our_entity(hass, "button", HALLWAY, "test_talk_path")
    with pytest.raises(ServiceValidationError):
        await run_ticking(
            hass,
            freezer,
            hass.services.async_call("button", "press", {"entity_id": button}, blocking=True),
        )
    assert liveviews(blink_sim) == 1  # nothing more was asked of Blink

    freezer.tick(timedelta(minutes=1, seconds=30))
    await run_ticking(
        hass,
        freezer,
        hass.services.async_call("button", "press", {"entity_id": button}, blocking=True),
    )
    assert liveviews(blink_sim) == 2


async def test_at_most_six_an_hour_per_account(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    blink_sim.world.set_media(handshake_ms=0)
    for serial in (GARDEN, HALLWAY, FRONT_DOOR, DRIVEWAY):
        await run_ticking(hass, freezer, run_test(hass, serial))
    freezer.tick(timedelta(minutes=10))
    for serial in (GARDEN, HALLWAY):
        await run_ticking(hass, freezer, run_test(hass, serial))
    assert liveviews(blink_sim) == 6

    with pytest.raises(ServiceValidationError) as raised:  # its own ten minutes have passed
        await run_ticking(hass, freezer, run_test(hass, FRONT_DOOR))
    assert raised.value.translation_key == "talk_path_rate_limited"
    assert "6 talk-path tests an hour" in str(raised.value)
    assert liveviews(blink_sim) == 6

    freezer.tick(timedelta(minutes=50))  # an hour after the first test
    await run_ticking(hass, freezer, run_test(hass, FRONT_DOOR))
    assert liveviews(blink_sim) == 7


async def test_no_camera_is_tested_unless_asked(
    hass: HomeAssistant,
    blink_sim: SimServer,
    any_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await healthy_start(hass, any_entry)
    for _ in range(30):  # two and a half hours of polling
        await next_poll(hass, freezer)
    await hass.config_entries.async_reload(any_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    counts = blink_sim.world.endpoint_counts()
    assert liveviews(blink_sim) == 0, counts  # the battery cameras were never woken
    assert counts.get("command_status", 0) == 0


# --- the repair flow ----------------------------------------------------------------------


async def open_fix_flow(
    hass: HomeAssistant, entry: ConfigEntry, serial: str
) -> tuple[RepairsFlowManager, dict[str, Any]]:
    """Open the fix flow of a camera's "two-way audio likely broken" issue; its menu."""
    assert await async_setup_component(hass, "repairs", {})
    manager = repairs_flow_manager(hass)
    assert manager is not None
    menu = await manager.async_init(DOMAIN, data={"issue_id": issue_id(entry.entry_id, serial)})
    assert menu["type"] is FlowResultType.MENU
    return manager, dict(menu)


async def talk_test_in_flow(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    manager: RepairsFlowManager,
    flow_id: str,
) -> dict[str, Any]:
    """Start the talk-path step's test, let it run behind its progress step, fetch the result."""
    form = await manager.async_configure(flow_id, {"next_step_id": "test_talk_path"})
    assert form["type"] is FlowResultType.FORM
    assert "wakes the camera" in (await flow_text(hass, "step.test_talk_path.description"))
    progress = await manager.async_configure(flow_id, {"run_talk_path_now": True})
    assert progress["type"] is FlowResultType.SHOW_PROGRESS
    assert progress["progress_action"] == "talk_path_testing"
    for _ in range(60):
        if manager.async_get(flow_id)["step_id"] != "talk_path_testing":
            break
        await tick(hass, freezer, 1)
    return dict(await manager.async_configure(flow_id))


async def flow_text(hass: HomeAssistant, key: str) -> str:
    strings = await async_get_translations(hass, "en", "issues", [DOMAIN])
    return strings[f"component.{DOMAIN}.issues.camera_unhealthy.fix_flow.{key}"]


async def unhealthy_and_never_joining(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    entry: ConfigEntry,
    serial: str,
) -> None:
    """The camera unhealthy with a repair, then a talk-path test in which it never joins."""
    await unhealthy_after_one(hass, entry)
    blink_sim.world.set_media(handshake_ms=0)
    blink_sim.world.set_never_joins(serial, flag=True)
    await run_ticking(hass, freezer, run_test(hass, serial))
    await settle(hass)


async def test_the_repair_offers_the_test_first_for_a_mini_and_shows_its_result(
    hass: HomeAssistant,
    blink_sim: SimServer,
    any_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await unhealthy_and_never_joining(hass, blink_sim, freezer, any_entry, HALLWAY)

    # Blink reports no Wi-Fi for this Mini: the live view is the best measure, offered first.
    manager, menu = await open_fix_flow(hass, any_entry, HALLWAY)
    assert menu["menu_options"][0] == "test_talk_path"
    assert "did not join a live view" in menu["description_placeholders"]["findings"]
    freezer.tick(timedelta(minutes=10))  # the camera's own limit

    done = await talk_test_in_flow(hass, freezer, manager, menu["flow_id"])
    assert (done["type"], done["step_id"]) == (FlowResultType.MENU, "talk_path_done")
    figures = done["description_placeholders"]["figures"]
    assert "The camera did not join the live view." in figures
    assert "Blink's media server 127.0.0.1 set up a secure connection in" in figures
    assert "did not join a live view" in done["description_placeholders"]["findings"]
    assert liveviews(blink_sim) == 2

    # Fixed: the next test ends the repair with the figures.
    blink_sim.world.set_never_joins(HALLWAY, flag=False)
    blink_sim.world.set_join_time(HALLWAY, 2)
    freezer.tick(timedelta(minutes=10))
    await manager.async_configure(done["flow_id"], {"next_step_id": "init"})
    healthy = await talk_test_in_flow(hass, freezer, manager, done["flow_id"])
    assert healthy["type"] is FlowResultType.CREATE_ENTRY
    assert healthy["description"] == "talk_path_healthy"
    assert "The camera joined after" in healthy["description_placeholders"]["figures"]
    await settle(hass)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id(any_entry.entry_id, HALLWAY)) is None


async def test_with_the_signal_known_the_test_follows_the_measured_fixes(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await unhealthy_and_never_joining(hass, blink_sim, freezer, own_entry, GARDEN)

    manager, menu = await open_fix_flow(hass, own_entry, GARDEN)
    assert menu["menu_options"][:2] == ["obstructions", "test_talk_path"]

    # Within the camera's ten minutes the step says why it cannot run, and runs nothing.
    await manager.async_configure(menu["flow_id"], {"next_step_id": "test_talk_path"})
    refused: Any = await manager.async_configure(menu["flow_id"], {"run_talk_path_now": True})
    assert refused["errors"] == {"base": "action_failed"}
    assert "minutes" in refused["description_placeholders"]["result"]
    assert liveviews(blink_sim) == 1


async def test_a_result_taken_while_offline_goes_when_the_camera_is_back(
    hass: HomeAssistant, blink_sim: SimServer, any_entry: ConfigEntry
) -> None:
    await healthy_start(hass, any_entry)
    blink_sim.world.set_status(HALLWAY, online=False)
    await hass.services.async_call(
        DOMAIN, "run_diagnostics", target=camera_target(hass, HALLWAY), blocking=True
    )

    offline = await run_test(hass, HALLWAY)  # an offline camera's live view fails at once
    assert offline["outcome"] == "camera_not_joined"
    codes = [finding["code"] for finding in offline["findings"]]
    assert codes[:2] == ["camera_offline", "camera_slow_to_join"]

    blink_sim.world.set_status(HALLWAY, online=True)
    await hass.services.async_call(
        DOMAIN, "run_diagnostics", target=camera_target(hass, HALLWAY), blocking=True
    )
    await settle(hass)
    assert diagnosis(hass, HALLWAY) == "ok"  # it restarted: the old live view says nothing now
    assert any_entry.runtime_data.talk.result_for(HALLWAY) is None


async def test_a_live_view_blink_refuses_ends_on_a_step_that_says_so(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    await unhealthy_and_never_joining(hass, blink_sim, freezer, own_entry, HALLWAY)
    manager, menu = await open_fix_flow(hass, own_entry, HALLWAY)
    freezer.tick(timedelta(minutes=10))
    blink_sim.world.inject_fault("owl_liveview", status=429, count=1)

    failed = await talk_test_in_flow(hass, freezer, manager, menu["flow_id"])

    assert (failed["type"], failed["step_id"]) == (FlowResultType.MENU, "talk_path_failed")
    assert failed["description_placeholders"]["reason"] == (
        "Blink asked to slow down (too many requests), so nothing was measured. "
        "Try again in an hour."
    )
    # The earlier result still stands: nothing new was measured.
    assert "did not join a live view" in failed["description_placeholders"]["findings"]


async def test_the_shipped_context_verifies_and_refuses_a_certificate_it_does_not_trust(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    context = SHIPPED_CONTEXT()
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    monkeypatch.setattr(talk_path, "media_ssl_context", SHIPPED_CONTEXT)
    blink_sim.world.set_join_time(HALLWAY, 0.5)

    response = await run_test(hass, HALLWAY)

    # The simulator's certificate is its own: refused, though the handshake was still timed.
    assert response["media_tls_verified"] is False
    assert response["media_rtt_ms"] is not None


@pytest.mark.parametrize("fault", [{"malformed": True}, {"status": 500}])
async def test_a_broken_live_view_answer_is_refused(
    hass: HomeAssistant, blink_sim: SimServer, own_entry: ConfigEntry, fault: dict[str, Any]
) -> None:
    blink_sim.world.inject_fault("owl_liveview", count=1, **fault)

    response = await run_test(hass, HALLWAY)

    assert response["outcome"] == "refused"
    assert blink_sim.world.endpoint_counts().get("command_status", 0) == 0


def test_the_live_view_target_comes_from_the_homescreen_listing() -> None:
    homescreen = {
        "cameras": [{"serial": "A", "network_id": 1, "id": 2}, "junk", {"serial": "B"}],
        "owls": [{"serial": "C", "network_id": " 3 ", "id": 4}],
        "doorbells": None,
    }
    assert talk_path.liveview_target(homescreen, "A") == talk_path.LiveviewTarget(
        "cameras", "1", "2"
    )
    assert talk_path.liveview_target(homescreen, "C") == talk_path.LiveviewTarget("owls", "3", "4")
    assert talk_path.liveview_target(homescreen, "B") is None  # no ids to ask with
    assert talk_path.liveview_target(None, "A") is None


async def test_damaged_stored_results_are_dropped_and_the_rest_kept(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await healthy_start(hass, own_entry)
    assert await hass.config_entries.async_unload(own_entry.entry_id)
    poor = TalkPathResult(
        outcome=TalkOutcome.OK,
        measured_at=dt_util.utcnow() - timedelta(hours=1),
        accepted_s=0.3,
        camera_joined_s=2.0,
        poor_connection=True,
        media_server="127.0.0.1",
        media_rtt_ms=30.0,
        media_rtt_spread_ms=2.0,
        media_tls_verified=True,
    )
    stored(
        hass_storage,
        f"{DOMAIN}.{own_entry.entry_id}.talk_path",
        {
            "results": {HALLWAY: poor.as_dict(), GARDEN: {"outcome": "ok"}},
            "starts": [{"at": "yesterday"}, "junk"],
        },
    )

    assert await hass.config_entries.async_setup(own_entry.entry_id)
    await settle(hass)

    assert diagnosis(hass, HALLWAY) == "poor_connection"  # a result an hour old still counts
    assert diagnosis(hass, GARDEN) == "ok"
    assert "Dropping a damaged stored talk-path result" in caplog.text
    await run_test(hass, GARDEN)  # the damaged start times hold nothing back


async def test_the_diagnostics_download_holds_the_result_without_the_serial(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    blink_sim.world.set_join_time(HALLWAY, 0.5)
    await run_test(hass, HALLWAY)

    text, payload = await download(hass, hass_client, own_entry)

    assert HALLWAY not in text
    (result,) = payload["data"]["talk_path"]
    assert result["serial"].endswith(f"…{HALLWAY[-4:]})")
    assert (result["outcome"], result["media_server"]) == ("ok", "127.0.0.1")
