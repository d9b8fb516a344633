"""Snapshot parsing from real payload shapes, through real blinkpy camera objects."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Any

import pytest
from blinkpy.camera import BlinkCamera, BlinkCameraMini, BlinkDoorbell
from blinkpy.sync_module import BlinkOwl, BlinkSyncModule
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.blink_audio_doctor.doctor.model import (
    AccountSnapshot,
    CameraSnapshot,
    SyncModuleSnapshot,
)
from custom_components.blink_audio_doctor.doctor.snapshot import (
    snapshot_from_blink,
    snapshot_from_payloads,
)
from custom_components.blink_audio_doctor.doctor.values import MAX_BARS, MIN_DBM

from . import (
    NOW,
    SYNC_SERIAL,
    alpha_config,
    homescreen,
    liveview,
    owl_config,
    porch_config,
)


def fake_blink(screen: dict[str, Any]) -> SimpleNamespace:
    """The parts of blinkpy's ``Blink`` that its sync modules and our snapshot read."""
    return SimpleNamespace(
        auth=SimpleNamespace(region_id="u034", account_id=1000001),
        motion_interval=1,
        homescreen=screen,
        cameras={},
        sync={},
    )


def build_account(screen: dict[str, Any] | None = None) -> SimpleNamespace:
    """A blinkpy account as blinkpy would set it up from the homescreen and configs."""
    screen = homescreen() if screen is None else screen
    blink = fake_blink(screen)
    home = BlinkSyncModule(blink, "Home", "2000001", [])
    home.serial, home.status, home.sync_id = SYNC_SERIAL, "online", 3000001
    owl_entry = screen["owls"][0]
    workshop = BlinkOwl(blink, owl_entry["name"], str(owl_entry["network_id"]), owl_entry)
    blink.sync = {"Home": home, "Workshop": workshop}

    porch = BlinkCamera(home)
    inner = porch_config()["camera"][0]
    inner["signals"] = porch_config()["signals"]
    porch.extract_config_info(inner)
    alpha = BlinkCamera(home)
    alpha.extract_config_info(alpha_config())
    mini = BlinkCameraMini(workshop)
    mini.extract_config_info(owl_entry)
    bell = BlinkDoorbell(home)
    bell.extract_config_info(screen["doorbells"][0])
    blink.cameras = {cam.name: cam for cam in (porch, alpha, mini, bell)}
    return blink


def snap(blink: Any, **kwargs: Any) -> AccountSnapshot:
    return snapshot_from_blink(blink, now=NOW, **kwargs)


# --- blinkpy objects --------------------------------------------------------------------------


def test_account_from_blinkpy_objects() -> None:
    snapshot = snap(build_account())
    assert snapshot.taken_at == NOW
    assert (snapshot.account_id, snapshot.region) == ("1000001", "u034")
    assert set(snapshot.cameras) == {"B0000001", "B0000002", "G8T1940001731ABC", "DB000001"}
    assert snapshot.sync_modules == {
        SYNC_SERIAL: SyncModuleSnapshot(
            serial=SYNC_SERIAL,
            name="Blink SM",
            network_id="2000001",
            online=True,
            wifi_bars=3,
            last_heartbeat=datetime(2026, 11, 2, 11, 55, tzinfo=UTC),
        )
    }


def test_sync_module_camera_fields() -> None:
    porch = snap(build_account()).cameras["B0000002"]
    assert porch == CameraSnapshot(
        serial="B0000002",
        name="Porch",
        product_type="catalina",
        family="sync_module_camera",
        firmware="10.53",
        online=True,
        wifi_dbm=-63,
        wifi_bars=3,  # homescreen signals.wifi
        sync_link_bars=3,  # blinkpy's sync_signal_strength (config signals.lfr)
        battery_state="ok",
        temperature=8.3,  # 47 degrees F
        camera_id="4000002",
        network_id="2000001",
        sync_module_serial=SYNC_SERIAL,
        poor_connection=None,
        readings_at=dict.fromkeys(
            (
                "online",
                "wifi_dbm",
                "wifi_bars",
                "sync_link_bars",
                "battery_state",
                "temperature",
            ),
            NOW,
        ),
    )


def test_minus_255_dbm_is_unknown() -> None:
    alpha = snap(build_account()).cameras["B0000001"]
    assert alpha.wifi_dbm is None
    assert alpha.wifi_bars == 1
    assert alpha.battery_state == "low"
    assert alpha.product_type == "white"


def test_mini_without_signals_has_no_wifi_reading() -> None:
    workshop = snap(build_account()).cameras["G8T1940001731ABC"]
    assert workshop.family == "mini"
    assert workshop.wifi_bars is None
    assert workshop.wifi_dbm is None
    assert workshop.sync_link_bars is None
    assert workshop.firmware == "9.77"
    assert workshop.online is True  # homescreen status, not the pseudo sync module's
    assert workshop.sync_module_serial is None  # standalone network


def test_mini_wifi_bars_from_its_config_response() -> None:
    snapshot = snap(build_account(), configs={"G8T1940001731ABC": owl_config()})
    assert snapshot.cameras["G8T1940001731ABC"].wifi_bars == 5


def test_mini_pseudo_sync_module_is_not_a_sync_module() -> None:
    blink = build_account()
    pseudo = blink.sync["Workshop"]
    assert pseudo.status is True  # a bool: blinkpy's pseudo module
    assert pseudo.online is False  # the pitfall this parser avoids
    assert set(snap(blink).sync_modules) == {SYNC_SERIAL}


def test_doorbell_on_a_sync_network_is_attached_and_has_no_dbm() -> None:
    bell = snap(build_account()).cameras["DB000001"]
    assert bell.family == "doorbell"
    assert bell.sync_module_serial == SYNC_SERIAL
    assert bell.wifi_bars == 2
    assert bell.wifi_dbm is None
    assert bell.sync_link_bars is None
    assert bell.battery_state == "ok"


def test_homescreen_status_wins_over_camera_status() -> None:
    screen = homescreen()
    screen["cameras"][1]["status"] = "offline"
    assert snap(build_account(screen)).cameras["B0000002"].online is False


def test_camera_status_is_the_fallback() -> None:
    screen = homescreen()
    del screen["cameras"][1]["status"]
    blink = build_account(screen)
    assert snap(blink).cameras["B0000002"].online is True  # config status "done"
    blink.cameras["Porch"].status = "offline"
    assert snap(blink).cameras["B0000002"].online is False
    blink.cameras["Porch"].status = "rebooting"
    assert snap(blink).cameras["B0000002"].online is None


def test_sync_link_falls_back_to_homescreen_lfr() -> None:
    blink = build_account()
    porch = BlinkCamera(blink.sync["Home"])
    porch.extract_config_info(porch_config()["camera"][0])  # config without signals
    assert porch.sync_signal_strength is None
    blink.cameras["Porch"] = porch
    assert snap(blink).cameras["B0000002"].sync_link_bars == 4


def test_camera_matched_by_id_then_name() -> None:
    blink = build_account()
    porch = blink.cameras["Porch"]
    porch.serial = None
    assert snap(blink).cameras["B0000002"].wifi_bars == 3  # matched by id
    porch.camera_id = "unknown"
    assert snap(blink).cameras["B0000002"].wifi_bars == 3  # matched by name


def test_match_with_another_serial_is_rejected() -> None:
    blink = build_account()
    porch = blink.cameras["Porch"]
    porch.serial = "NEW00001"  # same name and id as a homescreen entry of another serial
    snapshot = snap(blink)
    # Not on the homescreen under its own serial: gone from the account (blinkpy keeps stale
    # objects of deleted cameras until the Blink integration reloads).
    assert "NEW00001" not in snapshot.cameras
    assert snapshot.cameras["B0000002"].wifi_bars == 3  # the homescreen device stays


def test_without_a_homescreen_blinkpy_cameras_are_kept() -> None:
    blink = build_account()
    blink.homescreen = None
    snapshot = snap(blink)
    assert snapshot.cameras["B0000002"].wifi_dbm == -63
    assert snapshot.cameras["B0000002"].wifi_bars is None  # bars come from the homescreen


def test_homescreen_devices_without_camera_objects_are_included() -> None:
    blink = build_account()
    del blink.cameras["Porch"]
    porch = snap(blink).cameras["B0000002"]
    assert porch.wifi_bars == 3
    assert porch.sync_link_bars == 4
    assert porch.wifi_dbm is None  # only the config endpoint has dBm


def test_camera_without_serial_anywhere_is_left_out() -> None:
    blink = fake_blink({})
    nameless = BlinkCamera(SimpleNamespace(network_id="1", name="x", serial=None))
    nameless.extract_config_info({"name": "Ghost", "id": 9})
    blink.cameras = {"Ghost": nameless}
    assert snap(blink).cameras == {}


def test_liveview_poor_connection() -> None:
    snapshot = snap(
        build_account(),
        liveview={"B0000002": liveview(poor=True), "4000001": liveview(poor=False)},
    )
    assert snapshot.cameras["B0000002"].poor_connection is True
    assert snapshot.cameras["B0000001"].poor_connection is False
    assert snapshot.cameras["DB000001"].poor_connection is None


def test_liveview_flag_may_be_a_bool() -> None:
    snapshot = snap(build_account(), liveview={"DB000001": True, "B0000001": "yes"})
    assert snapshot.cameras["DB000001"].poor_connection is True
    assert snapshot.cameras["B0000001"].poor_connection is None


def test_real_sync_module_known_only_to_blinkpy() -> None:
    screen = homescreen()
    del screen["sync_modules"]
    blink = build_account(screen)
    snapshot = snap(blink)
    assert snapshot.sync_modules == {
        SYNC_SERIAL: SyncModuleSnapshot(
            serial=SYNC_SERIAL, name="Home", network_id="2000001", online=True
        )
    }
    assert snapshot.cameras["B0000002"].sync_module_serial == SYNC_SERIAL


def test_camera_attached_through_its_sync_object() -> None:
    screen = homescreen()
    screen["sync_modules"][0]["network_id"] = None
    blink = build_account(screen)
    assert snap(blink).cameras["B0000002"].sync_module_serial == SYNC_SERIAL
    blink.cameras["Porch"].sync = SimpleNamespace(serial="ZZZ", network_id=None)
    assert snap(blink).cameras["B0000002"].sync_module_serial is None


def test_account_id_falls_back_to_the_blink_object() -> None:
    blink = build_account()
    blink.auth = None
    blink.account_id = 42
    snapshot = snap(blink)
    assert (snapshot.account_id, snapshot.region) == ("42", None)


def test_temperature_from_fahrenheit_when_no_celsius() -> None:
    blink = build_account()
    blink.cameras["Porch"].temperature = None
    assert snap(blink).cameras["B0000002"].temperature == round((63 - 32) * 5 / 9, 1)


class Exploding:
    """An object whose every attribute read raises."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # leave Python's and pytest's own probing alone
            raise AttributeError(name)
        raise RuntimeError(name)


class ExplodingMapping(dict[str, Any]):
    """A mapping whose reads raise."""

    def get(self, key: str, default: Any = None) -> Any:
        raise RuntimeError(key)


@pytest.mark.parametrize(
    "blink",
    [
        None,
        Exploding(),
        SimpleNamespace(cameras=[1, 2], sync="x", homescreen=[], auth=5),
        SimpleNamespace(cameras={"a": Exploding(), "b": None}, homescreen={"cameras": "x"}),
        SimpleNamespace(homescreen={"sync_modules": [None, {"serial": True}, {}]}),
        SimpleNamespace(homescreen=ExplodingMapping(cameras=[])),
        SimpleNamespace(homescreen={"owls": [ExplodingMapping(serial="x")]}),
    ],
)
def test_malformed_blink_objects_give_an_empty_snapshot(blink: Any) -> None:
    snapshot = snap(blink)
    assert snapshot.cameras == {}
    assert snapshot.sync_modules == {}
    assert snapshot.account_id is None


# --- raw payloads -----------------------------------------------------------------------------


def test_snapshot_from_payloads() -> None:
    snapshot = snapshot_from_payloads(
        homescreen(),
        {"4000002": porch_config(), "B0000001": alpha_config(), "198899": owl_config()},
        now=NOW,
        region="u034",
    )
    assert (snapshot.account_id, snapshot.region) == ("1000001", "u034")
    porch = snapshot.cameras["B0000002"]
    assert (porch.wifi_dbm, porch.wifi_bars, porch.sync_link_bars) == (-63, 3, 4)
    assert porch.temperature == round((63 - 32) * 5 / 9, 1)  # homescreen signals first
    assert snapshot.cameras["B0000001"].wifi_dbm is None
    assert snapshot.cameras["G8T1940001731ABC"].wifi_bars == 5
    assert snapshot.cameras["DB000001"].sync_module_serial == SYNC_SERIAL


def test_payload_config_supplies_what_the_homescreen_lacks() -> None:
    screen = homescreen()
    entry = screen["cameras"][1]
    for key in ("signals", "battery", "status", "fw_version", "type", "name", "network_id"):
        del entry[key]
    porch = snapshot_from_payloads(screen, {"B0000002": porch_config()}, now=NOW).cameras[
        "B0000002"
    ]
    assert (porch.product_type, porch.name, porch.firmware) == ("catalina", "Porch", "10.53")
    assert (porch.wifi_bars, porch.sync_link_bars, porch.wifi_dbm) == (3, 3, -63)
    assert (porch.online, porch.battery_state, porch.temperature) == (True, "ok", 8.3)
    assert porch.network_id == "2000001"


def test_payload_config_with_signals_inside_the_camera() -> None:
    screen = homescreen()
    del screen["cameras"][1]["signals"]
    config = porch_config()
    config["camera"][0]["signals"] = {"lfr": 1, "wifi": 2}
    porch = snapshot_from_payloads(screen, {"B0000002": config}, now=NOW).cameras["B0000002"]
    assert (porch.wifi_bars, porch.sync_link_bars) == (2, 1)


@pytest.mark.parametrize(
    ("celsius", "fahrenheit", "expected"),
    [
        (float("nan"), 50, 10.0),
        (None, 10**400, None),
        (float("inf"), float("nan"), None),
        (True, 50.0, 10.0),
        (21.5, 50, 21.5),
    ],
)
def test_temperature_values(celsius: Any, fahrenheit: Any, expected: float | None) -> None:
    camera = SimpleNamespace(serial="X1", temperature_c=celsius, temperature=fahrenheit)
    assert snap(SimpleNamespace(cameras={"x": camera})).cameras["X1"].temperature == expected


def test_payload_config_without_signals_keeps_its_own() -> None:
    screen = homescreen()
    del screen["cameras"][0]["signals"]
    alpha = snapshot_from_payloads(screen, {"B0000001": alpha_config()}, now=NOW).cameras[
        "B0000001"
    ]
    assert (alpha.wifi_bars, alpha.sync_link_bars) == (5, 5)
    assert alpha.temperature == round((63 - 32) * 5 / 9, 1)


def test_payload_camera_known_only_from_its_config() -> None:
    screen = {"cameras": [{"id": 4000002}]}
    config = porch_config()
    del config["signals"]
    config["camera"][0]["battery_state"] = "weird"
    porch = snapshot_from_payloads(screen, {"4000002": config}, now=NOW).cameras["B0000002"]
    assert porch.temperature == 8.3  # config temperature, degrees F
    assert porch.battery_state is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-02T11:55:00+00:00", datetime(2026, 11, 2, 11, 55, tzinfo=UTC)),
        ("2026-11-02T11:55:00Z", datetime(2026, 11, 2, 11, 55, tzinfo=UTC)),
        ("2026-11-02T11:55:00", datetime(2026, 11, 2, 11, 55, tzinfo=UTC)),
        ("2026-11-02T12:55:00+01:00", datetime(2026, 11, 2, 11, 55, tzinfo=UTC)),
        (1_793_620_500, datetime(2026, 11, 2, 11, 55, tzinfo=UTC)),
        ("yesterday", None),
        (10**20, None),
        (None, None),
        (True, None),
        ("0001-01-01T00:00:00+01:00", None),
    ],
)
def test_heartbeat_parsing(value: Any, expected: datetime | None) -> None:
    screen = {"sync_modules": [{"serial": "S1", "last_hb": value}]}
    assert snapshot_from_payloads(screen, now=NOW).sync_modules["S1"].last_heartbeat == expected


@pytest.mark.parametrize(
    ("status", "online"),
    [("online", True), ("offline", False), ("Online ", True), ("busy", None), (True, None)],
)
def test_sync_module_status(status: Any, online: bool | None) -> None:
    screen = {"sync_modules": [{"serial": "S1", "status": status}]}
    assert snapshot_from_payloads(screen, now=NOW).sync_modules["S1"].online is online


def test_duplicate_serials_keep_the_first() -> None:
    screen = {
        "sync_modules": [{"serial": "S1", "name": "a"}, {"serial": "S1", "name": "b"}],
        "owls": [{"serial": 7, "name": "a", "type": "owl"}, {"serial": "7", "name": "b"}],
    }
    snapshot = snapshot_from_payloads(screen, now=NOW)
    assert snapshot.sync_modules["S1"].name == "a"
    assert snapshot.cameras["7"].name == "a"


@pytest.mark.parametrize(
    ("section", "camera_type", "product_type", "family"),
    [
        ("owls", None, "superior", "floodlight"),
        ("owls", None, "hawk", "mini"),
        ("doorbells", None, "newbell", "doorbell"),
        ("cameras", None, "sedona", "sync_module_camera"),
        (None, "mini", "hawk", "mini"),
        (None, "doorbell", None, "doorbell"),
        (None, "", "sedona", None),
        (None, None, None, None),
    ],
)
def test_family(
    section: str | None, camera_type: str | None, product_type: str | None, family: str | None
) -> None:
    screen: dict[str, Any] = {}
    if section is not None:
        screen[section] = [{"serial": "X1", "type": product_type}]
    camera = SimpleNamespace(serial="X1", product_type=product_type, camera_type=camera_type)
    blink = SimpleNamespace(homescreen=screen, cameras={"x": camera})
    assert snap(blink).cameras["X1"].family == family


def test_blinkpy_wifi_strength_unit_comes_from_its_value() -> None:
    # blinkpy's wifi_strength held dBm (config endpoint) or bars (older firmware), by model.
    cameras = {
        "a": SimpleNamespace(serial="X1", product_type="owl", wifi_strength=-50),
        "b": SimpleNamespace(serial="X2", product_type="catalina", wifi_strength=4),
    }
    snapshot = snap(SimpleNamespace(cameras=cameras))
    assert (snapshot.cameras["X1"].wifi_dbm, snapshot.cameras["X1"].wifi_bars) == (-50, None)
    assert (snapshot.cameras["X2"].wifi_dbm, snapshot.cameras["X2"].wifi_bars) == (None, 4)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(-63, -63), (-63.0, -63), (-255, None), (0, None), (5, None), (-128, None), ("-63", None)],
)
def test_dbm_values(value: Any, expected: int | None) -> None:
    camera = SimpleNamespace(serial="X1", product_type="catalina", wifi_strength=value)
    assert snap(SimpleNamespace(cameras={"x": camera})).cameras["X1"].wifi_dbm == expected


def test_naive_and_junk_now() -> None:
    naive = NOW.replace(tzinfo=None)
    assert snapshot_from_payloads({}, now=naive).taken_at == NOW
    before = datetime.now(UTC)
    taken = snapshot_from_payloads({}, now="soon").taken_at  # type: ignore[arg-type]
    assert before <= taken <= datetime.now(UTC)
    other_zone = NOW.astimezone(timezone(timedelta(hours=2)))
    assert snapshot_from_payloads({}, now=other_zone).taken_at == NOW


def test_payload_input_is_not_modified() -> None:
    screen = homescreen()
    configs = {"4000002": porch_config()}
    before = copy.deepcopy((screen, configs))
    snapshot_from_payloads(screen, configs, now=NOW)
    assert (screen, configs) == before


# --- fuzzing ----------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=6),
    st.sampled_from(
        ["online", "offline", "done", "ok", "low", "owl", "catalina", "lotus", "-255", "A1"]
    ),
)
keys = st.sampled_from(
    [
        "serial", "id", "name", "type", "status", "signals", "wifi", "lfr", "temp", "battery",
        "network_id", "last_hb", "wifi_strength", "fw_version", "camera", "options",
        "poor_connection", "battery_state", "temperature", "account",
    ]
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(keys, st.text(max_size=3)), children, max_size=5),
    ),
    max_leaves=25,
)
sections = st.fixed_dictionaries(
    {},
    optional={
        "cameras": json_values,
        "owls": st.lists(json_values, max_size=3),
        "doorbells": st.lists(st.dictionaries(keys, json_values, max_size=6), max_size=3),
        "sync_modules": st.lists(st.dictionaries(keys, json_values, max_size=6), max_size=3),
        "account": json_values,
    },
)
homescreens = st.one_of(json_values, sections)
attributes = st.dictionaries(
    st.sampled_from(
        [
            "serial", "name", "product_type", "camera_type", "_version", "status",
            "wifi_strength", "sync_signal_strength", "battery_state", "temperature",
            "temperature_c", "camera_id", "network_id", "sync",
        ]
    ),
    json_values,
)  # fmt: skip
camera_objects = st.one_of(
    json_values, st.builds(lambda attrs: SimpleNamespace(**attrs), attributes)
)
blinks = st.builds(
    lambda screen, cameras, sync, auth: SimpleNamespace(
        homescreen=screen, cameras=cameras, sync=sync, auth=auth
    ),
    homescreens,
    st.one_of(json_values, st.dictionaries(st.text(max_size=3), camera_objects, max_size=4)),
    st.one_of(json_values, st.dictionaries(st.text(max_size=3), camera_objects, max_size=3)),
    st.one_of(json_values, st.builds(lambda a: SimpleNamespace(**a), st.dictionaries(
        st.sampled_from(["account_id", "region_id"]), json_values))),
)  # fmt: skip


def check_snapshot(snapshot: AccountSnapshot) -> None:
    assert isinstance(snapshot, AccountSnapshot)
    assert snapshot.taken_at.tzinfo is not None
    for serial, camera in snapshot.cameras.items():
        assert camera.serial == serial
        assert isinstance(serial, str)
        assert serial
        assert camera.wifi_bars is None or 0 <= camera.wifi_bars <= MAX_BARS
        assert camera.sync_link_bars is None or 0 <= camera.sync_link_bars <= MAX_BARS
        assert camera.wifi_dbm is None or MIN_DBM <= camera.wifi_dbm < 0
        assert camera.online in {None, True, False}
        assert camera.battery_state in {None, "ok", "low"}
        assert camera.poor_connection in {None, True, False}
        if camera.family != "sync_module_camera":
            assert camera.wifi_dbm is None
            assert camera.sync_link_bars is None
    for serial, module in snapshot.sync_modules.items():
        assert module.serial == serial
        assert module.last_heartbeat is None or module.last_heartbeat.tzinfo is UTC


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blinks, st.one_of(st.none(), json_values), st.one_of(st.none(), json_values))
def test_snapshot_from_blink_never_raises(blink: Any, configs: Any, lives: Any) -> None:
    check_snapshot(snapshot_from_blink(blink, now=NOW, configs=configs, liveview=lives))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(homescreens, json_values, json_values, json_values)
def test_snapshot_from_payloads_never_raises(
    screen: Any, configs: Any, account_id: Any, lives: Any
) -> None:
    check_snapshot(
        snapshot_from_payloads(
            screen, configs, now=NOW, account_id=account_id, region=account_id, liveview=lives
        )
    )
