"""Config flows against the Blink cloud simulator: both ways in, errors, reauth, reconfigure."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigEntry,
    ConfigEntryState,
)
from homeassistant.const import CONF_PASSWORD, CONF_PIN, CONF_USERNAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr

from blink_cloud_sim.server import SimServer
from blink_cloud_sim.world import Account, Network
from custom_components.blink_audio_doctor.const import (
    CONF_BLINK_ENTRY_ID,
    CONF_LOGIN,
    CONF_MODE,
    CONF_NOTIFICATIONS,
    CONF_PLUGS,
    DOMAIN,
    MODE_LINKED,
    MODE_OWN,
)

from .conftest import setup_core_blink, setup_linked, setup_own
from .options_helpers import form_fields, nested


async def _start(hass: HomeAssistant, way: str) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["link", "sign_in"]
    return await hass.config_entries.flow.async_configure(result["flow_id"], {"next_step_id": way})


async def _start_for_entry(hass: HomeAssistant, entry: ConfigEntry, source: str) -> dict[str, Any]:
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": source, "entry_id": entry.entry_id}, data=dict(entry.data)
    )


async def _sign_in(hass: HomeAssistant, flow_id: str, email: str, password: str) -> dict[str, Any]:
    return await hass.config_entries.flow.async_configure(
        flow_id, {CONF_USERNAME: email, CONF_PASSWORD: password}
    )


async def test_link_aborts_without_a_loaded_blink_entry(hass: HomeAssistant) -> None:
    result = await _start(hass, "link")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_blink_entry"


async def test_link_creates_an_entry_per_account(
    hass: HomeAssistant, blink_sim: SimServer, core_blink: ConfigEntry
) -> None:
    entry = await setup_linked(hass, core_blink)
    account = blink_sim.world.accounts[0]
    assert entry.unique_id == str(account.account_id)
    assert entry.data[CONF_MODE] == MODE_LINKED
    assert entry.data[CONF_BLINK_ENTRY_ID] == core_blink.entry_id
    assert entry.title == account.email

    # The same account cannot be added twice, whichever way in.
    result = await _start(hass, "link")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "all_blink_entries_linked"
    result = await _start(hass, "sign_in")
    result = await _sign_in(hass, result["flow_id"], account.email, account.password)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_link_reports_an_unreadable_blink_entry_and_recovers(
    hass: HomeAssistant, core_blink: ConfigEntry
) -> None:
    result = await _start(hass, "link")
    assert result["type"] is FlowResultType.FORM
    real_account_id = core_blink.runtime_data.api.auth.account_id
    core_blink.runtime_data.api.auth.account_id = None
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BLINK_ENTRY_ID: core_blink.entry_id}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "blink_entry_unusable"}

    api = core_blink.runtime_data.api
    core_blink.runtime_data.api = object()  # not the shape we read
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BLINK_ENTRY_ID: core_blink.entry_id}
    )
    assert result["errors"] == {"base": "blink_entry_unusable"}

    core_blink.runtime_data.api = api
    api.auth.account_id = real_account_id
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BLINK_ENTRY_ID: core_blink.entry_id}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_sign_in_without_pin_stores_tokens_but_no_password(
    hass: HomeAssistant, blink_sim: SimServer
) -> None:
    entry = await setup_own(hass, blink_sim)
    account = blink_sim.world.accounts[0]
    assert entry.unique_id == str(account.account_id)
    assert entry.title == account.email
    assert entry.data[CONF_MODE] == MODE_OWN
    login = entry.data[CONF_LOGIN]
    assert "password" not in login
    assert login["refresh_token"]
    assert login["hardware_id"]
    assert account.password not in str(entry.data)


@pytest.mark.parametrize("style", ["412", "202"])
async def test_sign_in_with_pin_in_both_styles(
    hass: HomeAssistant, blink_sim: SimServer, style: str
) -> None:
    account = blink_sim.world.accounts[0]
    account.two_factor = style
    result = await _start(hass, "sign_in")
    result = await _sign_in(hass, result["flow_id"], account.email, account.password)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "two_factor"

    # A wrong PIN is said so and can be corrected in the same flow (same session).
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {CONF_PIN: "000000"})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_2fa"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PIN: account.pin}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


async def test_wrong_password_then_right_one(hass: HomeAssistant, blink_sim: SimServer) -> None:
    account = blink_sim.world.accounts[0]
    result = await _start(hass, "sign_in")
    result = await _sign_in(hass, result["flow_id"], account.email, "not-the-password")
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    result = await _sign_in(hass, result["flow_id"], account.email, account.password)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"status": 429}, "rate_limited"),
        ({"status": 503}, "cannot_connect"),
    ],
)
async def test_sign_in_errors_from_blink(
    hass: HomeAssistant, blink_sim: SimServer, fault: dict[str, Any], error: str
) -> None:
    account = blink_sim.world.accounts[0]
    blink_sim.world.inject_fault("oauth_signin", count=1, **fault)
    result = await _start(hass, "sign_in")
    result = await _sign_in(hass, result["flow_id"], account.email, account.password)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    # Recoverable in the same flow once Blink is well again.
    result = await _sign_in(hass, result["flow_id"], account.email, account.password)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_sign_in_when_blink_is_unreachable(hass: HomeAssistant, blink_sim: SimServer) -> None:
    account = blink_sim.world.accounts[0]
    result = await _start(hass, "sign_in")
    await blink_sim.stop()
    result = await _sign_in(hass, result["flow_id"], account.email, account.password)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


async def test_sign_in_unexpected_answer_is_unknown(
    hass: HomeAssistant, blink_sim: SimServer
) -> None:
    account = blink_sim.world.accounts[0]
    blink_sim.world.inject_fault("oauth_token", malformed=True, count=1)
    result = await _start(hass, "sign_in")
    result = await _sign_in(hass, result["flow_id"], account.email, account.password)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}


async def test_reauth_signs_in_again_and_keeps_the_device_identity(
    hass: HomeAssistant, blink_sim: SimServer
) -> None:
    account = blink_sim.world.accounts[0]
    entry = await setup_own(hass, blink_sim)
    hardware_id = entry.data[CONF_LOGIN]["hardware_id"]
    old_refresh = entry.data[CONF_LOGIN]["refresh_token"]

    result = await _start_for_entry(hass, entry, SOURCE_REAUTH)
    assert result["step_id"] == "sign_in"
    # The e-mail address is offered again; the password never was stored.
    schema_defaults = {
        str(key): key.description.get("suggested_value")
        for key in result["data_schema"].schema
        if key.description
    }
    assert schema_defaults[CONF_USERNAME] == account.email
    result = await _sign_in(hass, result["flow_id"], account.email, account.password)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_LOGIN]["hardware_id"] == hardware_id
    assert entry.data[CONF_LOGIN]["refresh_token"] != old_refresh
    assert entry.state is ConfigEntryState.LOADED


async def test_reconfigure_switches_from_sign_in_to_link(
    hass: HomeAssistant, blink_sim: SimServer
) -> None:
    entry = await setup_own(hass, blink_sim)
    core = await setup_core_blink(hass, blink_sim)
    result = await _start_for_entry(hass, entry, SOURCE_RECONFIGURE)
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "link"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BLINK_ENTRY_ID: core.entry_id}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_MODE] == MODE_LINKED
    assert CONF_LOGIN not in entry.data
    assert entry.state is ConfigEntryState.LOADED


async def test_reconfigure_refuses_another_account(
    hass: HomeAssistant, blink_sim: SimServer, linked_entry: ConfigEntry
) -> None:
    other = Account(
        email="neighbour@example.com",
        password="their-password",
        account_id=1000099,
        client_id=2000099,
        user_id=3000099,
    )
    blink_sim.world.accounts.append(other)
    blink_sim.world.networks[4000099] = Network(
        network_id=4000099, name="Cabin", account_id=other.account_id
    )
    result = await _start_for_entry(hass, linked_entry, SOURCE_RECONFIGURE)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "sign_in"}
    )
    result = await _sign_in(hass, result["flow_id"], other.email, other.password)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert linked_entry.data[CONF_MODE] == MODE_LINKED


async def test_options_change_thresholds_and_plugs_and_apply_at_once(
    hass: HomeAssistant, blink_sim: SimServer, linked_entry: ConfigEntry
) -> None:
    result = await hass.config_entries.options.async_init(linked_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    fields = list(form_fields(result))
    mini = next(c for c in blink_sim.world.cameras.values() if c.type == "owl")
    battery_camera = next(c for c in blink_sim.world.cameras.values() if c.type == "catalina")
    sync_module = next(iter(blink_sim.world.sync_modules.values()))
    mini_field = next(f for f in fields if f.startswith(f"{mini.name} ("))
    assert any(f.startswith(f"{sync_module.name} (") for f in fields)
    # A battery camera cannot be restarted by a plug, so it is not offered.
    assert not any(f.startswith(f"{battery_camera.name} (") for f in fields)
    assert "scan_interval" not in fields  # linked mode does not poll

    hass.states.async_set("switch.mini_plug", "on")  # the plug must exist
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        nested(
            result,
            {
                "min_wifi_bars": 2,
                "min_wifi_dbm": -75,
                "min_sync_link_bars": 2,
                "min_download_mbps": 3,
                "min_upload_mbps": 1.5,
                "max_latency_ms": 150,
                "max_packet_loss_pct": 10,
                "unhealthy_after": 3,
                CONF_NOTIFICATIONS: False,
                mini_field: "switch.mini_plug",
            },
        ),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert linked_entry.options[CONF_PLUGS] == {mini.serial: "switch.mini_plug"}
    assert linked_entry.options["min_wifi_bars"] == 2
    assert linked_entry.options[CONF_NOTIFICATIONS] is False
    assert linked_entry.state is ConfigEntryState.LOADED


async def test_options_of_own_sign_in_offer_the_poll_interval(
    hass: HomeAssistant, blink_sim: SimServer
) -> None:
    entry = await setup_own(hass, blink_sim)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert "scan_interval" in list(form_fields(result))


@pytest.mark.parametrize("style", ["none", "412"])
async def test_sign_in_refused_after_the_password_is_reported(
    hass: HomeAssistant, blink_sim: SimServer, style: str
) -> None:
    account = blink_sim.world.accounts[0]
    account.two_factor = style
    blink_sim.world.inject_fault("networks", status=401, count=1)
    result = await _start(hass, "sign_in")
    result = await _sign_in(hass, result["flow_id"], account.email, account.password)
    if style == "412":
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_PIN: account.pin}
        )
        assert result["errors"] == {"base": "invalid_2fa"}
    else:
        assert result["errors"] == {"base": "invalid_auth"}
    assert not hass.config_entries.async_entries(DOMAIN)


async def test_options_of_an_unloaded_entry_offer_no_plugs(
    hass: HomeAssistant, linked_entry: ConfigEntry
) -> None:
    await hass.config_entries.async_unload(linked_entry.entry_id)
    result = await hass.config_entries.options.async_init(linked_entry.entry_id)
    fields = list(form_fields(result))
    assert "min_wifi_bars" in fields
    assert not [f for f in fields if "(" in f]  # no device known, no plug field


async def test_options_tell_apart_devices_with_the_same_name(
    hass: HomeAssistant, blink_sim: SimServer
) -> None:
    entry = await setup_own(hass, blink_sim)
    sync_serial, mini_serial = "G8T10000SM000001", "G8T30000MINI0001"  # both end in 0001
    # The user renamed the Sync Module in Home Assistant to the Mini's name.
    registry = dr.async_get(hass)
    device = registry.async_get_device_by_identifier((DOMAIN, sync_serial), entry.entry_id)
    assert device is not None
    registry.async_update_device(device.id, name_by_user="Hallway")
    result = await hass.config_entries.options.async_init(entry.entry_id)
    fields = list(form_fields(result))
    assert "Hallway (…0001)" in fields
    assert f"Hallway ({sync_serial})" in fields or f"Hallway ({mini_serial})" in fields


async def test_a_linked_entry_is_named_after_the_blink_account(
    hass: HomeAssistant, blink_sim: SimServer, core_blink: ConfigEntry
) -> None:
    account = blink_sim.world.accounts[0]
    result = await _start(hass, "link")
    # The choice names the account, not HA's Blink entry title "blink".
    options = result["data_schema"].schema[CONF_BLINK_ENTRY_ID].config["options"]
    assert [option["label"] for option in options] == [account.email]
    entry = await setup_linked(hass, core_blink)
    assert entry.title == account.email


async def test_link_offers_only_blink_entries_not_linked_yet(
    hass: HomeAssistant, blink_sim: SimServer, linked_entry: ConfigEntry
) -> None:
    result = await _start(hass, "link")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "all_blink_entries_linked"
    # Reconfiguring the entry that reads it still offers its own Blink entry.
    result = await _start_for_entry(hass, linked_entry, SOURCE_RECONFIGURE)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "link"}
    )
    assert result["type"] is FlowResultType.FORM
    options = result["data_schema"].schema[CONF_BLINK_ENTRY_ID].config["options"]
    assert [option["value"] for option in options] == [linked_entry.data[CONF_BLINK_ENTRY_ID]]


async def test_sign_in_refuses_a_known_account_before_blink_sends_a_pin(
    hass: HomeAssistant, blink_sim: SimServer, linked_entry: ConfigEntry
) -> None:
    account = blink_sim.world.accounts[0]
    account.two_factor = "412"
    result = await _start(hass, "sign_in")
    await hass.async_block_till_done()
    blink_sim.world.clear_log()
    result = await _sign_in(hass, result["flow_id"], account.email.upper(), account.password)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    # Blink was not asked: no sign-in, so no PIN mail for the user.
    assert "login" not in str(blink_sim.world.request_counts())


async def test_reconfigure_menu_says_which_way_in_is_active(
    hass: HomeAssistant, blink_sim: SimServer
) -> None:
    account = blink_sim.world.accounts[0]
    own = await setup_own(hass, blink_sim)
    result = await _start_for_entry(hass, own, SOURCE_RECONFIGURE)
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "reconfigure_own"
    assert result["description_placeholders"] == {"account": account.email}
    # Signing in again as the same account is no "already set up" refusal.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "sign_in"}
    )
    result = await _sign_in(hass, result["flow_id"], account.email, account.password)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    core = await setup_core_blink(hass, blink_sim)
    result = await _start_for_entry(hass, own, SOURCE_RECONFIGURE)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "link"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BLINK_ENTRY_ID: core.entry_id}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    result = await _start_for_entry(hass, own, SOURCE_RECONFIGURE)
    assert result["step_id"] == "reconfigure_linked"
