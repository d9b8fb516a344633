"""The account coordinator: turns Blink data into account snapshots.

Linked mode adds no polling: it follows the update coordinator of HA's Blink entry and builds a
snapshot each time that one refreshes. Own sign-in mode polls Blink itself, at most every 300 s.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
    ConfigEntryState,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_connect
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
from .device_configs import DeviceConfigs, lists_devices
from .doctor.model import AccountSnapshot
from .doctor.snapshot import snapshot_from_blink
from .source import (
    BlinkUnreachableError,
    OwnSession,
    SourceUnavailableError,
    linked_blink,
    linked_coordinator,
)


def source_issue_id(entry_id: str) -> str:
    """Repair issue raised when the linked Blink entry cannot be read."""
    return f"source_{entry_id}"


class AccountCoordinator(DataUpdateCoordinator[AccountSnapshot]):
    """Holds the newest snapshot of the Blink account."""

    config_entry: ConfigEntry

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
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
        self._unsub_removed: CALLBACK_TYPE | None = None
        # What the current snapshot was built from, to add new config readings to it as is.
        self._source: tuple[Any, datetime, datetime | None] | None = None
        # True while the update under way only adds config readings to the same Blink poll.
        self.adding_readings = False
        self.device_configs = DeviceConfigs(
            hass, entry, blink=self.session_blink, on_new_readings=self._configs_arrived
        )
        entry.async_on_unload(self.async_add_listener(self._read_due_configs))

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
            return self._snapshot(self.own_session.blink, dt_util.utcnow())
        return self._linked_snapshot()

    def _snapshot(
        self, source: Any, taken_at: datetime, objects_at: datetime | None = None
    ) -> AccountSnapshot:
        """A snapshot of `source` with the newest config readings of Minis and doorbells.

        `objects_at` is how old blinkpy's camera objects are when the homescreen is newer.
        """
        self._source = (source, taken_at, objects_at)
        return snapshot_from_blink(
            source,
            now=taken_at,
            objects_at=objects_at,
            configs=self.device_configs.snapshot_configs(),
        )

    def session_blink(self) -> Any:
        """The blinkpy object whose session reads device configs (raises when unusable)."""
        if self.own_session is not None:
            return self.own_session.blink
        return linked_blink(self.hass, self.config_entry.data[CONF_BLINK_ENTRY_ID])

    @callback
    def _read_due_configs(self) -> None:
        if self.last_update_success:
            self.device_configs.async_read_due()

    @callback
    def _configs_arrived(self) -> None:
        """New config readings: the current snapshot with them added (not a new Blink poll)."""
        if self._source is None or not self.last_update_success:
            return
        self.adding_readings = True
        try:
            self.async_set_updated_data(self._snapshot(*self._source))
        finally:
            self.adding_readings = False

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
        if not lists_devices(blink.homescreen):
            # blinkpy keeps Blink's error answer (401, 429) as its homescreen and still moves its
            # refresh time on: nothing new arrived, so the last good snapshot stands as it was.
            if self.data is not None:
                return self.data
            raise UpdateFailed(translation_domain=DOMAIN, translation_key="blink_update_failed")
        # blinkpy records when it last refreshed; that is how old the data is.
        taken_at = _last_refresh(blink) or dt_util.utcnow()
        return self._snapshot(blink, taken_at)

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

    async def async_read_configs_now(self, serials: Collection[str]) -> None:
        """Re-read these Minis' and doorbells' configs now, into the current snapshot."""
        await self.device_configs.async_read_now(serials)
        self._configs_arrived()

    async def async_refresh_now(self, *, configs_of: Collection[str] = ()) -> None:
        """Fresh Blink data now, for a user who asked (check again, diagnostics, power cycle).

        Own sign-in refreshes our session. Linked mode never sends a request on HA's Blink's
        blinkpy object and never renews its sign-in: when its scan interval has passed, HA's Blink
        is asked to refresh through its own coordinator (we hear of the outcome); before that,
        asking it would fetch nothing, so the homescreen (online state, Wi-Fi and Sync Module
        bars) is read once with its current sign-in as it is, like the config reads. A refused
        or failed read leaves the last refresh standing with its own time: a reading is only as
        new as Blink's answer. The devices in `configs_of` (the cameras the user asked about)
        get their config re-read.
        """
        if self.own_session is not None:
            await self.async_refresh()  # refreshes our token first when it is about to expire
            await self.async_read_configs_now(configs_of)
            return
        await self.device_configs.async_read_now(configs_of)
        blink_entry_id = self.config_entry.data[CONF_BLINK_ENTRY_ID]
        try:
            blink = linked_blink(self.hass, blink_entry_id)
            core = linked_coordinator(self.hass, blink_entry_id)
        except SourceUnavailableError:
            await self.async_refresh()  # says why it cannot be read
            return
        if _refresh_due(blink):
            # Its listeners, ours among them, hear of the outcome.
            await core.async_request_refresh()
            return
        fetched = await self.device_configs.async_fetch_homescreen()
        if fetched is None or not core.last_update_success:
            await self.async_refresh()  # the last refresh, with the config readings just made
            return
        homescreen, fetched_at = fetched
        self.async_set_updated_data(
            self._snapshot(_WithHomescreen(blink, homescreen), fetched_at, _last_refresh(blink))
        )

    @callback
    def async_follow_blink(self) -> None:
        """Linked mode: refresh whenever HA's Blink entry refreshes or reloads."""
        blink_entry = self.hass.config_entries.async_get_entry(
            self.config_entry.data[CONF_BLINK_ENTRY_ID]
        )
        if blink_entry is not None:
            self._unsub_state = blink_entry.async_on_state_change(self._blink_state_changed)
        # Its state callbacks end with the unload; only this signal tells it was removed.
        self._unsub_removed = async_dispatcher_connect(
            self.hass, SIGNAL_CONFIG_ENTRY_CHANGED, self._config_entry_changed
        )
        self._subscribe_core()

    @callback
    def _config_entry_changed(self, change: ConfigEntryChange, entry: ConfigEntry) -> None:
        if (
            change is ConfigEntryChange.REMOVED
            and entry.entry_id == self.config_entry.data[CONF_BLINK_ENTRY_ID]
        ):
            self._blink_state_changed()

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
        if snapshot is not self.data:
            self.async_set_updated_data(snapshot)

    @callback
    def async_stop_following(self) -> None:
        """Drop every subscription to HA's Blink entry."""
        self._unsubscribe_core()
        if self._unsub_state is not None:
            self._unsub_state()
            self._unsub_state = None
        if self._unsub_removed is not None:
            self._unsub_removed()
            self._unsub_removed = None

    @callback
    def _store_tokens(self, login: dict[str, Any]) -> None:
        """Own sign-in: persist rotated tokens at once (the old refresh token stops working)."""
        self.hass.config_entries.async_update_entry(
            self.config_entry, data={**self.config_entry.data, CONF_LOGIN: login}
        )


def _last_refresh(blink: Any) -> datetime | None:
    """When HA's Blink's blinkpy last refreshed (None when it does not say)."""
    refreshed = getattr(blink, "last_refresh", None)
    if isinstance(refreshed, int | float) and not isinstance(refreshed, bool) and refreshed > 0:
        return datetime.fromtimestamp(refreshed, tz=UTC)
    return None


class _WithHomescreen:
    """HA's Blink's blinkpy object seen through a newer homescreen than its own (read-only)."""

    def __init__(self, blink: Any, homescreen: Mapping[str, Any]) -> None:
        self.homescreen = homescreen
        self.cameras = blink.cameras
        self.sync = blink.sync
        self.auth = blink.auth


def _refresh_due(blink: Any) -> bool:
    """Whether HA's Blink's blinkpy would send requests on its next (unforced) refresh."""
    check = getattr(blink, "check_if_ok_to_update", None)
    try:
        return bool(check()) if callable(check) else True
    except Exception:  # noqa: BLE001 - a foreign object's method may raise anything
        return True
