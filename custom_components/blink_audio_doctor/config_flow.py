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
)
from homeassistant.const import CONF_PASSWORD, CONF_PIN, CONF_USERNAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.helpers.typing import DiscoveryInfoType

from .const import (
    BLINK_DOMAIN,
    CONF_ACCOUNT_ID,
    CONF_BLINK_ENTRY_ID,
    CONF_LOGIN,
    CONF_MODE,
    DOMAIN,
    MODE_LINKED,
    MODE_OWN,
)
from .migration import MINOR_VERSION as MIGRATED_MINOR_VERSION
from .options_flow import OptionsFlowHandler
from .source import ResponseRecorder, SourceUnavailableError, linked_blink, make_session_blink
from .source import storable_login as _storable_login

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


def _account_id(hass: HomeAssistant, blink_entry: ConfigEntry) -> str | None:
    """The Blink account a loaded Blink entry reads, or None when it cannot be told."""
    try:
        account_id = linked_blink(hass, blink_entry.entry_id).auth.account_id
    except SourceUnavailableError, AttributeError:
        return None
    return None if account_id is None else str(account_id)


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
    MINOR_VERSION = MIGRATED_MINOR_VERSION

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
        if self._get_reconfigure_entry().data.get(CONF_MODE) == MODE_LINKED:
            return await self.async_step_reconfigure_linked()
        return await self.async_step_reconfigure_own()

    # The reconfigure menu has one step per way in, so its text says which one is active now.
    async def async_step_reconfigure_linked(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Reconfigure menu of an entry reading HA's Blink integration."""
        return self._reconfigure_menu("reconfigure_linked")

    async def async_step_reconfigure_own(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Reconfigure menu of an entry signed in to Blink on its own."""
        return self._reconfigure_menu("reconfigure_own")

    def _reconfigure_menu(self, step_id: str) -> ConfigFlowResult:
        return self.async_show_menu(
            step_id=step_id,
            menu_options=["link", "sign_in"],
            description_placeholders={"account": self._get_reconfigure_entry().title},
        )

    # Discovery ------------------------------------------------------------------------------

    async def async_step_integration_discovery(
        self, discovery_info: DiscoveryInfoType
    ) -> ConfigFlowResult:
        """HA's Blink integration loaded an account: offer to look after its audio.

        The flow's unique id is that account's, the one a linked or signed-in entry gets, so an
        account already set up, or an offer the user ignored, ends it with `already_configured`.
        """
        blink_entry = self.hass.config_entries.async_get_entry(discovery_info[CONF_BLINK_ENTRY_ID])
        if blink_entry is None or blink_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="no_blink_entry")
        account_id = _account_id(self.hass, blink_entry)
        if account_id is None:
            return self.async_abort(reason="no_blink_entry")
        await self.async_set_unique_id(account_id)
        self._abort_if_unique_id_configured()
        self._discovered_blink_entry = blink_entry
        self.context["title_placeholders"] = {"title": blink_entry.title}
        return await self.async_step_discovery_confirm()

    async def async_step_dhcp(self, discovery_info: DhcpServiceInfo) -> ConfigFlowResult:
        """A Blink device appeared on the network: offer an account HA's Blink has loaded.

        Without a loaded Blink account we have nothing to offer (the Blink integration answers
        the sighting itself), so the flow ends unseen; with one, it is the same offer as
        integration discovery. This is how a first entry gets offered: Home Assistant starts
        discovery flows of integrations that have no entry yet only for matchers like these.
        """
        del discovery_info  # Which device was seen does not matter; its account does.
        configured = self._async_current_ids(include_ignore=True)
        for blink_entry in self.hass.config_entries.async_loaded_entries(BLINK_DOMAIN):
            account_id = _account_id(self.hass, blink_entry)
            if account_id is not None and account_id not in configured:
                return await self.async_step_integration_discovery(
                    {CONF_BLINK_ENTRY_ID: blink_entry.entry_id}
                )
        return self.async_abort(reason="no_blink_entry")

    async def async_step_discovery_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm linking the discovered account's Blink entry."""
        # Only reached from async_step_integration_discovery, which found the entry.
        blink_entry = cast("ConfigEntry", self._discovered_blink_entry)
        if user_input is not None:
            return await self.async_step_link({CONF_BLINK_ENTRY_ID: blink_entry.entry_id})
        return self.async_show_form(
            step_id="discovery_confirm", description_placeholders={"title": blink_entry.title}
        )

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
        taken = self._taken_blink_entry_ids()
        loaded = [entry for entry in loaded if entry.entry_id not in taken]
        if not loaded:
            return self.async_abort(reason="all_blink_entries_linked")
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
                    return await self._async_finish(
                        str(account_id),
                        self._blink_entry_account(
                            next(entry for entry in loaded if entry.entry_id == blink_entry_id)
                        ),
                        {CONF_MODE: MODE_LINKED, CONF_BLINK_ENTRY_ID: blink_entry_id},
                    )
        options = [
            SelectOptionDict(value=entry.entry_id, label=self._blink_entry_account(entry))
            for entry in loaded
        ]
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
            if self._username.strip().casefold() in self._known_accounts():
                # Known without asking Blink: no PIN is sent for an account already set up.
                return self.async_abort(reason="already_configured")
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

    @staticmethod
    def _blink_entry_account(blink_entry: ConfigEntry) -> str:
        """The Blink account (e-mail) of a Blink entry; HA names those entries just "blink"."""
        username = blink_entry.data.get(CONF_USERNAME)
        return username if isinstance(username, str) and username else blink_entry.title

    def _other_entries(self) -> list[ConfigEntry]:
        """Our entries apart from the one being reauthenticated or reconfigured."""
        current = self._existing_entry()
        return [
            entry
            for entry in self._async_current_entries(include_ignore=False)
            if current is None or entry.entry_id != current.entry_id
        ]

    def _taken_blink_entry_ids(self) -> set[str]:
        """Blink entries another of our entries reads already."""
        return {
            entry.data[CONF_BLINK_ENTRY_ID]
            for entry in self._other_entries()
            if CONF_BLINK_ENTRY_ID in entry.data
        }

    def _known_accounts(self) -> set[str]:
        """E-mail addresses (case-folded) of the Blink accounts set up already."""
        names: list[Any] = []
        for entry in self._other_entries():
            names += [entry.title, entry.data.get(CONF_LOGIN, {}).get(CONF_USERNAME)]
        taken = self._taken_blink_entry_ids()
        names += [
            self._blink_entry_account(blink_entry)
            for blink_entry in self.hass.config_entries.async_entries(BLINK_DOMAIN)
            if blink_entry.entry_id in taken
        ]
        return {name.strip().casefold() for name in names if isinstance(name, str)}

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
