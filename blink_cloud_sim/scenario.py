"""Scenarios: the YAML files a world is built from, and the checks on their values.

A scenario is a mapping with `accounts`, `networks`, `sync_modules`, `cameras` and optional
`faults`, `expires_in`, `require_cookies`, `tcp_close_delay`, `line` and `media` (see
`scenarios/*.yaml` and the README).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from .device_config import CONFIG_WIFI_FIELDS, DEFAULT_CONFIG_WIFI
from .media import MediaSettings
from .model import (
    TYPE_FAMILY,
    Account,
    Camera,
    Family,
    Network,
    SimError,
    SyncModule,
    TwoFactor,
)

SCENARIO_DIR = Path(__file__).parent / "scenarios"


def load_file(path: str | Path) -> dict[str, Any]:
    """Read a YAML scenario file."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        msg = f"{path}: a scenario must be a mapping"
        raise SimError(msg)
    return data


def scenario_path(name: str) -> Path:
    """Return the file of a shipped scenario name (e.g. `default`) or of a YAML file path."""
    path = Path(name)
    if path.suffix in {".yaml", ".yml"} and path.exists():
        return path
    shipped = SCENARIO_DIR / f"{name}.yaml"
    if not shipped.exists():
        known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml")))
        msg = f"unknown scenario {name!r} (shipped: {known})"
        raise SimError(msg)
    return shipped


def load_default() -> dict[str, Any]:
    """Read the shipped default scenario."""
    return load_file(SCENARIO_DIR / "default.yaml")


def accounts(data: dict[str, Any]) -> list[Account]:
    """Build the scenario's accounts; a scenario needs at least one."""
    built = [
        Account(
            email=str(a["email"]),
            password=str(a["password"]),
            account_id=int(a["account_id"]),
            client_id=int(a.get("client_id", a["account_id"] + 1)),
            user_id=int(a.get("user_id", a["account_id"] + 2)),
            tier=str(a.get("tier", a.get("region", "u034"))),
            two_factor=two_factor(a.get("two_factor", "none")),
            pin=str(a.get("pin", "123456")),
        )
        for a in data.get("accounts", [])
    ]
    if not built:
        msg = "a scenario needs at least one account"
        raise SimError(msg)
    return built


def networks(data: dict[str, Any], default_account: int) -> dict[int, Network]:
    """Build the scenario's networks by id (owned by `default_account` unless told)."""
    return {
        int(n["id"]): Network(
            network_id=int(n["id"]),
            name=str(n["name"]),
            account_id=int(n.get("account_id", default_account)),
            armed=bool(n.get("armed", False)),
            time_zone=str(n.get("time_zone", "Europe/London")),
        )
        for n in data.get("networks", [])
    }


def devices(
    data: dict[str, Any], known_networks: dict[int, Network]
) -> tuple[dict[str, SyncModule], dict[str, Camera]]:
    """Build the scenario's sync modules and cameras by serial; each must be in a network."""
    sync_modules: dict[str, SyncModule] = {}
    for s in data.get("sync_modules", []):
        module = _sync_module_from_spec(s)
        _check_network(known_networks, module.network_id, module.serial)
        sync_modules[module.serial] = module
    cameras: dict[str, Camera] = {}
    for c in data.get("cameras", []):
        camera = _camera_from_spec(c)
        _check_network(known_networks, camera.network_id, camera.serial)
        if camera.serial in cameras or camera.serial in sync_modules:
            msg = f"duplicate serial {camera.serial}"
            raise SimError(msg)
        cameras[camera.serial] = camera
    return sync_modules, cameras


def _check_network(known: dict[int, Network], network_id: int, serial: str) -> None:
    if network_id not in known:
        msg = f"{serial}: unknown network {network_id}"
        raise SimError(msg)


def _sync_module_from_spec(s: dict[str, Any]) -> SyncModule:
    return SyncModule(
        serial=str(s["serial"]),
        name=str(s.get("name", "Sync Module")),
        sync_id=int(s["id"]),
        network_id=int(s["network_id"]),
        type=str(s.get("type", "sm2")),
        online=status_flag(s.get("status", "online")),
        powered=bool(s.get("powered", True)),
        wifi_bars=_opt_int(s.get("wifi_bars", 4)),
        last_hb=s.get("last_hb"),
        fw_version=str(s.get("fw_version", "4.4.8")),
        boot_seconds=float(s.get("boot_seconds", 30)),
        local_storage_enabled=bool(s.get("local_storage_enabled", False)),
        local_storage_compatible=bool(
            s.get("local_storage_compatible", s.get("type", "sm2") == "sm2")
        ),
        local_storage_status=str(s.get("local_storage_status", "unavailable")),
    )


def _camera_from_spec(c: dict[str, Any]) -> Camera:
    ptype = str(c.get("type", "catalina"))
    family: Family = c.get("family") or TYPE_FAMILY.get(ptype, "camera")
    if family not in {"camera", "owl", "lotus"}:
        msg = f"{c.get('serial')}: unknown family {family!r}"
        raise SimError(msg)
    is_sync_camera = family == "camera"
    default_power = "plug" if family == "owl" else "battery"
    power_source = str(c.get("power", c.get("power_source", default_power)))
    if power_source not in {"plug", "battery"}:
        msg = f"{c.get('serial')}: power must be plug or battery"
        raise SimError(msg)
    return Camera(
        serial=str(c["serial"]),
        name=str(c["name"]),
        camera_id=int(c["id"]),
        network_id=int(c["network_id"]),
        type=ptype,
        family=family,
        online=status_flag(c.get("status", "online")),
        powered=bool(c.get("powered", True)),
        wifi_bars=_opt_int(c.get("wifi_bars", 4)),
        wifi_dbm=int(c.get("wifi_dbm", -55)),
        lfr_bars=_opt_int(c.get("lfr_bars", 5 if is_sync_camera else None)),
        lfr_dbm=_opt_int(c.get("lfr_dbm", -60 if is_sync_camera else None)),
        battery=c.get("battery", None if family == "owl" else "ok"),
        battery_level=_opt_int(c.get("battery_level", None if family == "owl" else 3)),
        battery_voltage=_opt_int(c.get("battery_voltage", 160 if is_sync_camera else None)),
        temperature=_opt_int(c.get("temperature", None if family == "owl" else 68)),
        fw_version=str(c.get("fw_version", c.get("fw", "10.53"))),
        poor_connection=bool(c.get("poor_connection", False)),
        boot_seconds=float(c.get("boot_seconds", 30)),
        power_source="plug" if power_source == "plug" else "battery",
        enabled=bool(c.get("enabled", True)),
        config_wifi=config_wifi(c.get("config_wifi", DEFAULT_CONFIG_WIFI[family]), c["serial"]),
        config_body=config_body(c.get("config_body"), c["serial"]),
        pan_tilt=bool(c.get("pan_tilt", False)),
        older_firmware=bool(c.get("older_firmware", False)),
        join_s=join_time(c.get("join_s", 2.0), c["serial"]),
        never_joins=bool(c.get("never_joins", False)),
    )


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def join_time(value: Any, serial: Any) -> float:
    """Check a camera's live-view join time (seconds, 0 or more)."""
    seconds = float(value)
    if not 0 <= seconds < float("inf"):
        msg = f"{serial}: join_s must be 0 or more seconds, not {value!r}"
        raise SimError(msg)
    return seconds


def media(spec: Any) -> MediaSettings:
    """Read the `media` block: `handshake_ms` (0 or more, default 20) and `reachable`."""
    if spec is None:
        return MediaSettings()
    if not isinstance(spec, dict):
        msg = "media must be a mapping (handshake_ms, reachable)"
        raise SimError(msg)
    unknown = set(spec) - {"handshake_ms", "reachable"}
    if unknown:
        msg = f"media: unknown keys {sorted(unknown)}"
        raise SimError(msg)
    handshake_ms = float(spec.get("handshake_ms", MediaSettings.handshake_ms))
    if not 0 <= handshake_ms < float("inf"):
        msg = f"media.handshake_ms must be 0 or more, not {spec['handshake_ms']!r}"
        raise SimError(msg)
    reachable = spec.get("reachable", True)
    if not isinstance(reachable, bool):
        msg = f"media.reachable must be true or false, not {reachable!r}"
        raise SimError(msg)
    return MediaSettings(handshake_ms=handshake_ms, reachable=reachable)


def two_factor(value: Any) -> TwoFactor:
    """Read a 2FA style: none, 412 or 202."""
    text = str(value).strip().lower()
    if text in {"none", "false", "off", "no", ""}:
        return "none"
    if text in {"412", "202"}:
        return "412" if text == "412" else "202"
    msg = f"two_factor must be none, 412 or 202, not {value!r}"
    raise SimError(msg)


def status_flag(value: Any) -> bool:
    """Read a device status (online/offline or a boolean)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"online", "done", "true"}:
        return True
    if text in {"offline", "false"}:
        return False
    msg = f"status must be online or offline, not {value!r}"
    raise SimError(msg)


def bars(value: int) -> int:
    """Check signal bars (0-5)."""
    bars = int(value)
    if not 0 <= bars <= 5:  # noqa: PLR2004
        msg = f"bars must be 0-5, not {value}"
        raise SimError(msg)
    return bars


def config_wifi(value: Any, serial: Any) -> str:
    """Check which Wi-Fi field a device config carries (see `CONFIG_WIFI_FIELDS`)."""
    text = str(value)
    if text not in CONFIG_WIFI_FIELDS:
        known = ", ".join(sorted(CONFIG_WIFI_FIELDS))
        msg = f"{serial}: config_wifi must be one of {known}, not {value!r}"
        raise SimError(msg)
    return text


def config_body(value: Any, serial: Any) -> dict[str, Any] | None:
    """Check a verbatim device config body (a mapping, copied) or None."""
    if value is None:
        return None
    if not isinstance(value, dict):
        msg = f"{serial}: config_body must be a mapping"
        raise SimError(msg)
    return copy.deepcopy(value)


def bench_scenario(
    num_cameras: int = 10,
    *,
    cameras_per_sync_module: int = 10,
    two_factor: TwoFactor = "none",
) -> dict[str, Any]:
    """Build a benchmark world: N sync-module cameras spread over sync modules.

    Each sync module has its own network with up to `cameras_per_sync_module` cameras.

    Args:
        num_cameras: How many sync-module cameras.
        cameras_per_sync_module: How many cameras share one sync module.
        two_factor: The account's 2FA style.

    Returns:
        The scenario (account `bench@example.com`, password `bench-password`, PIN 123456).
    """
    per = max(1, cameras_per_sync_module)
    num_modules = max(1, -(-num_cameras // per))
    account_id = 1000001
    return {
        "accounts": [
            {
                "email": "bench@example.com",
                "password": "bench-password",
                "two_factor": two_factor,
                "pin": "123456",
                "account_id": account_id,
                "client_id": 2000001,
                "user_id": 3000001,
                "tier": "u034",
            }
        ],
        "networks": [
            {"id": 4000001 + i, "name": f"Site {i + 1}", "account_id": account_id}
            for i in range(num_modules)
        ],
        "sync_modules": [
            {
                "serial": f"S{i + 1:07d}",
                "name": f"Sync Module {i + 1}",
                "id": 5000001 + i,
                "network_id": 4000001 + i,
                "wifi_bars": 4,
            }
            for i in range(num_modules)
        ],
        "cameras": [
            {
                "serial": f"C{i + 1:08d}",
                "name": f"Camera {i + 1}",
                "id": 6000001 + i,
                "network_id": 4000001 + i // per,
                "type": ("catalina", "xt2", "white", "xt")[i % 4],
                "wifi_bars": 1 + i % 5,
                "wifi_dbm": -45 - (i % 5) * 8,
                "lfr_bars": 5 - i % 3,
                "lfr_dbm": -55 - (i % 3) * 6,
            }
            for i in range(num_cameras)
        ],
    }
