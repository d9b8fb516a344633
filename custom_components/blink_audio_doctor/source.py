"""Where Blink data comes from: HA's own Blink integration (linked) or our own sign-in.

Linked mode reads the logged-in blinkpy object of HA's `blink` entry read-only and never asks
Blink for anything on a schedule; own mode keeps its own session, polls at most every 300 s and
never signs in with a password in the background (a refused token means reauthentication).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from aiohttp import ClientError, ClientHandlerType, ClientRequest, ClientResponse
from blinkpy.auth import Auth, BlinkTwoFARequiredError, TokenRefreshFailed, UnauthorizedError
from blinkpy.blinkpy import Blink
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers.aiohttp_client import async_create_clientsession
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .const import CONF_LOGIN, DOMAIN

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

# Keys of blinkpy's login attributes that are never stored: the password is asked for again at
# reauthentication instead.
_NEVER_STORED = ("password",)
_LOCAL_STORAGE_PATH = "/local_storage/"


class SourceUnavailableError(Exception):
    """Blink data cannot be had right now; `reason` is a translation key."""

    def __init__(self, reason: str, *, passing: bool = False) -> None:
        """Remember why, and whether it is a passing state (a reload under way)."""
        super().__init__(reason)
        self.reason = reason
        self.passing = passing


class BlinkUnreachableError(Exception):
    """Blink answered with an error, a malformed answer or not at all."""


def linked_blink(hass: HomeAssistant, blink_entry_id: str) -> Any:
    """Return the logged-in blinkpy object of HA's Blink entry, checked for the shape we read.

    Re-resolved on every use: HA's Blink integration creates a new object on each reload.
    """
    entry = hass.config_entries.async_get_entry(blink_entry_id)
    if entry is None:
        raise SourceUnavailableError("blink_entry_missing")
    if entry.state is not ConfigEntryState.LOADED:
        raise SourceUnavailableError(
            "blink_entry_not_loaded",
            passing=entry.state
            in (ConfigEntryState.SETUP_IN_PROGRESS, ConfigEntryState.UNLOAD_IN_PROGRESS),
        )
    blink = getattr(getattr(entry, "runtime_data", None), "api", None)
    if not (
        isinstance(getattr(blink, "cameras", None), Mapping)
        and isinstance(getattr(blink, "sync", None), Mapping)
        and isinstance(getattr(blink, "homescreen", None), Mapping)
    ):
        raise SourceUnavailableError("blink_unexpected_shape")
    return blink


def linked_coordinator(hass: HomeAssistant, blink_entry_id: str) -> DataUpdateCoordinator[Any]:
    """Return the update coordinator of HA's Blink entry (to follow its refreshes)."""
    linked_blink(hass, blink_entry_id)  # raises when the entry is not usable
    entry = hass.config_entries.async_get_entry(blink_entry_id)
    coordinator = getattr(entry, "runtime_data", None)
    if not isinstance(coordinator, DataUpdateCoordinator):
        raise SourceUnavailableError("blink_unexpected_shape")
    return coordinator


def storable_login(blink: Blink) -> dict[str, Any]:
    """Return blinkpy's login attributes without what must never be stored."""
    attributes = dict(blink.auth.login_attributes)
    for key in _NEVER_STORED:
        attributes.pop(key, None)
    return attributes


@dataclass
class ResponseRecorder:
    """Remembers the HTTP status codes of one session, to tell a refused token from an outage.

    blinkpy turns many failures into None or stale data; the status codes say what happened.
    """

    statuses: list[int] = field(default_factory=list)

    async def __call__(self, request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        """Aiohttp client middleware: record every response's status."""
        response = await handler(request)
        # blinkpy asks a Sync Module with USB storage for its clip manifest on every refresh and
        # carries on when Blink refuses (406); that says nothing about the account's data.
        if _LOCAL_STORAGE_PATH not in request.url.path:
            self.statuses.append(response.status)
        return response

    def clear(self) -> None:
        """Forget what was recorded."""
        self.statuses.clear()

    @property
    def saw_unauthorized(self) -> bool:
        """A request was refused for its token."""
        return HTTPStatus.UNAUTHORIZED in self.statuses

    @property
    def saw_rate_limit(self) -> bool:
        """Blink asked us to slow down."""
        return HTTPStatus.TOO_MANY_REQUESTS in self.statuses

    @property
    def saw_server_error(self) -> bool:
        """Blink failed on its side (or refused us, 406)."""
        return any(
            status >= HTTPStatus.INTERNAL_SERVER_ERROR or status == HTTPStatus.NOT_ACCEPTABLE
            for status in self.statuses
        )


class _NoPasswordAuth(Auth):  # type: ignore[misc]
    """blinkpy Auth that refuses to fall back to a password sign-in.

    blinkpy's start-up tries the refresh token and, if that fails, the full password flow, which
    can send the user a 2FA PIN at 3 am. In the background we only ever use tokens.
    """

    async def _oauth_login_flow(self) -> bool:
        raise UnauthorizedError

    # Blink retires a refresh token as soon as it hands out the next one, so each new token
    # is reported (through `callback`) the moment it lands, before any later request can
    # fail: blinkpy itself reports only the refreshes it makes before a request, not the one
    # at start-up.
    async def _process_token_data(self, token_data: dict[str, Any]) -> None:
        await super()._process_token_data(token_data)
        self._report_tokens()

    def extract_login_info(self) -> None:
        """Take the tokens from a refresh answer and report them at once."""
        super().extract_login_info()
        self._report_tokens()

    def _report_tokens(self) -> None:
        if self.callback is not None:
            self.callback()


def make_session_blink(
    hass: HomeAssistant, login_data: Mapping[str, Any], *, background: bool
) -> tuple[Blink, ResponseRecorder]:
    """Create a blinkpy Blink with its own session (own cookie jar) and a status recorder."""
    recorder = ResponseRecorder()
    session = async_create_clientsession(hass, middlewares=(recorder,))
    blink = Blink(session=session)
    auth_class = _NoPasswordAuth if background else Auth
    blink.auth = auth_class(dict(login_data), no_prompt=True, session=session)
    return blink, recorder


class OwnSession:
    """Our own signed-in Blink session (the fallback way in)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        *,
        on_tokens_changed: Callable[[dict[str, Any]], None],
    ) -> None:
        """Prepare the session from the stored tokens; nothing is sent yet."""
        self.blink, self._recorder = make_session_blink(
            hass, entry.data[CONF_LOGIN], background=True
        )
        # Our coordinator is the only caller and sets the pace (>= 300 s); blinkpy must not skip
        # a refresh we ask for because its own clock says it is too early.
        self.blink.refresh_rate = 0
        self._on_tokens_changed = on_tokens_changed
        self.blink.auth.callback = self._tokens_changed

    def _tokens_changed(self) -> None:
        self._on_tokens_changed(storable_login(self.blink))

    async def async_start(self) -> None:
        """Resume the session from the stored tokens (refresh grant only)."""
        try:
            await self._guarded(self.blink.start, setup=True)
        finally:
            # Saved as they arrive (see _NoPasswordAuth); again here, whatever the outcome, in
            # case a blinkpy version lands them elsewhere. Unchanged tokens are not written.
            self._tokens_changed()

    async def async_refresh(self) -> None:
        """Refresh the account's data; raises when the data cannot be trusted."""
        await self._guarded(self.blink.refresh, setup=False)

    async def _guarded(self, call: Callable[[], Awaitable[Any]], *, setup: bool) -> None:
        """Run a blinkpy call and say what its outcome means: good, reauth, or Blink is down."""
        self._recorder.clear()
        try:
            result = await call()
        except (BlinkTwoFARequiredError, UnauthorizedError) as err:
            if self._blink_failed():
                # The token refresh failed because Blink did, not because it refused us.
                raise self._unreachable(setup, "token refresh") from err
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="reauth_needed"
            ) from err
        except (
            ClientError,
            TimeoutError,
            TokenRefreshFailed,
            ValueError,  # malformed JSON
            AttributeError,  # blinkpy reading None (a failed request) as if it were data
            KeyError,
            TypeError,
        ) as err:
            raise self._unreachable(setup, type(err).__name__) from err
        if self._recorder.saw_unauthorized:
            raise ConfigEntryAuthFailed(translation_domain=DOMAIN, translation_key="reauth_needed")
        if result is False or self._blink_failed():
            raise self._unreachable(setup, str(sorted(set(self._recorder.statuses))))
        if not isinstance(self.blink.homescreen, Mapping) or not any(
            key in self.blink.homescreen for key in ("cameras", "owls", "doorbells", "sync_modules")
        ):
            raise self._unreachable(setup, "homescreen")

    def _blink_failed(self) -> bool:
        """Blink answered with an outage status, asked us to slow down, or not at all."""
        recorder = self._recorder
        return recorder.saw_rate_limit or recorder.saw_server_error or not recorder.statuses

    @staticmethod
    def _unreachable(setup: bool, detail: str) -> Exception:  # noqa: FBT001
        if setup:
            return ConfigEntryNotReady(translation_domain=DOMAIN, translation_key="cannot_connect")
        return BlinkUnreachableError(detail)
