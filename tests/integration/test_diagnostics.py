"""The diagnostics download as a user saves it: no secret, no identity, devices still apart."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import CONF_PLUGS, DOMAIN
from custom_components.blink_audio_doctor.health import issue_id

from .test_entities import GARDEN, HALLWAY, SYNC_MODULE, next_poll


async def download(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, entry: ConfigEntry
) -> tuple[str, dict[str, Any]]:
    """The whole file the download button gives (Home Assistant's parts included)."""
    assert await async_setup_component(hass, "diagnostics", {})
    client = await hass_client()
    response = await client.get(f"/api/diagnostics/config_entry/{entry.entry_id}")
    assert response.status == HTTPStatus.OK
    text = await response.text()
    return text, json.loads(text)


def secrets_and_identities(sim: SimServer, entry: ConfigEntry) -> list[str]:
    """Everything that must never be in a download."""
    world = sim.world
    account = world.accounts[0]
    found = [account.email, account.password]
    found += [str(i) for i in (account.account_id, account.client_id, account.user_id)]
    found += list(world.access_tokens) + list(world.refresh_tokens)  # every token ever issued
    found += list(world.cameras) + list(world.sync_modules)  # serial numbers
    found += [str(camera.camera_id) for camera in world.cameras.values()]
    found += [str(network.network_id) for network in world.networks.values()]
    login = entry.data.get("login")
    if login:
        found.append(login["hardware_id"])
    return found


async def test_download_holds_no_secret_serial_or_login_and_keeps_devices_apart(
    hass: HomeAssistant,
    blink_sim: SimServer,
    freezer: FrozenDateTimeFactory,
    any_entry: ConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    hass.config_entries.async_update_entry(
        any_entry,
        options={
            **any_entry.options,
            CONF_PLUGS: {HALLWAY: "switch.hallway_plug", SYNC_MODULE: "switch.sync_plug"},
        },
    )
    await hass.async_block_till_done()
    # Hallway goes offline for two polls: an unhealthy-camera repair issue is open.
    blink_sim.world.set_status(HALLWAY, online=False)
    await next_poll(hass, freezer)
    await next_poll(hass, freezer)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id(any_entry.entry_id, HALLWAY))

    text, payload = await download(hass, hass_client, any_entry)

    lowered = text.lower()
    for secret in secrets_and_identities(blink_sim, any_entry):
        assert secret.lower() not in lowered, secret
    # Home Assistant lists our repair issues by id in the same file.
    assert issue_id(any_entry.entry_id, HALLWAY) in {i["issue_id"] for i in payload["issues"]}
    data = payload["data"]
    entry_data = data["entry"]["data"]
    if "login" in entry_data:  # own sign-in: what the login holds, not the login
        assert entry_data["login"] == {
            "region": "u034",
            "has_access_token": True,
            "has_refresh_token": True,
            "access_token_expires": entry_data["login"]["access_token_expires"],
        }

    # Every device keeps a label of its own, the same everywhere in the file.
    snapshot = data["account"]["snapshot"]
    label = {device["name"]: device["serial"] for device in snapshot["cameras"]}
    label |= {device["name"]: device["serial"] for device in snapshot["sync_modules"]}
    assert len(set(label.values())) == len(label) == 5
    health = {item["serial"]: item["verdict"] for item in data["health"]}
    assert len(health) == len(snapshot["cameras"]) == 4
    assert health[label["Hallway"]] == "unhealthy"
    assert data["entry"]["options"][CONF_PLUGS] == {
        label["Hallway"]: "switch.hallway_plug",
        label["Sync Module"]: "switch.sync_plug",
    }
    garden = next(device for device in snapshot["cameras"] if device["name"] == "Garden")
    assert garden["sync_module_serial"] == label["Sync Module"]
    assert garden["serial"].endswith(f"…{GARDEN[-4:]})")


async def test_issues_of_earlier_versions_named_by_serial_leave_the_download(
    hass: HomeAssistant,
    blink_sim: SimServer,
    own_entry: ConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    # An earlier version named the unhealthy-camera issue by the camera's serial; the issue
    # registry keeps it across restarts (dismissed or not).
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"unhealthy_{own_entry.entry_id}_{HALLWAY}",
        is_fixable=True,
        severity=ir.IssueSeverity.WARNING,
        translation_key="camera_unhealthy",
        translation_placeholders={"name": "Hallway", "cause": "offline"},
        data={"entry_id": own_entry.entry_id, "serial": HALLWAY},
    )
    assert await hass.config_entries.async_reload(own_entry.entry_id)
    await hass.async_block_till_done()

    text, payload = await download(hass, hass_client, own_entry)
    assert HALLWAY not in text
    assert payload["issues"] == []
