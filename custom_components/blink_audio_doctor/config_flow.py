"""Config flow of Blink Audio Doctor: link to HA's Blink integration, or sign in to Blink."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, cast

import probatio as vol
from aiohttp import ClientError
from blinkpy.auth import BlinkTwoFARequiredError, LoginError, TokenRefreshFailed, UnauthorizedError
from blinkpy.blinkpy import Blink
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_PASSWORD, CONF_PIN, CONF_USERNAME
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo

from .const import (
    BLINK_DOMAIN,
    CONF_ACCOUNT_ID,
    CONF_BLINK_ENTRY_ID,
    CONF_CONFIG_READ_MINUTES,
    CONF_LATENCY_HOST,
    CONF_LATENCY_PORT,
    CONF_LOGIN,
    CONF_MAX_DOWNLOAD_MB,
    CONF_MAX_LATENCY_MS,
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
    MODE_LINKED,
    MODE_OWN,
)
from .data import BlinkAudioDoctorConfigEntry
from .doctor.capabilities import supports_plug_power_cycle
from .option_checks import RangedNumber, async_resolves, is_existing_switch, is_http_url
from .source import ResponseRecorder, SourceUnavailableError, linked_blink, make_session_blink
from .source import storable_login as _storable_login

# Unique id of a discovery made while no Blink account is known: ignoring it ends such offers.
DISCOVERY_UNIQUE_ID = "discovered_blink_device"

USER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_USERNAME): TextSelector(
            TextSelectorConfig(type=TextSelectorType.EMAIL, autocomplete="username")
        ),
        vol.Required(CONF_PASSWORD): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
        ),
    }
)
PIN_SCHEMA = vol.Schema({vol.Required(CONF_PIN): str})


class SignInError(Exception):
    """Signing in failed; `error` is the translation key shown on the form."""

    def __init__(self, error: str) -> None:
        """Remember which error to show."""
        super().__init__(error)
        self.error = error


def _classify_failure(recorder: ResponseRecorder) -> str:
    """Tell a refused password from an outage by what Blink answered."""
    if recorder.saw_rate_limit:
        return "rate_limited"
    if recorder.saw_server_error or not recorder.statuses:
        return "cannot_connect"
    return "invalid_auth"


class BlinkAudioDoctorConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up Blink Audio Doctor: link to HA's Blink integration or sign in to Blink."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with no sign-in under way."""
        self._blink: Blink | None = None
        self._recorder: ResponseRecorder | None = None
        self._username: str | None = None
        self._discovered_blink_entry: ConfigEntry | None = None

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlowHandler:  # noqa: ARG004
        """Options: thresholds, smart plugs, notifications."""
        return OptionsFlowHandler()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Offer the two ways in."""
        return self.async_show_menu(step_id="user", menu_options=["link", "sign_in"])

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Switch between linking and signing in, or change the credentials."""
        return self.async_show_menu(step_id="reconfigure", menu_options=["link", "sign_in"])

    # Discovery ------------------------------------------------------------------------------

    async def async_step_dhcp(self, discovery_info: DhcpServiceInfo) -> ConfigFlowResult:
        """A Blink camera or Sync Module joined the network: offer to look after its audio.

        With a Blink account in HA's Blink integration that we do not read yet, the offer goes
        straight to linking it. Ignoring the offer (or an account already set up) ends it for
        good: the flow's unique id is that account's, or a fixed one without any Blink entry.
        """
        unlinked = self._unlinked_blink_accounts()
        if unlinked:
            account_id, blink_entry = unlinked[0]
            await self.async_set_unique_id(account_id)
            self._abort_if_unique_id_configured()
            self._discovered_blink_entry = blink_entry
            self.context["title_placeholders"] = {"title": blink_entry.title}
            return await self.async_step_discovery_confirm()
        if self._async_current_entries(include_ignore=False):
            return self.async_abort(reason="already_configured")
        await self.async_set_unique_id(DISCOVERY_UNIQUE_ID)
        self._abort_if_unique_id_configured()
        return await self.async_step_user()

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm linking the discovered account's Blink entry."""
        # Only reached from async_step_dhcp, which found the entry.
        blink_entry = cast("ConfigEntry", self._discovered_blink_entry)
        if user_input is not None:
            return await self.async_step_link({CONF_BLINK_ENTRY_ID: blink_entry.entry_id})
        return self.async_show_form(
            step_id="discovery_confirm", description_placeholders={"title": blink_entry.title}
        )

    def _unlinked_blink_accounts(self) -> list[tuple[str, ConfigEntry]]:
        """Loaded Blink entries whose account Blink Audio Doctor does not look after yet."""
        # Ignored offers stay in the list: their unique id then ends the new offer.
        configured = {
            entry.unique_id for entry in self._async_current_entries(include_ignore=False)
        }
        unlinked = []
        for entry in self.hass.config_entries.async_entries(BLINK_DOMAIN):
            try:
                account_id = linked_blink(self.hass, entry.entry_id).auth.account_id
            except SourceUnavailableError, AttributeError:
                continue
            if account_id is not None and str(account_id) not in configured:
                unlinked.append((str(account_id), entry))
        return unlinked

    # Link to HA's Blink integration -------------------------------------------------------

    async def async_step_link(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Pick the loaded Blink entry to read from; no credentials asked."""
        loaded = [
            entry
            for entry in self.hass.config_entries.async_entries(BLINK_DOMAIN)
            if entry.state is ConfigEntryState.LOADED
        ]
        if not loaded:
            return self.async_abort(reason="no_blink_entry")
        errors: dict[str, str] = {}
        if user_input is not None:
            blink_entry_id = user_input[CONF_BLINK_ENTRY_ID]
            try:
                account_id = linked_blink(self.hass, blink_entry_id).auth.account_id
            except SourceUnavailableError, AttributeError:
                errors["base"] = "blink_entry_unusable"
            else:
                if account_id is None:
                    errors["base"] = "blink_entry_unusable"
                else:
                    blink_entry = self.hass.config_entries.async_get_entry(blink_entry_id)
                    title = blink_entry.title if blink_entry else "Blink"
                    return await self._async_finish(
                        str(account_id),
                        title,
                        {CONF_MODE: MODE_LINKED, CONF_BLINK_ENTRY_ID: blink_entry_id},
                    )
        options = [SelectOptionDict(value=entry.entry_id, label=entry.title) for entry in loaded]
        return self.async_show_form(
            step_id="link",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_BLINK_ENTRY_ID, default=loaded[0].entry_id): SelectSelector(
                        SelectSelectorConfig(options=options)
                    )
                }
            ),
            errors=errors,
        )

    # Sign in to Blink ---------------------------------------------------------------------

    async def async_step_sign_in(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the Blink username and password and try them."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._username = user_input[CONF_USERNAME]
            login_data: dict[str, Any] = {**user_input}
            if hardware_id := self._existing_hardware_id():
                # Keep the device identity Blink knows us by (no new "phone" in the Blink app).
                login_data["hardware_id"] = hardware_id
            blink, recorder = make_session_blink(self.hass, login_data, background=False)
            self._blink, self._recorder = blink, recorder
            try:
                return await self._async_try(blink, recorder, blink.start)
            except BlinkTwoFARequiredError:
                return await self.async_step_two_factor()
            except SignInError as err:
                errors["base"] = err.error
        return self.async_show_form(
            step_id="sign_in",
            data_schema=self.add_suggested_values_to_schema(
                USER_SCHEMA, {CONF_USERNAME: self._username or self._known_username()}
            ),
            errors=errors,
        )

    async def async_step_two_factor(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the PIN Blink sent; the same session continues the same sign-in."""
        errors: dict[str, str] = {}
        if user_input is not None and self._blink is not None and self._recorder is not None:
            blink = self._blink
            try:
                return await self._async_try(
                    blink, self._recorder, lambda: blink.send_2fa_code(user_input[CONF_PIN])
                )
            except SignInError as err:
                errors["base"] = "invalid_2fa" if err.error == "invalid_auth" else err.error
        return self.async_show_form(step_id="two_factor", data_schema=PIN_SCHEMA, errors=errors)

    async def _async_try(
        self, blink: Blink, recorder: ResponseRecorder, sign_in: Callable[[], Awaitable[Any]]
    ) -> ConfigFlowResult:
        """Run a blinkpy sign-in step; on success, create or update the entry."""
        recorder.clear()
        try:
            result = await sign_in()
        except BlinkTwoFARequiredError:
            raise
        except (ClientError, TimeoutError) as err:
            raise SignInError("cannot_connect") from err
        except (LoginError, TokenRefreshFailed, UnauthorizedError) as err:
            raise SignInError(_classify_failure(recorder)) from err
        except Exception as err:
            raise SignInError("unknown") from err
        if result is False or not blink.available or blink.auth.account_id is None:
            raise SignInError(_classify_failure(recorder))
        return await self._async_finish(
            str(blink.auth.account_id),
            self._username or "Blink",
            {CONF_MODE: MODE_OWN, CONF_LOGIN: _storable_login(blink)},
        )

    # Reauthentication (own sign-in only) ----------------------------------------------------

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Blink refused our tokens: sign in again."""
        return await self.async_step_sign_in()

    # Shared -------------------------------------------------------------------------------

    def _existing_entry(self) -> ConfigEntry | None:
        if self.source == SOURCE_REAUTH:
            return self._get_reauth_entry()
        if self.source == SOURCE_RECONFIGURE:
            return self._get_reconfigure_entry()
        return None

    def _existing_hardware_id(self) -> str | None:
        entry = self._existing_entry()
        if entry is None:
            return None
        hardware_id = entry.data.get(CONF_LOGIN, {}).get("hardware_id")
        return hardware_id if isinstance(hardware_id, str) else None

    def _known_username(self) -> str | None:
        entry = self._existing_entry()
        if entry is None:
            return None
        username = entry.data.get(CONF_LOGIN, {}).get(CONF_USERNAME)
        return username if isinstance(username, str) else None

    async def _async_finish(
        self, account_id: str, title: str, data: dict[str, Any]
    ) -> ConfigFlowResult:
        """Create the entry, or update the one being reauthenticated or reconfigured."""
        await self.async_set_unique_id(account_id)
        data[CONF_ACCOUNT_ID] = account_id
        entry = self._existing_entry()
        if entry is None:
            self._abort_if_unique_id_configured()
            return self.async_create_entry(title=title, data=data)
        self._abort_if_unique_id_mismatch(reason="wrong_account")
        return self.async_update_reload_and_abort(entry, title=title, data=data)


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
        """One form with every option; a wrong value is a field error and nothing is saved."""
        plug_devices = self._plug_powered_devices()
        current = self.config_entry.options
        current_plugs: dict[str, str] = current.get(CONF_PLUGS, {})
        schema: dict[Any, Any] = {
            vol.Required(CONF_MIN_WIFI_BARS, default=current.get(CONF_MIN_WIFI_BARS, 3)): _number(
                1, 5, 1
            ),
            vol.Required(CONF_MIN_WIFI_DBM, default=current.get(CONF_MIN_WIFI_DBM, -70)): _number(
                -95, -40, 1, "dBm"
            ),
            vol.Required(
                CONF_MIN_SYNC_LINK_BARS, default=current.get(CONF_MIN_SYNC_LINK_BARS, 3)
            ): _number(1, 5, 1),
            vol.Required(
                CONF_MIN_DOWNLOAD_MBPS, default=current.get(CONF_MIN_DOWNLOAD_MBPS, 2.0)
            ): _number(0.5, 100, 0.5, "Mbit/s"),
            vol.Required(
                CONF_MIN_UPLOAD_MBPS, default=current.get(CONF_MIN_UPLOAD_MBPS, 2.0)
            ): _number(0.5, 100, 0.5, "Mbit/s"),
            vol.Required(
                CONF_MAX_LATENCY_MS, default=current.get(CONF_MAX_LATENCY_MS, 100)
            ): _number(20, 1000, 5, "ms"),
            vol.Required(
                CONF_MAX_PACKET_LOSS_PCT, default=current.get(CONF_MAX_PACKET_LOSS_PCT, 5)
            ): _number(1, 50, 1, "%"),
            vol.Required(
                CONF_UNHEALTHY_AFTER, default=current.get(CONF_UNHEALTHY_AFTER, 2)
            ): _number(1, 10, 1),
            vol.Required(CONF_NOTIFICATIONS, default=current.get(CONF_NOTIFICATIONS, True)): bool,
            vol.Required(
                CONF_CONFIG_READ_MINUTES,
                default=current.get(CONF_CONFIG_READ_MINUTES, DEFAULT_CONFIG_READ_MINUTES),
            ): _number(0, 1440, 5, "min"),
        }
        schema.update(_network_fields(current))
        if self.config_entry.data.get(CONF_MODE) == MODE_OWN:
            schema[
                vol.Required(
                    CONF_SCAN_INTERVAL,
                    default=current.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL),
                )
            ] = _number(MIN_SCAN_INTERVAL, 3600, 60, "s")
        for field, serial in plug_devices.items():
            key = vol.Optional(field, description={"suggested_value": current_plugs.get(serial)})
            # The picker offers switches; the step itself refuses anything else, translated.
            schema[key] = EntitySelector(EntitySelectorConfig(filter={"domain": "switch"}))
        data_schema = vol.Schema(schema)
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if user_input is not None:
            errors, placeholders = await self._async_check(data_schema, user_input, plug_devices)
            if not errors:
                plugs = {
                    serial: user_input[field]
                    for field, serial in plug_devices.items()
                    if user_input.get(field)
                }
                options = {
                    key: value for key, value in user_input.items() if key not in plug_devices
                }
                options[CONF_PLUGS] = plugs
                for text in (CONF_LATENCY_HOST, CONF_SPEED_TEST_URL):
                    if text in options:  # saved as checked
                        options[text] = str(options[text]).strip()
                return self.async_create_entry(data=options)
            # Show the form again with what was entered (a field left empty stays empty).
            entered = {str(key): user_input.get(str(key)) for key in data_schema.schema}
            data_schema = self.add_suggested_values_to_schema(data_schema, entered)
        return self.async_show_form(
            step_id="init",
            data_schema=data_schema,
            errors=errors,
            description_placeholders=placeholders,
        )

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

    def _plug_powered_devices(self) -> dict[str, str]:
        """Plug field key -> serial, for every camera and Sync Module a smart plug can restart.

        Battery devices are not offered: cutting a plug does not restart them.
        """
        runtime = getattr(self.config_entry, "runtime_data", None)
        snapshot = None if runtime is None else runtime.account.data
        if snapshot is None:
            return {}
        named = [
            (camera.name or serial, serial)
            for serial, camera in snapshot.cameras.items()
            if supports_plug_power_cycle(camera.product_type)
        ] + [(module.name or serial, serial) for serial, module in snapshot.sync_modules.items()]
        devices: dict[str, str] = {}
        for name, serial in named:
            field = _plug_field(name, serial)
            if field in devices:  # same name and serial ending: spell the serial out
                field = f"{name} ({serial})"
            devices[field] = serial
        return devices


def _network_fields(current: Mapping[str, Any]) -> dict[Any, Any]:
    """Options of the latency and speed tests, and sensors to mirror instead."""

    def suggested(key: str) -> dict[str, Any]:
        return {"suggested_value": current.get(key)}

    rate = EntitySelector(EntitySelectorConfig(domain="sensor", device_class="data_rate"))
    return {
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
        vol.Optional(CONF_MIRROR_DOWNLOAD, description=suggested(CONF_MIRROR_DOWNLOAD)): rate,
        vol.Optional(CONF_MIRROR_UPLOAD, description=suggested(CONF_MIRROR_UPLOAD)): rate,
        vol.Optional(
            CONF_MIRROR_LATENCY, description=suggested(CONF_MIRROR_LATENCY)
        ): EntitySelector(EntitySelectorConfig(domain="sensor", device_class="duration")),
    }


def _number(minimum: float, maximum: float, step: float, unit: str | None = None) -> Any:
    return RangedNumber(minimum, maximum, step, unit)
