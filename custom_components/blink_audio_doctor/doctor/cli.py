"""Run the diagnosis on files, without Home Assistant.

``python -m custom_components.blink_audio_doctor.doctor diagnose INPUT.json`` reads either

* a homescreen response (``/api/v3/accounts/{a}/homescreen``), with optional config responses
  (``--config DEVICE=FILE``, DEVICE a camera id or serial) and network figures
  (``--network DOWN,UP,LATENCY,JITTER,LOSS`` in Mbit/s, Mbit/s, ms, ms, %; an empty figure is
  not measured). Without ``--network`` the internet checks count as not measured. The data
  counts as read now.
* or a Blink Audio Doctor diagnostics download (as Home Assistant saves it, or its ``data``
  part): its snapshot is judged as it was when taken, with the network figures and thresholds
  the download holds (``--network`` replaces the figures; as in Home Assistant, the speed
  checks are off while no speed figure is known).

It prints one JSON line per camera: ``serial`` (its last 4 characters only), ``name``,
``model``, ``product_type``, ``family``, ``verdict``, ``code`` and ``findings``. Exit status
0 when the input was read, 2 with a message on standard error when it was not.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .capabilities import judged_capability
from .model import (
    AccountSnapshot,
    CameraSnapshot,
    DeviceConfigReading,
    NetworkMetrics,
    SyncModuleSnapshot,
    Thresholds,
)
from .rules import diagnose
from .snapshot import snapshot_from_payloads
from .values import get_key, parse_time

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

_DEVICE_SECTIONS = ("cameras", "owls", "doorbells", "sync_modules")
_NETWORK_FIELDS = ("download_mbps", "upload_mbps", "latency_ms", "jitter_ms", "packet_loss_pct")
# Options of a diagnostics download that are thresholds under the same name.
_THRESHOLD_OPTIONS = (
    "min_wifi_bars",
    "min_wifi_dbm",
    "min_sync_link_bars",
    "min_download_mbps",
    "min_upload_mbps",
    "max_latency_ms",
    "max_jitter_ms",
    "max_packet_loss_pct",
)
_SERIAL_SHOWN = 4


class InputError(Exception):
    """The input cannot be read; the message says why."""


def _load_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from err
    except (UnicodeDecodeError, ValueError) as err:
        raise InputError(f"{path} is not JSON: {err}") from err


def _figure(text: str, name: str) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"--network: {name} is not a number: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise InputError(f"--network: {name} must be a number of 0 or more: {text!r}")
    return value


def _network(text: str | None, now: datetime) -> NetworkMetrics | None:
    if text is None:
        return None
    parts = text.split(",")
    if len(parts) != len(_NETWORK_FIELDS):
        raise InputError("--network takes five figures: DOWN,UP,LATENCY,JITTER,LOSS")
    figures = {name: _figure(part, name) for name, part in zip(_NETWORK_FIELDS, parts, strict=True)}
    return NetworkMetrics(**figures, measured_at=now)


def _configs(pairs: Sequence[str]) -> dict[str, DeviceConfigReading | Mapping[str, Any]]:
    configs: dict[str, Any] = {}
    for pair in pairs:
        device, sep, path = pair.partition("=")
        if not sep or not device.strip() or not path:
            raise InputError(f"--config takes DEVICE=FILE, got {pair!r}")
        payload = _load_json(path)
        if not isinstance(payload, dict):
            raise InputError(f"{path} is not a JSON object")
        configs[device.strip()] = payload
    return configs


def _diagnostics_body(data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """Return our diagnostics dict, also from inside Home Assistant's ``data`` wrapper."""
    for body in (get_key(data, "data"), data):
        account = get_key(body, "account")
        if isinstance(account, dict) and "snapshot" in account:
            return body
    return None


def _known_fields(cls: type[Any], raw: object) -> dict[str, Any]:
    """The entries of ``raw`` that name a field of the dataclass ``cls``."""
    if not isinstance(raw, dict):
        return {}
    names = {f.name for f in fields(cls)}
    return {key: value for key, value in raw.items() if key in names}


def _camera(raw: object) -> CameraSnapshot | None:
    values = _known_fields(CameraSnapshot, raw)
    serial = values.get("serial")
    if not isinstance(serial, str) or not serial:
        return None
    readings = values.get("readings_at")
    times = readings.items() if isinstance(readings, dict) else ()
    values["readings_at"] = {k: t for k, v in times if (t := parse_time(v)) is not None}
    return CameraSnapshot(**values)


def _module(raw: object) -> SyncModuleSnapshot | None:
    values = _known_fields(SyncModuleSnapshot, raw)
    serial = values.get("serial")
    if not isinstance(serial, str) or not serial:
        return None
    values["last_heartbeat"] = parse_time(values.get("last_heartbeat"))
    return SyncModuleSnapshot(**values)


def _from_diagnostics(
    body: Mapping[str, Any],
) -> tuple[AccountSnapshot | None, NetworkMetrics | None, Thresholds]:
    raw = get_key(get_key(body, "account"), "snapshot")
    if raw is None:
        return None, None, Thresholds()  # downloaded before the first good update
    taken_at = parse_time(get_key(raw, "taken_at"))
    if not isinstance(raw, dict) or taken_at is None:
        raise InputError("the diagnostics snapshot has no readable taken_at")
    cameras = [c for c in map(_camera, _list(raw, "cameras")) if c is not None]
    modules = [m for m in map(_module, _list(raw, "sync_modules")) if m is not None]
    snapshot = AccountSnapshot(
        cameras={camera.serial: camera for camera in cameras},
        sync_modules={module.serial: module for module in modules},
        taken_at=taken_at,
    )
    figures = get_key(body, "network")
    network = None
    if isinstance(figures, dict):
        measured = {name: figures.get(name) for name in _NETWORK_FIELDS}
        network = NetworkMetrics(**measured, measured_at=parse_time(figures.get("measured_at")))
    options = get_key(get_key(body, "entry"), "options")
    chosen = {
        name: value
        for name in _THRESHOLD_OPTIONS
        if type(value := get_key(options, name)) in {int, float}
    }
    return snapshot, network, replace(Thresholds(), **chosen)


def _list(raw: object, key: str) -> list[Any]:
    value = get_key(raw, key)
    return value if isinstance(value, list) else []


def _line(snapshot: AccountSnapshot, camera: CameraSnapshot, network: Any, limits: Any) -> str:
    now = snapshot.taken_at
    module = snapshot.sync_module_for(camera)
    diagnosis = diagnose(camera, module, network, limits, now=now, data_taken_at=now)
    report = {
        "serial": camera.serial[-_SERIAL_SHOWN:],
        "name": camera.name,
        "model": judged_capability(camera).model,
        "product_type": camera.product_type,
        "family": camera.family,
        **diagnosis.to_dict(),
    }
    return json.dumps(report, ensure_ascii=False)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m custom_components.blink_audio_doctor.doctor",
        description="Judge Blink two-way audio from saved Blink payloads.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "diagnose", help="diagnose a homescreen response or a diagnostics download"
    )
    run.add_argument("input", help="HOMESCREEN.json or a Blink Audio Doctor DIAGNOSTICS.json")
    run.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="DEVICE=FILE",
        help="a device's config response; DEVICE is its camera id or serial (repeatable)",
    )
    run.add_argument(
        "--network",
        metavar="DOWN,UP,LATENCY,JITTER,LOSS",
        help="internet figures in Mbit/s, Mbit/s, ms, ms and %%",
    )
    return parser


def _fail(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    parser.exit(2, f"{parser.prog}: error: {message}\n")


def _read(
    args: argparse.Namespace, now: datetime
) -> tuple[AccountSnapshot | None, NetworkMetrics | None, Thresholds]:
    """Read the input files into a snapshot, network figures and thresholds."""
    data = _load_json(args.input)
    if not isinstance(data, dict):
        raise InputError(f"{args.input} is not a JSON object")
    body = _diagnostics_body(data)
    if body is not None:
        if args.config:
            raise InputError("--config goes with a homescreen response, not diagnostics")
        snapshot, network, limits = _from_diagnostics(body)
        if args.network is not None and snapshot is not None:
            network = _network(args.network, snapshot.taken_at)
        if network is None or (network.download_mbps is None and network.upload_mbps is None):
            # As in Home Assistant: before any speed test the speed checks are off.
            limits = replace(limits, min_download_mbps=None, min_upload_mbps=None)
        return snapshot, network, limits
    if not any(isinstance(data.get(section), list) for section in _DEVICE_SECTIONS):
        raise InputError(
            f"{args.input} is neither a Blink homescreen response nor a "
            "Blink Audio Doctor diagnostics download"
        )
    snapshot = snapshot_from_payloads(data, _configs(args.config), now=now)
    return snapshot, _network(args.network, now), Thresholds()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (argparse exits 2 on bad arguments)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        snapshot, network, limits = _read(args, datetime.now(UTC))
    except InputError as err:
        _fail(parser, str(err))
    if snapshot is None:
        sys.stderr.write("The diagnostics download holds no Blink data yet.\n")
        return 0
    for camera in snapshot.cameras.values():
        sys.stdout.write(_line(snapshot, camera, network, limits) + "\n")
    return 0
