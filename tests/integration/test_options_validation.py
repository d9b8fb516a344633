"""Wrong options are refused on the form: a translated field error each, and nothing saved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, section
from homeassistant.helpers import device_registry as dr

from custom_components.blink_audio_doctor.const import (
    CONF_BLINK_ENTRY_ID,
    CONF_LATENCY_HOST,
    CONF_PLUGS,
    CONF_SPEED_TEST_URL,
)

from .options_helpers import form_defaults, form_fields, frontend_start_values, nested
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
    values = form_defaults(result)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], nested(result, {**values, **changes})
    )
    return dict(result)


def plug_field(result: dict[str, Any], serial: str) -> str:
    return next(name for name in form_fields(result) if serial[-4:] in name)


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
        assert frontend_start_values(result)["smart_plugs"][field] == plug
    assert linked_entry.options.get(CONF_PLUGS, {}) == {}


async def test_the_form_comes_back_as_entered(
    hass: HomeAssistant, linked_entry: ConfigEntry
) -> None:
    hass.config_entries.async_update_entry(
        linked_entry, options={**linked_entry.options, CONF_SPEED_TEST_URL: "https://a.example"}
    )
    result = await hass.config_entries.options.async_init(linked_entry.entry_id)
    values = form_defaults(result)
    # The server is cleared and the host is wrong: the server stays cleared on the form.
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], nested(result, {**values, CONF_LATENCY_HOST: "no-such-host.invalid"})
    )
    assert result["errors"] == {CONF_LATENCY_HOST: "invalid_latency_host"}
    shown_again = frontend_start_values(result)["network_tests"]
    assert shown_again[CONF_LATENCY_HOST] == "no-such-host.invalid"
    assert CONF_SPEED_TEST_URL not in shown_again
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


async def test_the_options_come_in_sections_with_help_and_stay_flat(
    hass: HomeAssistant, linked_entry: ConfigEntry
) -> None:
    # Options saved before the sections existed are shown in their sections.
    hass.config_entries.async_update_entry(
        linked_entry, options={**linked_entry.options, "min_wifi_bars": 4, "latency_port": 8443}
    )
    result = await hass.config_entries.options.async_init(linked_entry.entry_id)
    sections = {
        str(key): value
        for key, value in result["data_schema"].schema.items()
        if isinstance(value, section)
    }
    assert list(sections) == ["thresholds", "smart_plugs", "network_tests", "mirrored_sensors"]
    texts = ENGLISH["options"]["step"]["init"]["sections"]
    for name, value in sections.items():
        assert texts[name]["name"]
        assert texts[name]["description"]
        # Every field of a section has its label there.
        fields = {str(key) for key in value.schema.schema} - {plug_field(result, HALLWAY)}
        if name != "smart_plugs":
            assert fields == set(texts[name]["data"])
    assert form_defaults(result)["min_wifi_bars"] == 4
    assert form_defaults(result)["latency_port"] == 8443

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], nested(result, {**form_defaults(result), "min_upload_mbps": 3})
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    options = linked_entry.options
    assert not set(options) & set(sections)
    assert (options["min_wifi_bars"], options["latency_port"], options["min_upload_mbps"]) == (
        4,
        8443,
        3,
    )


async def test_the_dialog_starts_with_the_stored_options_and_saving_it_unchanged_keeps_them(
    hass: HomeAssistant, linked_entry: ConfigEntry
) -> None:
    hass.states.async_set("switch.hallway_plug", "on")
    hass.config_entries.async_update_entry(
        linked_entry,
        options={
            **linked_entry.options,
            CONF_LATENCY_HOST: "127.0.0.1",
            CONF_PLUGS: {HALLWAY: "switch.hallway_plug"},
            "min_wifi_bars": 4,
        },
    )
    await hass.async_block_till_done()
    stored = dict(linked_entry.options)
    result = await hass.config_entries.options.async_init(linked_entry.entry_id)
    start = frontend_start_values(result)
    assert start["network_tests"][CONF_LATENCY_HOST] == "127.0.0.1"
    assert start["smart_plugs"][plug_field(result, HALLWAY)] == "switch.hallway_plug"
    assert start["thresholds"]["min_wifi_bars"] == 4

    result = await hass.config_entries.options.async_configure(result["flow_id"], start)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    await hass.async_block_till_done()
    # Each stored option kept (options never stored are now saved with their defaults).
    assert {key: linked_entry.options[key] for key in stored} == stored


async def test_a_plug_field_names_the_device_as_home_assistant_shows_it(
    hass: HomeAssistant, linked_entry: ConfigEntry
) -> None:
    registry = dr.async_get(hass)
    # Linked, the camera's device is the Blink integration's.
    device = registry.async_get_device_by_identifier(
        ("blink", HALLWAY), linked_entry.data[CONF_BLINK_ENTRY_ID]
    )
    assert device is not None
    registry.async_update_device(device.id, name_by_user="Upstairs landing")
    result = await hass.config_entries.options.async_init(linked_entry.entry_id)
    assert plug_field(dict(result), HALLWAY) == f"Upstairs landing (…{HALLWAY[-4:]})"


def monthly_gb(result: dict[str, Any]) -> float:
    return float(result["description_placeholders"]["monthly_gb"])


async def test_the_form_tells_how_much_data_the_speed_test_uses(
    hass: HomeAssistant, linked_entry: ConfigEntry
) -> None:
    result = await hass.config_entries.options.async_init(linked_entry.entry_id)
    defaults = form_defaults(result)
    # By default no more than about 1 GB a month: runs x (download + upload cap).
    runs = 30 * 24 / defaults["speed_test_hours"]
    assert runs * (defaults["max_download_mb"] + defaults["max_upload_mb"]) <= 1000
    assert monthly_gb(dict(result)) <= 1.0
    description = ENGLISH["options"]["step"]["init"]["description"]
    shown_text = description.format(**result["description_placeholders"])
    assert f"every {defaults['speed_test_hours']:g} h" in shown_text
    hass.config_entries.options.async_abort(result["flow_id"])

    # Hourly with the largest caps is said to be far more; 0 (a data cap) says none.
    result = await submit(
        hass,
        linked_entry,
        speed_test_hours=1,
        max_download_mb=200,
        max_upload_mb=100,
        min_wifi_bars=9,
    )
    assert monthly_gb(result) == 216.0
    hass.config_entries.options.async_abort(result["flow_id"])
    hass.config_entries.async_update_entry(
        linked_entry, options={**linked_entry.options, "speed_test_hours": 0}
    )
    result = await hass.config_entries.options.async_init(linked_entry.entry_id)
    assert monthly_gb(dict(result)) == 0.0
    texts = ENGLISH["options"]["step"]["init"]["sections"]
    assert "0" in texts["network_tests"]["description"]
    assert "data cap" in texts["mirrored_sensors"]["description"]
