"""Wrong options are refused on the form: a translated field error each, and nothing saved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.blink_audio_doctor.const import (
    CONF_LATENCY_HOST,
    CONF_PLUGS,
    CONF_SPEED_TEST_URL,
)

from .power_helpers import HALLWAY

pytestmark = pytest.mark.usefixtures("unknown_names")

ENGLISH = json.loads(
    (
        Path(__file__).parents[2] / "custom_components/blink_audio_doctor/translations/en.json"
    ).read_text(encoding="utf-8")
)


async def submit(hass: HomeAssistant, entry: ConfigEntry, **changes: Any) -> dict[str, Any]:
    """Open the options form and submit it with its defaults and some changes."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    values = {
        str(key): key.default()
        for key in result["data_schema"].schema
        if callable(getattr(key, "default", None))
    }
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**values, **changes}
    )
    return dict(result)


def plug_field(result: dict[str, Any], serial: str) -> str:
    return next(str(key) for key in result["data_schema"].schema if serial[-4:] in str(key))


def shown(result: dict[str, Any], field: str) -> str:
    """The error text the form shows under a field, as the frontend fills it in."""
    text: str = ENGLISH["options"]["error"][result["errors"][field]]
    return text.format(**(result.get("description_placeholders") or {}))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("min_wifi_bars", 7, "Enter a whole number between 1 and 5."),
        ("min_wifi_bars", 2.5, "Enter a whole number between 1 and 5."),
        ("min_wifi_dbm", -20, "Enter a whole number between -95 and -40."),
        ("min_download_mbps", 0.1, "Enter a number between 0.5 and 100."),
        ("max_packet_loss_pct", 0, "Enter a whole number between 1 and 50."),
        ("latency_port", 70000, "Enter a whole number between 1 and 65535."),
        ("max_download_mb", 5000, "Enter a whole number between 1 and 200."),
    ],
)
async def test_numbers_out_of_range_name_the_range(
    hass: HomeAssistant, linked_entry: ConfigEntry, field: str, value: float, message: str
) -> None:
    before = dict(linked_entry.options)
    result = await submit(hass, linked_entry, **{field: value})
    assert result["type"] is FlowResultType.FORM
    assert list(result["errors"]) == [field]
    assert shown(result, field) == message
    assert dict(linked_entry.options) == before  # nothing saved


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (CONF_LATENCY_HOST, "no-such-host.invalid"),
        (CONF_LATENCY_HOST, "not a host"),
        (CONF_SPEED_TEST_URL, "speed.example.com"),
        (CONF_SPEED_TEST_URL, "ftp://speed.example.com"),
        (CONF_SPEED_TEST_URL, "https://"),
    ],
)
async def test_a_wrong_host_or_server_is_refused(
    hass: HomeAssistant, linked_entry: ConfigEntry, field: str, value: str
) -> None:
    before = dict(linked_entry.options)
    result = await submit(hass, linked_entry, **{field: value})
    assert result["type"] is FlowResultType.FORM
    assert list(result["errors"]) == [field]
    assert "http" in shown(result, field) or "IP address" in shown(result, field)
    assert dict(linked_entry.options) == before


async def test_a_plug_must_be_an_existing_switch(
    hass: HomeAssistant, linked_entry: ConfigEntry
) -> None:
    hass.states.async_set("light.hallway", "on")
    opened = await hass.config_entries.options.async_init(linked_entry.entry_id)
    field = plug_field(dict(opened), HALLWAY)
    hass.config_entries.options.async_abort(opened["flow_id"])
    for plug in ("switch.nowhere", "light.hallway"):
        result = await submit(hass, linked_entry, **{field: plug})
        assert result["errors"] == {field: "plug_not_a_switch"}
        assert "switch" in shown(result, field)
        # The form comes back with what was entered.
        key = next(key for key in result["data_schema"].schema if str(key) == field)
        assert key.description["suggested_value"] == plug
    assert linked_entry.options.get(CONF_PLUGS, {}) == {}


async def test_the_form_comes_back_as_entered(
    hass: HomeAssistant, linked_entry: ConfigEntry
) -> None:
    hass.config_entries.async_update_entry(
        linked_entry, options={**linked_entry.options, CONF_SPEED_TEST_URL: "https://a.example"}
    )
    result = await hass.config_entries.options.async_init(linked_entry.entry_id)
    values = {
        str(key): key.default()
        for key in result["data_schema"].schema
        if callable(getattr(key, "default", None))
    }
    # The server is cleared and the host is wrong: the server stays cleared on the form.
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**values, CONF_LATENCY_HOST: "no-such-host.invalid"}
    )
    assert result["errors"] == {CONF_LATENCY_HOST: "invalid_latency_host"}
    suggested = {
        str(key): (key.description or {}).get("suggested_value")
        for key in result["data_schema"].schema
    }
    assert suggested[CONF_LATENCY_HOST] == "no-such-host.invalid"
    assert suggested[CONF_SPEED_TEST_URL] is None
    assert linked_entry.options[CONF_SPEED_TEST_URL] == "https://a.example"


async def test_good_values_are_saved(hass: HomeAssistant, linked_entry: ConfigEntry) -> None:
    hass.states.async_set("switch.hallway_plug", "on")
    opened = await hass.config_entries.options.async_init(linked_entry.entry_id)
    field = plug_field(dict(opened), HALLWAY)
    hass.config_entries.options.async_abort(opened["flow_id"])
    for host in ("127.0.0.1", "localhost"):
        result = await submit(
            hass,
            linked_entry,
            **{
                CONF_LATENCY_HOST: f" {host} ",
                CONF_SPEED_TEST_URL: "http://127.0.0.1:8080/speed",
                "min_wifi_bars": 5,
                "min_download_mbps": 0.5,
                field: "switch.hallway_plug",
            },
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
        await hass.async_block_till_done()
        assert linked_entry.options[CONF_LATENCY_HOST] == host
        assert linked_entry.options[CONF_PLUGS] == {HALLWAY: "switch.hallway_plug"}
