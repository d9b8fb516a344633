"""The account coordinator: turns Blink data into account snapshots.

Linked mode adds no polling: it follows the update coordinator of HA's Blink entry and builds a
snapshot each time that one refreshes. Own sign-in mode polls Blink itself, at most every 300 s.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .const import (
    CONF_BLINK_ENTRY_ID,
    CONF_LOGIN,
    CONF_MODE,
    CONF_SCAN_INTERVAL,
    DEFAULT_SCAN_INTERVAL,
    DOMAIN,
    LOGGER,
    MIN_SCAN_INTERVAL,
    MODE_LINKED,
)
from .doctor.model import AccountSnapshot
from .doctor.snapshot import snapshot_from_blink
from .source import (
    BlinkUnreachableError,
    OwnSession,
    SourceUnavailableError,
    linked_blink,
    linked_coordinator,
)

if TYPE_CHECKING:
    from .data import BlinkAudioDoctorConfigEntry


def source_issue_id(entry_id: str) -> str:
    """Repair issue raised when the linked Blink entry cannot be read."""
    return f"source_{entry_id}"


class AccountCoordinator(DataUpdateCoordinator[AccountSnapshot]):
    """Holds the newest snapshot of the Blink account."""

    config_entry: BlinkAudioDoctorConfigEntry

    def __init__(self, hass: HomeAssistant, entry: BlinkAudioDoctorConfigEntry) -> None:
        """Set up for the entry's mode; linked mode has no update interval of its own."""
        self.linked = entry.data[CONF_MODE] == MODE_LINKED
        self.own_session: OwnSession | None = None
        interval: timedelta | None = None
        if not self.linked:
            seconds = max(
                MIN_SCAN_INTERVAL, int(entry.options.get(CONF_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL))
            )
            interval = timedelta(seconds=seconds)
            self.own_session = OwnSession(hass, entry, on_tokens_changed=self._store_tokens)
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} account",
            update_interval=interval,
        )
        self._unsub_core: CALLBACK_TYPE | None = None
        self._unsub_state: CALLBACK_TYPE | None = None

    async def _async_setup(self) -> None:
        if self.own_session is not None:
            await self.own_session.async_start()

    async def _async_update_data(self) -> AccountSnapshot:
        if self.own_session is not None:
            try:
                await self.own_session.async_refresh()
            except BlinkUnreachableError as err:
                raise UpdateFailed(
                    translation_domain=DOMAIN,
                    translation_key="blink_unreachable",
                    translation_placeholders={"error": str(err)},
                ) from err
            return snapshot_from_blink(self.own_session.blink, now=dt_util.utcnow())
        return self._linked_snapshot()

    def _linked_snapshot(self) -> AccountSnapshot:
        """Read HA's Blink entry as it is now; no request is sent."""
        blink_entry_id = self.config_entry.data[CONF_BLINK_ENTRY_ID]
        try:
            blink = linked_blink(self.hass, blink_entry_id)
            core = linked_coordinator(self.hass, blink_entry_id)
        except SourceUnavailableError as err:
            self._raise_source_issue(err)
            raise UpdateFailed(translation_domain=DOMAIN, translation_key=err.reason) from err
        ir.async_delete_issue(self.hass, DOMAIN, source_issue_id(self.config_entry.entry_id))
        if not core.last_update_success:
            raise UpdateFailed(translation_domain=DOMAIN, translation_key="blink_update_failed")
        # blinkpy records when it last refreshed; that is how old the data is.
        refreshed = getattr(blink, "last_refresh", None)
        taken_at = (
            datetime.fromtimestamp(refreshed, tz=UTC)
            if isinstance(refreshed, int | float) and refreshed > 0
            else dt_util.utcnow()
        )
        return snapshot_from_blink(blink, now=taken_at)

    def _raise_source_issue(self, err: SourceUnavailableError) -> None:
        if err.passing:
            return  # HA's Blink entry is loading or unloading; no reason to alarm anyone
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            source_issue_id(self.config_entry.entry_id),
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key=err.reason,
            translation_placeholders={"title": self.config_entry.title},
        )

    @callback
    def async_follow_blink(self) -> None:
        """Linked mode: refresh whenever HA's Blink entry refreshes or reloads."""
        blink_entry = self.hass.config_entries.async_get_entry(
            self.config_entry.data[CONF_BLINK_ENTRY_ID]
        )
        if blink_entry is not None:
            self._unsub_state = blink_entry.async_on_state_change(self._blink_state_changed)
        self._subscribe_core()

    @callback
    def _subscribe_core(self) -> None:
        self._unsubscribe_core()
        try:
            core = linked_coordinator(self.hass, self.config_entry.data[CONF_BLINK_ENTRY_ID])
        except SourceUnavailableError:
            return
        self._unsub_core = core.async_add_listener(self._core_updated)

    @callback
    def _unsubscribe_core(self) -> None:
        if self._unsub_core is not None:
            self._unsub_core()
            self._unsub_core = None

    @callback
    def _blink_state_changed(self) -> None:
        blink_entry = self.hass.config_entries.async_get_entry(
            self.config_entry.data[CONF_BLINK_ENTRY_ID]
        )
        if blink_entry is not None and blink_entry.state is ConfigEntryState.LOADED:
            self._subscribe_core()
        else:
            self._unsubscribe_core()
        self._core_updated()

    @callback
    def _core_updated(self) -> None:
        try:
            snapshot = self._linked_snapshot()
        except UpdateFailed as err:
            self.async_set_update_error(err)
            return
        self.async_set_updated_data(snapshot)

    @callback
    def async_stop_following(self) -> None:
        """Drop every subscription to HA's Blink entry."""
        self._unsubscribe_core()
        if self._unsub_state is not None:
            self._unsub_state()
            self._unsub_state = None

    @callback
    def _store_tokens(self, login: dict[str, Any]) -> None:
        """Own sign-in: persist rotated tokens at once (the old refresh token stops working)."""
        self.hass.config_entries.async_update_entry(
            self.config_entry, data={**self.config_entry.data, CONF_LOGIN: login}
        )
