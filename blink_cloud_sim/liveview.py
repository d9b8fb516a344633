"""Live views: the answer to a liveview request and the status of its `lv_relay` command.

Shapes follow published samples (tests/fixtures/real/liveview.json,
command_status_running.json, command_status_liveview_failed.json). The command moves through
Blink's stages (`rest`, `cs_db`, `cs_sent`, `sm`, `dev`, `is`, `lv`, `vs`) on the world clock:

- until the camera joins (`Camera.join_s` after the request): 908, `running`, stage `dev`;
- once joined: 908, `running`, stage `vs` (the video stream), as in the running sample;
- a camera that never joins (`never_joins`) stays at `dev` until `JOIN_TIMEOUT_S`, then the
  published failure: 523 "Live view failed", `state_condition` `error`, stage `dev`;
- an offline camera fails that way at once (the sync module cannot reach it);
- after `command_done`: complete, `done`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .model import iso

if TYPE_CHECKING:
    from .model import Account, Camera, Command

LIVEVIEW_COMMAND = "lv_relay"
JOIN_TIMEOUT_S = 30.0
CONTINUE_INTERVAL_S = 60
CONTINUE_WARNING_S = 10
COMMAND_OK = 908
LIVE_VIEW_FAILED = 523


def answer(cmd: Command, camera: Camera, account: Account, host: str, port: int) -> dict[str, Any]:
    """Return the liveview answer; `server` points at the simulator's TLS media listener."""
    connection = f"{camera.camera_id:x}{cmd.command_id:x}"[:16]
    return {
        "command_id": cmd.command_id,
        "join_available": True,
        "join_state": "available",
        "server": (
            f"immis://{host}:{port}/{connection}__IMDS_{camera.serial}"
            f"?client_id={account.client_id}"
        ),
        "duration": 300,
        "extended_duration": 5400,
        "continue_interval": CONTINUE_INTERVAL_S,
        "continue_warning": CONTINUE_WARNING_S,
        "polling_interval": 15,
        "submit_logs": True,
        "new_command": True,
        "media_id": None,
        "options": {"poor_connection": camera.poor_connection},
        "liveview_token": f"sim-{cmd.command_id}",
    }


def _stamp(cmd: Command, seconds: float | None) -> str | None:
    if seconds is None or cmd.created_wall is None:
        return None
    return iso(cmd.created_wall + dt.timedelta(seconds=seconds))


def command_status(cmd: Command, now: float) -> dict[str, Any]:
    """Return `GET /network/{n}/command/{id}` of a live view at world time `now`."""
    elapsed = now - cmd.created
    joins = cmd.ok and not cmd.never_joins
    joined = joins and elapsed >= cmd.join_s
    failed = not cmd.done and (not cmd.ok or (cmd.never_joins and elapsed >= JOIN_TIMEOUT_S))
    if cmd.done:
        condition, code, message = "done", COMMAND_OK, "Command succeeded"
    elif failed:
        condition, code, message = "error", LIVE_VIEW_FAILED, "Live view failed"
    else:
        condition, code, message = "running", COMMAND_OK, "Command in progress"
    stage_lv: float | None = None
    if joined:
        stage_lv = cmd.join_s
    elif failed:
        stage_lv = min(elapsed, JOIN_TIMEOUT_S) if cmd.ok else 0.0
    created = _stamp(cmd, 0.0)
    return {
        "complete": cmd.done or failed,
        "status": 1 if failed else 0,
        "status_msg": message,
        "status_code": code,
        "commands": [
            {
                "id": cmd.command_id,
                "created_at": created,
                "updated_at": _stamp(cmd, min(elapsed, JOIN_TIMEOUT_S)),
                "deleted_at": None,
                "execute_time": created,
                "command": cmd.kind,
                "state_stage": "vs" if joined else "dev",
                "stage_rest": created,
                "stage_cs_db": created,
                "stage_cs_sent": created,
                "stage_sm": created,
                "stage_dev": created,
                "stage_is": None,
                "stage_lv": _stamp(cmd, stage_lv),
                "stage_vs": _stamp(cmd, cmd.join_s) if joined else None,
                "state_condition": condition,
                "sm_ack": 1,
                "lfr_ack": 0,
                "sequence": cmd.command_id % 1000,
                "network_id": cmd.network_id,
            }
        ],
        "media_id": None,
    }
