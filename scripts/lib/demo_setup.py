"""The demo's set-up over Home Assistant's REST API, as a person in the UI would do it.

Adds HA's Blink integration and Blink Audio Doctor through their config flows, sets the options
(the Mini's smart plug; the simulator as probe target) and waits for the scenario's verdicts.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TYPE_CHECKING, Any

import aiohttp
from hass_api import DemoError, HassApi

if TYPE_CHECKING:
    from pathlib import Path

    from blink_cloud_sim.server import SimServer

BLINK_EMAIL = "demo@example.com"
BLINK_PASSWORD = "demo-password"  # noqa: S105 - the simulator's demo account
BLINK_PIN = "123456"
MINI_SERIAL = "G8T30000MINIDEM1"
PLUG_ENTITY = "switch.living_room_plug"
# What "the demo is up" means: every camera in its scenario state (friendly name -> state).
SCENARIO_STATES = {
    "Front Door Two-way audio healthy": "on",
    "Backyard Two-way audio healthy": "off",
    "Living Room Two-way audio healthy": "off",
    "Living Room Online": "off",
    "Backyard Two-way audio diagnosis": "weak_wifi",
    "Living Room Two-way audio diagnosis": "camera_offline",
}
SETTLE_TIMEOUT = 90


def say(message: str) -> None:
    """One line on the console."""
    sys.stdout.write(f"[demo] {message}\n")
    sys.stdout.flush()


async def add_blink(api: HassApi) -> str:
    """HA's own Blink integration through its config flow: e-mail, password, then the PIN."""
    if not await api.entries("blink"):
        say("adding the Blink integration (config flow: e-mail, password, PIN)")
        await api.flow(
            "/api/config/config_entries/flow",
            "blink",
            [{"username": BLINK_EMAIL, "password": BLINK_PASSWORD}, {"pin": BLINK_PIN}],
        )
    return str((await api.wait_loaded("blink"))["entry_id"])


async def add_doctor(api: HassApi, blink_entry_id: str) -> str:
    """Blink Audio Doctor through its config flow, linked to HA's Blink entry."""
    if not await api.entries("blink_audio_doctor"):
        say("adding Blink Audio Doctor (config flow: link to the Blink integration)")
        await api.flow(
            "/api/config/config_entries/flow",
            "blink_audio_doctor",
            [{"next_step_id": "link"}, {"blink_entry_id": blink_entry_id}],
        )
    return str((await api.wait_loaded("blink_audio_doctor"))["entry_id"])


def _current(field: dict[str, Any]) -> Any:
    return field.get("description", {}).get("suggested_value", field.get("default"))


async def set_options(api: HassApi, entry_id: str, sim: SimServer) -> None:
    """The options flow: the Mini's plug, and the simulator as latency and speed-test target."""
    path = "/api/config/config_entries/options/flow"
    form = await api.request("POST", path, {"handler": entry_id})
    # The form is in sections ("expandable"): field name -> (its section or None, the field).
    placed = {
        inner["name"]: (field["name"], inner)
        for field in form["data_schema"]
        if field.get("type") == "expandable"
        for inner in field["schema"]
    } | {
        field["name"]: (None, field)
        for field in form["data_schema"]
        if field.get("type") != "expandable"
    }
    fields = {name: field for name, (_, field) in placed.items()}
    plug_fields = [name for name in fields if name.endswith(f"{MINI_SERIAL[-4:]})")]
    if not plug_fields:
        await api.request("DELETE", f"{path}/{form['flow_id']}")
        raise DemoError(f"the options offer no plug for the Living Room Mini: {list(fields)}")
    wanted = {
        plug_fields[0]: PLUG_ENTITY,
        "latency_host": "127.0.0.1",
        "latency_port": sim.tcp_port,
        "speed_test_url": sim.url,
    }
    if all(_current(fields[name]) == value for name, value in wanted.items()):
        await api.request("DELETE", f"{path}/{form['flow_id']}")
        return
    say("setting Blink Audio Doctor's options (Mini's smart plug, probe targets)")
    values = {
        name: _current(field) for name, field in fields.items() if _current(field) is not None
    }
    values.update(wanted)
    answer: dict[str, Any] = {}
    for name, value in values.items():
        section = placed[name][0]
        if section is None:
            answer[name] = value
        else:
            answer.setdefault(section, {})[name] = value
    result = await api.request("POST", f"{path}/{form['flow_id']}", answer)
    if result["type"] != "create_entry":
        raise DemoError(f"the options flow ended with {result}")


async def wait_for_scenario(api: HassApi) -> None:
    """Until every camera shows its scenario verdict."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        states = await api.states()
        wrong = {
            name: states.get(name)
            for name, want in SCENARIO_STATES.items()
            if states.get(name) != want
        }
        if not wrong:
            return
        if time.monotonic() > deadline:
            raise DemoError(f"the demo entities did not reach their scenario states: {wrong}")
        await asyncio.sleep(1)


async def set_up(base: str, sim: SimServer, proc: asyncio.subprocess.Process, log: Path) -> None:
    """Sign in, add both integrations and the options, wait for the scenario states."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        api = HassApi(session, base)
        await api.wait_until_up(proc, log)
        await api.sign_in()
        await api.wait_running()
        blink_entry_id = await add_blink(api)
        entry_id = await add_doctor(api, blink_entry_id)
        await set_options(api, entry_id, sim)
        await api.wait_loaded("blink_audio_doctor")
        say("waiting for the cameras' verdicts")
        await wait_for_scenario(api)
