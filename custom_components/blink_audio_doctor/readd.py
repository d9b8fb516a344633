"""Guided camera re-add: Blink has no API to add a camera, so the user does it, guided by a repair.

A re-add records the camera (serial, name, network, camera id, the settings we can read), opens a
fixable repair issue whose flow walks through "delete it in the Blink app -> restart it (through
its smart plug when one is mapped) -> add it back", and watches the account for the camera's
disappearance and for the return of the same serial (with a new camera id). It asks Blink at most
once a minute, only while a re-add is open. When the camera is back it resolves the issue, fires
an event and leaves a notification. It never reloads HA's Blink entry on its own (a reload may
make Blink ask for the sign-in again): when that integration has no camera object for the
re-added camera yet, the issue turns into a question whose fix flow reloads it only when the
user chooses to. Entities are keyed by serial, so every entity id and its history stay as they
were; `serials_being_re_added` tells the clean-up of gone devices to keep the camera's entities.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_time_interval,
)
from homeassistant.helpers.storage import Store
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .const import (
    CONF_BLINK_ENTRY_ID,
    CONF_PLUGS,
    DEFAULT_RE_ADD_TIMEOUT,
    DOMAIN,
    EVENT_RE_ADD,
    LOGGER,
    RE_ADD_CHECK_INTERVAL,
)
from .data import BlinkAudioDoctorConfigEntry
from .doctor.model import AccountSnapshot, CameraSnapshot
from .readd_record import (
    ISSUE_KEY_NOT_SEEN,
    ISSUE_KEY_OPEN,
    ISSUE_KEY_RELOAD,
    STATE_DELETED,
    STATE_NOT_SEEN,
    STATE_WAITING_FOR_DELETE,
    STATES,
    ReAdd,
    blink_needs_reload,
    notification_id,
    re_add_issue_id,
    recorded_settings,
)
from .stored import async_load_mapping, re_add_fields, timestamp_now

DATA_RE_ADDS: HassKey[ReAddTracker] = HassKey(f"{DOMAIN}_re_adds")
STORAGE_KEY = f"{DOMAIN}.re_add"
STORAGE_VERSION = 1


class ReAddTracker:
    """Every open re-add of this Home Assistant instance."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Prepare; `async_start` loads the open re-adds."""
        self.hass = hass
        self._store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, STORAGE_KEY)
        self.open: dict[str, ReAdd] = {}
        self._deadline_timers: dict[str, CALLBACK_TYPE] = {}
        self._pollers: dict[str, CALLBACK_TYPE] = {}
        self._last_ask: dict[str, float] = {}
        # Finished re-adds whose camera HA's Blink integration shows only after a reload, with
        # the camera as it came back. Not stored: a restart sets HA's Blink up anew with it.
        self.reload_needed: dict[str, tuple[ReAdd, CameraSnapshot]] = {}

    async def async_start(self) -> None:
        """Load the open re-adds; raise their issues again; restart their time-outs."""
        stored = await async_load_mapping(self._store)
        raw_open = stored.get("open", [])
        if not isinstance(raw_open, list):
            LOGGER.warning("Ignoring the stored re-adds: not a list")
            raw_open = []
        for raw in raw_open:
            if (fields := re_add_fields(raw, STATES)) is None:
                LOGGER.warning("Dropping a damaged stored re-add")
                continue
            record = ReAdd(**fields)
            self.open[record.tracking_id] = record
            self._raise_issue(record)
            if record.state != STATE_NOT_SEEN:
                self._schedule_deadline(record)
        self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._stop)

    @callback
    def _stop(self, _event: Event) -> None:
        for cancel in [*self._deadline_timers.values(), *self._pollers.values()]:
            cancel()
        self._deadline_timers.clear()
        self._pollers.clear()

    # ------------------------------------------------------------------------- entries

    @callback
    def async_entry_loaded(self, entry: BlinkAudioDoctorConfigEntry) -> CALLBACK_TYPE:
        """Watch a loaded entry's data for its open re-adds; returns the unsubscribe."""

        @callback
        def updated() -> None:
            self._check(entry, entry.runtime_data.account.data)

        unsub = entry.runtime_data.account.async_add_listener(updated)
        self._update_poller(entry.entry_id)

        @callback
        def unload() -> None:
            unsub()
            if (cancel := self._pollers.pop(entry.entry_id, None)) is not None:
                cancel()

        updated()
        return unload

    @callback
    def serials(self, entry_id: str) -> set[str]:
        """Serials of the entry's cameras with an open re-add."""
        return {r.serial for r in self.open.values() if r.entry_id == entry_id}

    # ------------------------------------------------------------------------ start

    async def async_begin(
        self,
        entry: BlinkAudioDoctorConfigEntry,
        serial: str,
        *,
        device_id: str | None,
        timeout_seconds: float,
    ) -> ReAdd:
        """Start a guided re-add of a camera; raises ServiceValidationError when one is open."""
        snapshot = entry.runtime_data.account.data
        camera = None if snapshot is None else snapshot.cameras.get(serial)
        if serial in self.serials(entry.entry_id):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="re_add_already_open",
                translation_placeholders={"name": (camera.name if camera else None) or serial[-4:]},
            )
        if camera is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="re_add_not_a_camera"
            )
        now = timestamp_now()
        record = ReAdd(
            tracking_id=uuid.uuid4().hex[:12],
            entry_id=entry.entry_id,
            serial=serial,
            name=camera.name,
            device_id=device_id,
            camera_id=camera.camera_id,
            network_id=camera.network_id,
            product_type=camera.product_type,
            plug=entry.options.get(CONF_PLUGS, {}).get(serial),
            started_at=now,
            deadline=now + timeout_seconds,
            settings=recorded_settings(self.hass, entry, entry.runtime_data.account, camera),
        )
        self.open[record.tracking_id] = record
        await self._async_save()
        self._raise_issue(record)
        self._schedule_deadline(record)
        self._update_poller(entry.entry_id)
        self._fire(record, "started")
        return record

    async def async_start_serial(
        self, entry: BlinkAudioDoctorConfigEntry, serial: str
    ) -> dict[str, Any]:
        """Start a re-add with the action's defaults (repair flow); returns its response data."""
        record = await self.async_begin(
            entry, serial, device_id=None, timeout_seconds=DEFAULT_RE_ADD_TIMEOUT
        )
        return record.response()

    @callback
    def _check(self, entry: BlinkAudioDoctorConfigEntry, snapshot: AccountSnapshot | None) -> None:
        """Compare Blink data with every open re-add of the entry."""
        if snapshot is None or not entry.runtime_data.account.last_update_success:
            return
        for tracking_id, (record, back) in list(self.reload_needed.items()):
            if record.entry_id == entry.entry_id and not blink_needs_reload(
                self.hass, entry, entry.runtime_data.account, back
            ):
                # HA's Blink was reloaded or restarted meanwhile
                del self.reload_needed[tracking_id]
                ir.async_delete_issue(self.hass, DOMAIN, re_add_issue_id(tracking_id))
        for record in [r for r in self.open.values() if r.entry_id == entry.entry_id]:
            camera = snapshot.cameras.get(record.serial)
            if camera is None:
                if record.state == STATE_WAITING_FOR_DELETE:
                    record.state = STATE_DELETED
                    LOGGER.info("Re-add %s: the camera left the account", record.tracking_id)
                    self._save_later()
                continue
            new_id = camera.camera_id is not None and camera.camera_id != record.camera_id
            if record.state in (STATE_DELETED, STATE_NOT_SEEN) or new_id:
                self._complete(entry, record, camera)

    @callback
    def _complete(
        self, entry: BlinkAudioDoctorConfigEntry, record: ReAdd, camera: CameraSnapshot
    ) -> None:
        self.open.pop(record.tracking_id, None)
        if (cancel := self._deadline_timers.pop(record.tracking_id, None)) is not None:
            cancel()
        self._save_later()
        self._update_poller(entry.entry_id)
        reload_needed = blink_needs_reload(self.hass, entry, entry.runtime_data.account, camera)
        if reload_needed:
            self.reload_needed[record.tracking_id] = (record, camera)
            self._raise_issue(record, ISSUE_KEY_RELOAD)
        else:
            ir.async_delete_issue(self.hass, DOMAIN, re_add_issue_id(record.tracking_id))
        if not entry.runtime_data.account.linked:
            # Re-run the diagnosis on fresh data (linked mode's data is already fresh).
            self.hass.async_create_background_task(
                entry.runtime_data.account.async_request_refresh(), f"{DOMAIN} re-add refresh"
            )
        self._fire(record, "finished", outcome="completed", new_camera_id=camera.camera_id)
        self._notify(
            record,
            "re_added_reload_notification" if reload_needed else "re_added_notification",
            camera_id=camera.camera_id or "?",
        )

    async def async_reload_blink(self, tracking_id: str) -> bool:
        """Reload HA's Blink entry for a finished re-add, as the user chose; whether it loaded."""
        record, _ = self.reload_needed.pop(tracking_id)
        entry = self.hass.config_entries.async_get_entry(record.entry_id)
        blink_entry_id = entry.data.get(CONF_BLINK_ENTRY_ID) if entry else None
        if blink_entry_id is None:
            return False
        LOGGER.info("Reloading the Blink integration, as asked, to show the re-added camera")
        await self.hass.config_entries.async_reload(blink_entry_id)
        blink_entry = self.hass.config_entries.async_get_entry(blink_entry_id)
        return blink_entry is not None and blink_entry.state is ConfigEntryState.LOADED

    @callback
    def _notify(self, record: ReAdd, key: str, **placeholders: str) -> None:
        """Leave the re-add's notification, in Home Assistant's language."""

        async def notify() -> None:
            strings = await async_get_translations(
                self.hass, self.hass.config.language, "exceptions", [DOMAIN]
            )

            def text(name: str) -> str:
                return strings.get(f"component.{DOMAIN}.exceptions.{name}.message", name).format(
                    name=record.name or record.serial[-4:], **placeholders
                )

            persistent_notification.async_create(
                self.hass,
                text(key),
                text(f"{key}_title"),
                notification_id=notification_id(record.tracking_id),
            )

        self.hass.async_create_task(notify(), f"{DOMAIN} re-add notification", eager_start=True)

    @callback
    def _schedule_deadline(self, record: ReAdd) -> None:
        @callback
        def timed_out(_now: datetime) -> None:
            self._deadline_timers.pop(record.tracking_id, None)
            if self.open.get(record.tracking_id) is not record:
                return
            record.state = STATE_NOT_SEEN
            self._save_later()
            self._raise_issue(record)
            self._update_poller(record.entry_id)
            self._fire(record, "finished", outcome="timed_out")
            self._notify(record, "re_add_not_seen_notification")

        self._deadline_timers[record.tracking_id] = async_track_point_in_utc_time(
            self.hass, timed_out, dt_util.utc_from_timestamp(record.deadline)
        )

    @callback
    def _update_poller(self, entry_id: str) -> None:
        """Ask Blink once a minute while the entry has a re-add under way (not timed out)."""
        entry = self.hass.config_entries.async_get_entry(entry_id)
        wanted = (
            entry is not None
            and entry.state is ConfigEntryState.LOADED
            and any(
                r.entry_id == entry_id and r.state != STATE_NOT_SEEN for r in self.open.values()
            )
        )
        running = entry_id in self._pollers
        if wanted and not running:

            async def poll(_now: datetime) -> None:
                await self._async_ask_blink(entry_id)

            self._pollers[entry_id] = async_track_time_interval(
                self.hass, poll, RE_ADD_CHECK_INTERVAL, name=f"{DOMAIN} re-add check"
            )
        elif running and not wanted:
            self._pollers.pop(entry_id)()

    async def _async_ask_blink(self, entry_id: str) -> None:
        """One refresh through the entry's data source (at most once a minute)."""
        now = timestamp_now()
        if now - self._last_ask.get(entry_id, 0.0) < RE_ADD_CHECK_INTERVAL.total_seconds() - 1:
            return
        entry = self.hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return
        self._last_ask[entry_id] = now
        # Our listener on the account checks the new data.
        await entry.runtime_data.account.async_refresh_now()

    async def async_check_now(self, tracking_id: str) -> bool:
        """Check at once (still at most once a minute); return whether the re-add finished."""
        record = self.open.get(tracking_id)
        if record is None:
            return True
        await self._async_ask_blink(record.entry_id)
        return tracking_id not in self.open

    # ------------------------------------------------------------------------ helpers

    @callback
    def _raise_issue(self, record: ReAdd, translation_key: str | None = None) -> None:
        if translation_key is None:
            translation_key = (
                ISSUE_KEY_NOT_SEEN if record.state == STATE_NOT_SEEN else ISSUE_KEY_OPEN
            )
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            re_add_issue_id(record.tracking_id),
            data={"tracking_id": record.tracking_id},
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key=translation_key,
            translation_placeholders={"name": record.name or "", "serial": record.serial[-4:]},
        )

    def _fire(self, record: ReAdd, kind: str, **data: Any) -> None:
        self.hass.bus.async_fire(
            EVENT_RE_ADD,
            {
                "type": kind,
                "tracking_id": record.tracking_id,
                "device_id": record.device_id,
                "name": record.name,
                "old_camera_id": record.camera_id,
                **data,
            },
        )

    @callback
    def _save_later(self) -> None:
        self.hass.async_create_background_task(self._async_save(), f"{DOMAIN} save re-adds")

    async def _async_save(self) -> None:
        await self._store.async_save({"open": [asdict(r) for r in self.open.values()]})


def async_get_re_adds(hass: HomeAssistant) -> ReAddTracker:
    """The instance's re-add tracker (created by `async_setup`)."""
    return hass.data[DATA_RE_ADDS]


def serials_being_re_added(hass: HomeAssistant, entry_id: str) -> set[str]:
    """Serials of an entry's cameras with an open re-add: keep their entities and devices."""
    tracker = hass.data.get(DATA_RE_ADDS)
    return set() if tracker is None else tracker.serials(entry_id)
