"""The diagnosis on files: ``python -m custom_components.blink_audio_doctor.doctor diagnose``."""

from __future__ import annotations

import json
import runpy
import sys
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.blink_audio_doctor.doctor.cli import main
from custom_components.blink_audio_doctor.doctor.model import AccountSnapshot

from . import doorbell, mini, sync_camera, sync_module

if TYPE_CHECKING:
    from pathlib import Path

MODULE = "custom_components.blink_audio_doctor.doctor"
GOOD_NETWORK = "50,10,20,3,0"


def fresh_homescreen() -> dict[str, Any]:
    """A homescreen as Blink sends it now: no Wi-Fi on owls and doorbells, a live heartbeat."""
    now = datetime.now(UTC)
    sync = {"id": 3000001, "serial": "A0000001", "network_id": 2000001, "status": "online"}
    sync["last_hb"] = (now - timedelta(minutes=1)).isoformat()
    camera = {"id": 4000002, "serial": "B0000002", "type": "catalina", "network_id": 2000001}
    camera |= {"status": "done", "battery": "ok", "signals": {"lfr": 4, "wifi": 4}}
    owl = {"id": 198899, "serial": "G8T1940001731ABC", "type": "owl", "network_id": 2000003}
    bell = {"id": 333333, "serial": "DB0000TULIP1", "type": "tulip", "network_id": 2000004}
    orchid = {"id": 333334, "serial": "DB000ORCHID2", "type": "orchid", "network_id": 2000005}
    future = {"id": 198900, "serial": "G8T19FUTURE3", "type": "kestrel", "network_id": 2000006}
    for device in (owl, bell, orchid, future):
        device["status"] = "online"
    for device in (bell, orchid):
        device["battery"] = "ok"
    return {
        "account": {"id": 1000001},
        "sync_modules": [sync],
        "cameras": [camera],
        "owls": [owl, future],
        "doorbells": [bell, orchid],
    }


def write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, Any]]]:
    status = main(["diagnose", *args])
    lines = capsys.readouterr().out.splitlines()
    return status, [json.loads(line) for line in lines]


def by_serial(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {line["serial"]: line for line in lines}


def codes(line: dict[str, Any]) -> list[str]:
    return [finding["code"] for finding in line["findings"]]


def test_homescreen_with_a_doorbell_config_and_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    screen = write(tmp_path, "homescreen.json", fresh_homescreen())
    config = write(tmp_path, "bell.json", {"temp": 86, "wifi_rssi": -85, "battery_state": "ok"})
    status, lines = run_cli(
        capsys, screen, "--config", f"333333={config}", "--network", GOOD_NETWORK
    )
    assert status == 0
    report = by_serial(lines)
    assert set(report) == {"0002", "1ABC", "LIP1", "HID2", "URE3"}  # last 4 only
    assert report["0002"] | {"findings": []} == {
        "serial": "0002",
        "name": None,
        "model": "Blink Indoor / Outdoor (3rd gen)",
        "product_type": "catalina",
        "family": "sync_module_camera",
        "verdict": "healthy",
        "code": "ok",
        "findings": [],
    }
    # The doorbell's config reading, by camera id: -85 dBm is weak.
    tulip = report["LIP1"]
    assert (tulip["model"], tulip["verdict"], tulip["code"]) == (
        "Blink Video Doorbell (2nd gen)",
        "unhealthy",
        "weak_wifi",
    )
    assert tulip["findings"][0]["measured"] == -85
    assert tulip["findings"][0]["unit"] == "dBm"
    assert tulip["findings"][0]["read_at"] is not None
    # Without a config, Blink's homescreen gives no Wi-Fi: judged on the rest, and said so.
    for serial in ("1ABC", "HID2", "URE3"):
        assert report[serial]["verdict"] == "healthy"
        assert codes(report[serial]) == ["wifi_not_reported"]
    assert report["URE3"]["family"] == "mini"  # an invented type under owls


def test_config_by_serial_and_internet_not_measured_without_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    screen = write(tmp_path, "homescreen.json", fresh_homescreen())
    config = write(tmp_path, "owl.json", {"wifi": 4})
    status, lines = run_cli(capsys, screen, "--config", f"G8T1940001731ABC={config}")
    assert status == 0
    report = by_serial(lines)
    assert report["1ABC"]["verdict"] == "unknown"
    assert codes(report["1ABC"]) == ["missing_network"]  # its Wi-Fi came from the config
    assert all("missing_network" in codes(line) for line in lines)


def test_partial_network_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    screen = write(tmp_path, "homescreen.json", fresh_homescreen())
    status, lines = run_cli(capsys, screen, "--network", "0.5,10,,3,0")
    assert status == 0
    line = by_serial(lines)["0002"]
    assert (line["code"], codes(line)) == ("slow_download", ["slow_download", "missing_latency"])


def diagnostics_download(snapshot: AccountSnapshot, **network: Any) -> dict[str, Any]:
    """What Home Assistant saves for Blink Audio Doctor (serials masked, times as text)."""

    def mask(device: dict[str, Any]) -> dict[str, Any]:
        for key in ("serial", "sync_module_serial"):
            if isinstance(device.get(key), str):
                device[key] = "…" + device[key][-4:]
        return device

    data = asdict(snapshot)
    data.pop("account_id")
    data["cameras"] = [mask(camera) for camera in data["cameras"].values()]
    data["sync_modules"] = [mask(module) for module in data["sync_modules"].values()]
    body = {
        "entry": {"title": "**REDACTED**", "data": {}, "options": {"min_wifi_bars": 4}},
        "account": {"mode": "linked", "last_update_success": True, "snapshot": data},
        "network": network or None,
        "health": [],
    }
    text = json.dumps({"home_assistant": {"version": "2026.11.0"}, "data": body}, default=str)
    return json.loads(text)  # type: ignore[no-any-return]


def test_diagnostics_download_is_judged_as_it_was_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    read = taken - timedelta(minutes=10)
    snapshot = AccountSnapshot(
        cameras={
            "B0000002": sync_camera(wifi_bars=3, readings_at={"wifi_bars": read}),
            "G8T1940001731ABC": mini(wifi_bars=None),
            "DB000001": doorbell(wifi_bars=None, wifi_dbm=-60, battery_state="low"),
        },
        sync_modules={"A0000001": sync_module(last_heartbeat=taken - timedelta(minutes=5))},
        taken_at=taken,
    )
    figures = {"download_mbps": None, "upload_mbps": None, "latency_ms": 20.0}
    figures |= {"jitter_ms": 2.0, "packet_loss_pct": 0.0, "speed_tested_at": None}
    path = write(tmp_path, "diagnostics.json", diagnostics_download(snapshot, **figures))
    status, lines = run_cli(capsys, path)
    assert status == 0
    report = by_serial(lines)
    # The download's threshold of 4 bars applies; the reading keeps its time.
    porch = report["0002"]
    assert (porch["code"], porch["findings"][0]["measured"]) == ("weak_wifi", 3)
    assert porch["findings"][0]["read_at"] == read.isoformat()
    assert porch["findings"][0]["age_s"] == 600.0
    # No speed figure yet: as in Home Assistant, the speed checks are off.
    assert (report["1ABC"]["verdict"], codes(report["1ABC"])) == ("healthy", ["wifi_not_reported"])
    assert report["0001"]["code"] == "battery_low"
    # --network replaces the download's figures.
    status, lines = run_cli(capsys, path, "--network", "0.1,10,20,3,0")
    assert by_serial(lines)["1ABC"]["code"] == "slow_download"


def test_bare_diagnostics_without_data_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = {"entry": {}, "account": {"mode": "own", "snapshot": None}, "network": None}
    status = main(["diagnose", write(tmp_path, "diagnostics.json", body)])
    captured = capsys.readouterr()
    assert (status, captured.out) == (0, "")
    assert "no Blink data yet" in captured.err


def test_diagnostics_skip_devices_without_serial(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = {
        "taken_at": "2026-11-02T12:00:00+00:00",
        "cameras": [{"name": "no serial"}, "junk", {"serial": "…1ABC", "readings_at": "junk"}],
        "sync_modules": [{"serial": ""}, {"serial": "…0001", "last_hb": "junk"}],
    }
    body = {"entry": {"options": {"min_wifi_bars": "junk"}}, "account": {"snapshot": snapshot}}
    status, lines = run_cli(capsys, write(tmp_path, "diagnostics.json", body))
    assert status == 0
    assert [line["serial"] for line in lines] == ["1ABC"]
    assert lines[0]["family"] is None  # nothing said: judged as a sync-module camera
    assert lines[0]["model"] == "Blink camera"


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({}, ["missing.json"], "cannot read"),
        ({"in.json": "{not json"}, ["in.json"], "is not JSON"),
        ({"in.json": b"\xff\xfe\x00"}, ["in.json"], "is not JSON"),
        ({"in.json": [1, 2]}, ["in.json"], "is not a JSON object"),
        ({"in.json": {"hello": "world"}}, ["in.json"], "neither a Blink homescreen"),
        ({"in.json": {"owls": []}}, ["in.json", "--network", "1,2,3"], "five figures"),
        ({"in.json": {"owls": []}}, ["in.json", "--network", "1,x,3,4,5"], "not a number"),
        ({"in.json": {"owls": []}}, ["in.json", "--network", "1,-2,3,4,5"], "0 or more"),
        ({"in.json": {"owls": []}}, ["in.json", "--network", "1,nan,3,4,5"], "0 or more"),
        ({"in.json": {"owls": []}}, ["in.json", "--config", "just-a-file"], "DEVICE=FILE"),
        ({"in.json": {"owls": []}}, ["in.json", "--config", "=nothing"], "DEVICE=FILE"),
        ({"in.json": {"owls": []}, "c.json": [1]}, ["in.json", "--config", "X=c.json"], "object"),
        (
            {"in.json": {"account": {"snapshot": None}}, "c.json": {}},
            ["in.json", "--config", "X=c.json"],
            "--config goes with a homescreen",
        ),
        (
            {"in.json": {"account": {"snapshot": {"taken_at": "soon"}}}},
            ["in.json"],
            "no readable taken_at",
        ),
    ],
)
def test_unreadable_input_exits_2_with_a_message(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, Any],
    args: list[str],
    message: str,
) -> None:
    for name, content in files.items():
        if isinstance(content, bytes):
            (tmp_path / name).write_bytes(content)
        else:
            write(tmp_path, name, content)
    paths = [str(tmp_path / a) if a.endswith(".json") else a for a in args]
    paths = [p.replace("=c.json", f"={tmp_path / 'c.json'}") for p in paths]
    with pytest.raises(SystemExit) as exit_info:
        main(["diagnose", *paths])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_runs_as_a_module(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = write(tmp_path, "homescreen.json", fresh_homescreen())
    monkeypatch.setattr(sys, "argv", [MODULE, "diagnose", screen, "--network", GOOD_NETWORK])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_module(MODULE, run_name="__main__")
    assert exit_info.value.code == 0
    assert len(capsys.readouterr().out.splitlines()) == 5
