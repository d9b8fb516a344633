"""The demo's ready-made automations from both blueprints, and a phone to notify.

After the set-up (`demo_setup.py`), as a person would in the UI:

1. A phone: the demo-only "Demo Phone" (config/custom_components/demo_phone, a stand-in for the
   Companion app, which cannot be set up here), added through its config flow. What the notify
   blueprint sends to it shows as a notification in Home Assistant.
2. One automation per blueprint, for the Living Room Mini (the demo's camera with a smart
   plug), over Home Assistant's automation config API. Saving under a fixed id makes a second
   run overwrite them instead of adding more.

An automation reacts to a change: the Mini is already unhealthy when they are created, so
neither fires for the outage the demo starts with. The power-cycle one waits 15 minutes of
unhealthy two-way audio (the blueprint's default) before it restarts the camera.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from demo_setup import say
from hass_api import DemoError, HassApi

CAMERA = "Living Room"
PHONE = "Demo Phone"  # config/custom_components/demo_phone
# Blueprint file (under blueprints/automation/) -> the automation's id and name.
AUTOMATIONS = {
    "blink_audio_doctor/notify_when_unhealthy.yaml": (
        "blink_audio_doctor_demo_notify",
        "Demo: notify when the Living Room turns unhealthy",
    ),
    "blink_audio_doctor/power_cycle_when_unhealthy.yaml": (
        "blink_audio_doctor_demo_power_cycle",
        "Demo: power-cycle the Living Room when it stays unhealthy",
    ),
}


async def _websocket(api: HassApi, message: dict[str, Any]) -> Any:
    """One command over Home Assistant's websocket API; its result."""
    async with api.session.ws_connect(f"{api.base}/api/websocket") as ws:
        await ws.receive_json()  # auth_required
        await ws.send_json({"type": "auth", "access_token": api.token})
        if (await ws.receive_json())["type"] != "auth_ok":
            raise DemoError("the websocket API refused the demo user's token")
        await ws.send_json({"id": 1, **message})
        answer = await ws.receive_json()
    if not answer.get("success"):
        raise DemoError(f"{message['type']}: {answer.get('error')}")
    return answer["result"]


async def _camera_id(api: HassApi, name: str) -> str:
    """The device that holds Blink Audio Doctor's sensors of the camera called `name`."""
    template = (
        "{{ integration_entities('blink_audio_doctor') | map('device_id') | reject('none')"
        f" | unique | select('is_device_attr', 'name', {name!r}) | first | default('') }}}}"
    )
    async with api.session.post(
        f"{api.base}/api/template",
        json={"template": template},
        headers={"Authorization": f"Bearer {api.token}"},
    ) as response:
        device_id = (await response.text()).strip()
    if response.status != 200 or not device_id:  # noqa: PLR2004
        raise DemoError(f"no {name} camera with Blink Audio Doctor's sensors: {device_id}")
    return device_id


async def _phone_id(api: HassApi) -> str:
    devices: list[dict[str, Any]] = await _websocket(api, {"type": "config/device_registry/list"})
    for device in devices:
        if device["name"] == PHONE and "demo_phone" in device["identifiers"][0]:
            return str(device["id"])
    raise DemoError(f"the {PHONE} has no device")


async def add_phone(api: HassApi) -> None:
    """The demo phone, added once through its config flow (it asks nothing)."""
    if not await api.entries("demo_phone"):
        say(f"adding the {PHONE} (a stand-in for a phone with the Companion app)")
        await api.flow("/api/config/config_entries/flow", "demo_phone", [])
    await api.wait_loaded("demo_phone")


async def add_automations(api: HassApi) -> None:
    """One automation per blueprint for the Living Room Mini, saved under fixed ids."""
    camera = await _camera_id(api, CAMERA)
    inputs = {
        "notify_when_unhealthy": {"camera": camera, "notify_device": await _phone_id(api)},
        "power_cycle_when_unhealthy": {"camera": camera},
    }
    for path, (automation_id, alias) in AUTOMATIONS.items():
        blueprint = path.rsplit("/", 1)[-1].removesuffix(".yaml")
        await api.request(
            "POST",
            f"/api/config/automation/config/{automation_id}",
            {
                "alias": alias,
                "description": "Made by scripts/demo from the blueprint; edit or delete freely.",
                "use_blueprint": {"path": path, "input": inputs[blueprint]},
            },
        )
    say(
        f"automations from both blueprints for the {CAMERA} camera: "
        + ", ".join(alias for _, alias in AUTOMATIONS.values())
    )


async def set_up_automations(base: str) -> None:
    """The phone and both automations."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        api = HassApi(session, base)
        await api.sign_in()
        await add_phone(api)
        await add_automations(api)
