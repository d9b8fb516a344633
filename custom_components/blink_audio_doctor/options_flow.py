"""Options flow of Blink Audio Doctor: thresholds, smart plugs, notifications, network tests.

The thresholds' defaults come from the diagnosis' own `Thresholds`; the checks of what was entered
are in option_checks.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import probatio as vol
from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.data_entry_flow import section
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .const import (
    BLINK_DOMAIN,
    CONF_BLINK_ENTRY_ID,
    CONF_CONFIG_READ_MINUTES,
    CONF_LATENCY_HOST,
    CONF_LATENCY_PORT,
    CONF_MAX_DOWNLOAD_MB,
    CONF_MAX_JOIN_S,
    CONF_MAX_LATENCY_MS,
    CONF_MAX_MEDIA_RTT_MS,
    CONF_MAX_PACKET_LOSS_PCT,
    CONF_MAX_UPLOAD_MB,
    CONF_MIN_DOWNLOAD_MBPS,
    CONF_MIN_SYNC_LINK_BARS,
    CONF_MIN_UPLOAD_MBPS,
    CONF_MIN_WIFI_BARS,
    CONF_MIN_WIFI_DBM,
    CONF_MIRROR_DOWNLOAD,
    CONF_MIRROR_LATENCY,
    CONF_MIRROR_UPLOAD,
    CONF_MODE,
    CONF_NOTIFICATIONS,
    CONF_PLUGS,
    CONF_SCAN_INTERVAL,
    CONF_SPEED_TEST_HOURS,
    CONF_SPEED_TEST_URL,
    CONF_UNHEALTHY_AFTER,
    DEFAULT_CONFIG_READ_MINUTES,
    DEFAULT_LATENCY_PORT,
    DEFAULT_MAX_DOWNLOAD_MB,
    DEFAULT_MAX_UPLOAD_MB,
    DEFAULT_SCAN_INTERVAL,
    DEFAULT_SPEED_TEST_HOURS,
    DOMAIN,
    MIN_SCAN_INTERVAL,
    MODE_OWN,
    SECTION_MIRRORED,
    SECTION_NETWORK,
    SECTION_PLUGS,
    SECTION_THRESHOLDS,
)
from .data import BlinkAudioDoctorConfigEntry
from .doctor.capabilities import supports_plug_power_cycle
from .doctor.model import Thresholds
from .option_checks import RangedNumber, async_resolves, is_existing_switch, is_http_url


def _number(minimum: float, maximum: float, step: float, unit: str | None = None) -> Any:
    return RangedNumber(minimum, maximum, step, unit)


_DEFAULTS = Thresholds()
# The thresholds on the form: option key, default (the diagnosis' own), its number box.
THRESHOLD_FIELDS: tuple[tuple[str, Any, Any], ...] = (
    (CONF_MIN_WIFI_BARS, _DEFAULTS.min_wifi_bars, _number(1, 5, 1)),
    (CONF_MIN_WIFI_DBM, _DEFAULTS.min_wifi_dbm, _number(-95, -40, 1, "dBm")),
    (CONF_MIN_SYNC_LINK_BARS, _DEFAULTS.min_sync_link_bars, _number(1, 5, 1)),
    (CONF_MIN_DOWNLOAD_MBPS, _DEFAULTS.min_download_mbps, _number(0.5, 100, 0.5, "Mbit/s")),
    (CONF_MIN_UPLOAD_MBPS, _DEFAULTS.min_upload_mbps, _number(0.5, 100, 0.5, "Mbit/s")),
    (CONF_MAX_LATENCY_MS, _DEFAULTS.max_latency_ms, _number(20, 1000, 5, "ms")),
    (CONF_MAX_PACKET_LOSS_PCT, _DEFAULTS.max_packet_loss_pct, _number(1, 50, 1, "%")),
    (CONF_MAX_JOIN_S, _DEFAULTS.max_join_s, _number(2, 30, 1, "s")),
    (CONF_MAX_MEDIA_RTT_MS, _DEFAULTS.max_media_rtt_ms, _number(20, 1000, 5, "ms")),
    (CONF_UNHEALTHY_AFTER, _DEFAULTS.unhealthy_after, _number(1, 10, 1)),
)


def _plug_field(name: str, serial: str) -> str:
    """Field key of a device's smart plug; shown as its label, so it names the device.

    A device name is a proper name (no translation); the serial's end keeps two devices of the
    same name apart.
    """
    return f"{name} (…{serial[-4:]})"


class OptionsFlowHandler(OptionsFlowWithReload):
    """Thresholds, the smart plug of each plug-powered device, notifications.

    Saving reloads the entry, so changes apply at once without restarting Home Assistant.
    """

    config_entry: BlinkAudioDoctorConfigEntry

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """One form in sections; a wrong value is a field error and nothing is saved.

        The options are stored flat as before the sections, so the sections are filled from
        the flat options and their input is flattened again on saving.
        """
        plug_devices = self._plug_powered_devices()
        current = self.config_entry.options
        sections = self._section_fields(current, plug_devices)
        top = _top_fields(current, own=self.config_entry.data.get(CONF_MODE) == MODE_OWN)
        data_schema = _form(top, sections, {name: _shown(f) for name, f in sections.items()})
        flat_schema = vol.Schema(top | {k: v for f in sections.values() for k, v in f.items()})
        errors: dict[str, str] = {}
        placeholders = _data_use(current)
        if user_input is not None:
            flat = _flatten(data_schema(user_input), sections)
            placeholders = _data_use(flat)
            errors, ranges = await self._async_check(flat_schema, flat, plug_devices)
            placeholders |= ranges
            if not errors:
                plugs = {
                    serial: flat[field] for field, serial in plug_devices.items() if flat.get(field)
                }
                options = {key: value for key, value in flat.items() if key not in plug_devices}
                options[CONF_PLUGS] = plugs
                for text in (CONF_LATENCY_HOST, CONF_SPEED_TEST_URL):
                    if text in options:  # saved as checked
                        options[text] = str(options[text]).strip()
                return self.async_create_entry(data=options)
            # Show the form again with what was entered (a field left empty stays empty).
            entered = {name: {str(k): flat.get(str(k)) for k in f} for name, f in sections.items()}
            data_schema = self.add_suggested_values_to_schema(
                _form(top, sections, entered), {str(key): flat.get(str(key)) for key in top}
            )
        return self.async_show_form(
            step_id="init",
            data_schema=data_schema,
            errors=errors,
            description_placeholders=placeholders,
        )

    def _section_fields(
        self, current: Mapping[str, Any], plug_devices: Mapping[str, str]
    ) -> dict[str, dict[Any, Any]]:
        """The form's sections and their fields, filled from the flat options."""
        current_plugs: dict[str, str] = current.get(CONF_PLUGS, {})
        sections: dict[str, dict[Any, Any]] = {
            SECTION_THRESHOLDS: {
                vol.Required(key, default=current.get(key, default)): number
                for key, default, number in THRESHOLD_FIELDS
            }
        }
        if plug_devices:
            # The picker offers switches; the step itself refuses anything else, translated.
            sections[SECTION_PLUGS] = {
                vol.Optional(
                    field, description={"suggested_value": current_plugs.get(serial)}
                ): EntitySelector(EntitySelectorConfig(filter={"domain": "switch"}))
                for field, serial in plug_devices.items()
            }
        network, mirrored = _network_fields(current)
        sections[SECTION_NETWORK] = network
        sections[SECTION_MIRRORED] = mirrored
        return sections

    async def _async_check(
        self, schema: vol.Schema, user_input: Mapping[str, Any], plug_devices: Mapping[str, str]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Field errors of the entered options, and the placeholders of their messages.

        Each number must lie in its field's range; only the first wrong number is reported, as
        the range goes into the (form-wide) placeholders of its message.
        """
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        for key, number in schema.schema.items():
            if not isinstance(number, RangedNumber) or str(key) not in user_input:
                continue
            if not number.fits(user_input[str(key)]):
                errors[str(key)] = number.error
                placeholders = {"min": f"{number.minimum:g}", "max": f"{number.maximum:g}"}
                break
        host = str(user_input.get(CONF_LATENCY_HOST) or "").strip()
        if host and not await async_resolves(self.hass, host):
            errors[CONF_LATENCY_HOST] = "invalid_latency_host"
        url = str(user_input.get(CONF_SPEED_TEST_URL) or "").strip()
        if url and not is_http_url(url):
            errors[CONF_SPEED_TEST_URL] = "invalid_speed_test_url"
        for field in plug_devices:
            plug = user_input.get(field)
            if plug and not is_existing_switch(self.hass, str(plug)):
                errors[field] = "plug_not_a_switch"
        return errors, placeholders

    def _known_name(self, serial: str, blink_name: str | None) -> str:
        """The device's name as the user knows it: as renamed in Home Assistant, else Blink's.

        Not the Blink integration's own device name: it calls a Sync Module "blink <network>".
        """
        registry = dr.async_get(self.hass)
        # Linked, our entities sit on the Blink integration's device of the camera.
        device = registry.async_get_device_by_identifier(
            (DOMAIN, serial), self.config_entry.entry_id
        ) or registry.async_get_device_by_identifier(
            (BLINK_DOMAIN, serial), self.config_entry.data.get(CONF_BLINK_ENTRY_ID, "")
        )
        known = device and device.name_by_user
        return known or blink_name or serial

    def _plug_powered_devices(self) -> dict[str, str]:
        """Plug field key -> serial, for every camera and Sync Module a smart plug can restart.

        Battery devices are not offered: cutting a plug does not restart them.
        """
        runtime = getattr(self.config_entry, "runtime_data", None)
        snapshot = None if runtime is None else runtime.account.data
        if snapshot is None:
            return {}
        named = [
            (self._known_name(serial, camera.name), serial)
            for serial, camera in snapshot.cameras.items()
            if supports_plug_power_cycle(camera.product_type)
        ] + [
            (self._known_name(serial, module.name), serial)
            for serial, module in snapshot.sync_modules.items()
        ]
        devices: dict[str, str] = {}
        for name, serial in named:
            field = _plug_field(name, serial)
            if field in devices:  # same name and serial ending: spell the serial out
                field = f"{name} ({serial})"
            devices[field] = serial
        return devices


def _top_fields(current: Mapping[str, Any], *, own: bool) -> dict[Any, Any]:
    """Fields outside the sections: notifications and how often Blink is asked."""
    fields: dict[Any, Any] = {
        vol.Required(CONF_NOTIFICATIONS, default=current.get(CONF_NOTIFICATIONS, True)): bool,
        vol.Required(
            CONF_CONFIG_READ_MINUTES,
            default=current.get(CONF_CONFIG_READ_MINUTES, DEFAULT_CONFIG_READ_MINUTES),
        ): _number(0, 1440, 5, "min"),
    }
    if own:
        fields[
            vol.Required(
                CONF_SCAN_INTERVAL, default=current.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL)
            )
        ] = _number(MIN_SCAN_INTERVAL, 3600, 60, "s")
    return fields


def _form(
    top: Mapping[Any, Any],
    sections: Mapping[str, Mapping[Any, Any]],
    shown: Mapping[str, Mapping[str, Any]],
) -> vol.Schema:
    """The form: `top` fields, then each section showing the values in `shown`.

    The frontend fills a section's fields from the section's default only (it does not read
    the defaults or suggestions of the fields inside), so the section carries what it shows. The
    same default keeps a section's values when an answer leaves the section out.
    """
    return vol.Schema(
        dict(top)
        | {
            vol.Required(
                name,
                default={key: value for key, value in shown[name].items() if value is not None},
            ): section(vol.Schema(dict(fields)))
            for name, fields in sections.items()
        }
    )


def _shown(fields: Mapping[Any, Any]) -> dict[str, Any]:
    """The values a section's fields start with: each field's suggestion, else its default."""
    shown: dict[str, Any] = {}
    for key in fields:
        description = key.description if isinstance(key.description, dict) else {}
        value = description.get("suggested_value")
        if value is None and key.default is not vol.UNDEFINED:
            value = key.default()
        shown[str(key)] = value
    return shown


def _flatten(entered: Mapping[str, Any], sections: Mapping[str, Any]) -> dict[str, Any]:
    """The options as stored: each section's fields next to the fields outside sections."""
    flat = {key: value for key, value in entered.items() if key not in sections}
    for name in sections:
        flat.update(entered.get(name) or {})
    return flat


def _data_use(options: Mapping[str, Any]) -> dict[str, str]:
    """Placeholders of how often the speed test runs and how much it may move in 30 days."""
    hours = _as_number(options.get(CONF_SPEED_TEST_HOURS), DEFAULT_SPEED_TEST_HOURS)
    per_test = _as_number(options.get(CONF_MAX_DOWNLOAD_MB), DEFAULT_MAX_DOWNLOAD_MB) + _as_number(
        options.get(CONF_MAX_UPLOAD_MB), DEFAULT_MAX_UPLOAD_MB
    )
    runs = 30 * 24 / hours if hours > 0 else 0
    return {
        "speed_test_hours": f"{hours:g}",
        "speed_test_mb": f"{per_test:g}",
        "monthly_gb": f"{runs * per_test / 1000:.1f}",
    }


def _as_number(value: Any, default: float) -> float:
    return float(value) if isinstance(value, int | float) and value >= 0 else float(default)


def _network_fields(current: Mapping[str, Any]) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """Options of the latency and speed tests; sensors to mirror instead."""

    def suggested(key: str) -> dict[str, Any]:
        return {"suggested_value": current.get(key)}

    rate = EntitySelector(EntitySelectorConfig(domain="sensor", device_class="data_rate"))
    tests = {
        vol.Optional(CONF_LATENCY_HOST, description=suggested(CONF_LATENCY_HOST)): TextSelector(),
        vol.Required(
            CONF_LATENCY_PORT, default=current.get(CONF_LATENCY_PORT, DEFAULT_LATENCY_PORT)
        ): _number(1, 65535, 1),
        vol.Optional(CONF_SPEED_TEST_URL, description=suggested(CONF_SPEED_TEST_URL)): TextSelector(
            TextSelectorConfig(type=TextSelectorType.URL)
        ),
        vol.Required(
            CONF_SPEED_TEST_HOURS,
            default=current.get(CONF_SPEED_TEST_HOURS, DEFAULT_SPEED_TEST_HOURS),
        ): _number(0, 168, 1, "h"),
        vol.Required(
            CONF_MAX_DOWNLOAD_MB, default=current.get(CONF_MAX_DOWNLOAD_MB, DEFAULT_MAX_DOWNLOAD_MB)
        ): _number(1, 200, 1, "MB"),
        vol.Required(
            CONF_MAX_UPLOAD_MB, default=current.get(CONF_MAX_UPLOAD_MB, DEFAULT_MAX_UPLOAD_MB)
        ): _number(1, 100, 1, "MB"),
    }
    mirrored = {
        vol.Optional(CONF_MIRROR_DOWNLOAD, description=suggested(CONF_MIRROR_DOWNLOAD)): rate,
        vol.Optional(CONF_MIRROR_UPLOAD, description=suggested(CONF_MIRROR_UPLOAD)): rate,
        vol.Optional(
            CONF_MIRROR_LATENCY, description=suggested(CONF_MIRROR_LATENCY)
        ): EntitySelector(EntitySelectorConfig(domain="sensor", device_class="duration")),
    }
    return tests, mirrored
