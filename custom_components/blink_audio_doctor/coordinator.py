"""The account coordinator: turns Blink data into account snapshots.

Linked mode adds no polling: it follows the update coordinator of HA's Blink entry and builds a
snapshot each time that one refreshes. Own sign-in mode polls Blink itself, at most every 300 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
    ConfigEntryState,
)
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, UnitOfDataRate, UnitOfTime
from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_state_change_event,
)
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.unit_conversion import DataRateConverter, DurationConverter
from yarl import URL

from .const import (
    CONF_BLINK_ENTRY_ID,
    CONF_LATENCY_HOST,
    CONF_LATENCY_PORT,
    CONF_LOGIN,
    CONF_MAX_DOWNLOAD_MB,
    CONF_MAX_UPLOAD_MB,
    CONF_MIRROR_DOWNLOAD,
    CONF_MIRROR_LATENCY,
    CONF_MIRROR_UPLOAD,
    CONF_MODE,
    CONF_SCAN_INTERVAL,
    CONF_SPEED_TEST_HOURS,
    CONF_SPEED_TEST_URL,
    DEFAULT_LATENCY_PORT,
    DEFAULT_MAX_DOWNLOAD_MB,
    DEFAULT_MAX_UPLOAD_MB,
    DEFAULT_SCAN_INTERVAL,
    DEFAULT_SPEED_TEST_HOURS,
    DOMAIN,
    FIRST_SPEED_TEST_DELAY,
    LATENCY_INTERVAL,
    LATENCY_SAMPLES,
    LOGGER,
    MAX_NETWORK_TESTS_PER_HOUR,
    MIN_SCAN_INTERVAL,
    MODE_LINKED,
    STARTUP_GRACE,
)
from .device_configs import DeviceConfigs, lists_devices
from .doctor import probes
from .doctor.model import AccountSnapshot, NetworkMetrics
from .doctor.probes import measure_download, measure_latency, measure_upload
from .doctor.snapshot import snapshot_from_blink
from .source import (
    BlinkUnreachableError,
    OwnSession,
    SourceUnavailableError,
    linked_blink,
    linked_coordinator,
)
from .stored import async_load_mapping, utc_datetime

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


@dataclass(frozen=True, slots=True)
class NetworkReading:
    """The home's internet as last measured (or mirrored from other sensors)."""

    latency_ms: float | None = None
    jitter_ms: float | None = None
    packet_loss_pct: float | None = None
    download_mbps: float | None = None
    upload_mbps: float | None = None
    speed_tested_at: datetime | None = None
    speed_test_bytes: int | None = None

    def metrics(self) -> NetworkMetrics:
        """The figures the diagnosis reads."""
        return NetworkMetrics(
            download_mbps=self.download_mbps,
            upload_mbps=self.upload_mbps,
            latency_ms=self.latency_ms,
            jitter_ms=self.jitter_ms,
            packet_loss_pct=self.packet_loss_pct,
            measured_at=self.speed_tested_at,
        )

    def as_response(self) -> dict[str, Any]:
        """JSON-friendly figures (action response data)."""
        return {
            "download_mbps": self.download_mbps,
            "upload_mbps": self.upload_mbps,
            "latency_ms": self.latency_ms,
            "jitter_ms": self.jitter_ms,
            "packet_loss_pct": self.packet_loss_pct,
            "speed_tested_at": self.speed_tested_at.isoformat() if self.speed_tested_at else None,
            "speed_test_bytes": self.speed_test_bytes,
        }


class NetworkCoordinator(DataUpdateCoordinator[NetworkReading]):
    """Latency, jitter and loss every 5 minutes; download and upload on their own schedule.

    The speed test never runs at start-up: its next run time is stored, so a restart neither
    repeats nor postpones it, and its last figures are stored too (they stay known after a
    restart). Instead of our own speed test, the options can mirror existing sensors.
    """

    config_entry: BlinkAudioDoctorConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: BlinkAudioDoctorConfigEntry, account: AccountCoordinator
    ) -> None:
        """Prepare; nothing is measured until the first update."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} network",
            update_interval=LATENCY_INTERVAL,
        )
        self._account = account
        self._store: Store[dict[str, Any]] = Store(hass, 1, f"{DOMAIN}.{entry.entry_id}.network")
        self._speed = NetworkReading()
        self._latency = NetworkReading()
        self._next_speed_test: datetime | None = None
        self._speed_test: asyncio.Task[NetworkReading] | None = None
        self._unsub_timer: CALLBACK_TYPE | None = None
        # The latency host that did not resolve at the last probe; None when it did.
        self.latency_error: str | None = None

    @property
    def mirrors(self) -> dict[str, str]:
        """Figure -> the sensor entity it is mirrored from (chosen in the options)."""
        options = self.config_entry.options
        return {
            figure: options[key]
            for figure, key in (
                ("download_mbps", CONF_MIRROR_DOWNLOAD),
                ("upload_mbps", CONF_MIRROR_UPLOAD),
                ("latency_ms", CONF_MIRROR_LATENCY),
            )
            if options.get(key)
        }

    @property
    def speed_test_interval(self) -> timedelta | None:
        """How often our own speed test runs; None when only on request or mirrored."""
        hours = float(
            self.config_entry.options.get(CONF_SPEED_TEST_HOURS, DEFAULT_SPEED_TEST_HOURS)
        )
        if hours <= 0 or {"download_mbps", "upload_mbps"} <= set(self.mirrors):
            return None
        return timedelta(hours=hours)

    @property
    def next_speed_test(self) -> datetime | None:
        """When the next scheduled speed test runs."""
        return self._next_speed_test

    async def async_start(self) -> None:
        """Restore the last speed figures and the schedule; measure latency in the background."""
        # Damaged values read as unknown (a schedule that cannot be read starts anew).
        stored = await async_load_mapping(self._store)
        tested_bytes = stored.get("speed_test_bytes")
        self._speed = NetworkReading(
            download_mbps=_float_or_none(stored.get("download_mbps")),
            upload_mbps=_float_or_none(stored.get("upload_mbps")),
            speed_tested_at=utc_datetime(stored.get("speed_tested_at")),
            speed_test_bytes=tested_bytes if type(tested_bytes) is int else None,
        )
        stored_next = utc_datetime(stored.get("next_speed_test"))
        now = dt_util.utcnow()
        if self.speed_test_interval is None:
            self._next_speed_test = None
        elif stored_next is None:
            self._next_speed_test = now + FIRST_SPEED_TEST_DELAY
            await self._async_save()
        else:
            # A test that fell due while Home Assistant was down waits a little: never at start-up.
            self._next_speed_test = max(stored_next, now + STARTUP_GRACE)
        self._schedule_speed_test()
        self.config_entry.async_on_unload(
            async_track_state_change_event(
                self.hass, list(self.mirrors.values()), self._mirrored_sensor_changed
            )
        )
        self.config_entry.async_on_unload(self._cancel_timer)
        # The first latency figures arrive in the background: an unreachable host must not hold
        # up the entry's start (five attempts may take ten seconds).
        self.config_entry.async_create_background_task(
            self.hass, self.async_refresh(), f"{DOMAIN} first latency probe"
        )

    async def _async_update_data(self) -> NetworkReading:
        host, port = self.latency_target()
        result = await measure_latency(host, port, samples=LATENCY_SAMPLES, timeout=2.0)
        # An unreachable target is 100 % loss (a measurement), and an unknown latency. A host
        # that does not resolve was never tried: loss is unknown too, and the log says why.
        if result.packet_loss_pct is None:
            if self.latency_error != host:
                LOGGER.warning(
                    "The latency test host %s does not resolve (%s); latency and packet loss "
                    "are unknown until it does",
                    host,
                    result.error,
                )
            self.latency_error = host
        elif self.latency_error is not None:
            LOGGER.info("The latency test host %s resolves again", host)
            self.latency_error = None
        self._latency = NetworkReading(
            latency_ms=_rounded(result.median_ms),
            jitter_ms=_rounded(result.jitter_ms),
            packet_loss_pct=None
            if result.packet_loss_pct is None
            else round(result.packet_loss_pct, 1),
        )
        return self._combined()

    def latency_target(self) -> tuple[str, int]:
        """Host and port of the latency probe: Blink's REST host of the account's region."""
        options = self.config_entry.options
        snapshot: AccountSnapshot | None = self._account.data
        region = snapshot.region if snapshot is not None else None
        host = options.get(CONF_LATENCY_HOST) or probes.blink_rest_host(region)
        return host, int(options.get(CONF_LATENCY_PORT) or DEFAULT_LATENCY_PORT)

    def _combined(self) -> NetworkReading:
        """Our latency and speed figures, with mirrored sensors in place of ours."""
        mirrors = self.mirrors

        def pick(figure: str, own: float | None) -> float | None:
            return self._mirrored(mirrors[figure], figure) if figure in mirrors else own

        return NetworkReading(
            latency_ms=pick("latency_ms", self._latency.latency_ms),
            jitter_ms=self._latency.jitter_ms,
            packet_loss_pct=self._latency.packet_loss_pct,
            download_mbps=pick("download_mbps", self._speed.download_mbps),
            upload_mbps=pick("upload_mbps", self._speed.upload_mbps),
            speed_tested_at=self._speed.speed_tested_at,
            speed_test_bytes=self._speed.speed_test_bytes,
        )

    def _mirrored(self, entity_id: str, figure: str) -> float | None:
        """A mirrored sensor's value in our unit; None when it is unavailable or not a number."""
        state = self.hass.states.get(entity_id)
        if state is None:
            return None
        try:
            value = float(state.state)
        except ValueError:
            return None
        unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
        try:
            if figure == "latency_ms":
                converted = DurationConverter.convert(
                    value, unit or UnitOfTime.MILLISECONDS, UnitOfTime.MILLISECONDS
                )
            else:
                converted = DataRateConverter.convert(
                    value,
                    unit or UnitOfDataRate.MEGABITS_PER_SECOND,
                    UnitOfDataRate.MEGABITS_PER_SECOND,
                )
        except HomeAssistantError:
            return None  # a unit we cannot convert
        return _rounded(converted)

    @callback
    def _mirrored_sensor_changed(self, event: Event[EventStateChangedData]) -> None:
        if self.data is not None:
            self.async_set_updated_data(self._combined())

    async def async_run_network_test(self) -> NetworkReading:
        """Measure latency and speed now, on request (action, button, repair).

        A request while a test runs joins that test. Beyond MAX_NETWORK_TESTS_PER_HOUR new tests
        of this entry in an hour, a request is refused (ServiceValidationError). A test that
        fails raises HomeAssistantError with the reason; the previous speed figures stay.
        """
        test = self._speed_test
        if test is None or test.done():
            self.async_check_test_allowed()
            log = self.hass.data.setdefault(DATA_NETWORK_TESTS, {})
            log[self.config_entry.entry_id] = [*self._recent_tests(), dt_util.utcnow()]
            test = self._start_test()
        return await asyncio.shield(test)

    @callback
    def _start_test(self) -> asyncio.Task[NetworkReading]:
        self._speed_test = self.config_entry.async_create_background_task(
            self.hass, self._run_network_test(), f"{DOMAIN} network test"
        )
        return self._speed_test

    def _recent_tests(self) -> list[datetime]:
        """Start times of this entry's tests on request in the last hour."""
        now = dt_util.utcnow()
        # Kept outside the coordinator, so reloading the entry does not reset the count.
        log = self.hass.data.get(DATA_NETWORK_TESTS, {})
        return [at for at in log.get(self.config_entry.entry_id, []) if now - at < _HOUR]

    @callback
    def async_check_test_allowed(self) -> None:
        """Raise ServiceValidationError when a new test on request would pass the hourly limit.

        A test already running can always be joined.
        """
        if self._speed_test is not None and not self._speed_test.done():
            return
        recent = self._recent_tests()
        if len(recent) >= MAX_NETWORK_TESTS_PER_HOUR:
            wait = recent[0] + _HOUR - dt_util.utcnow()
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="network_test_rate_limited",
                translation_placeholders={
                    "limit": str(MAX_NETWORK_TESTS_PER_HOUR),
                    "minutes": str(max(1, math.ceil(wait.total_seconds() / 60))),
                },
            )

    async def _run_network_test(self) -> NetworkReading:
        options = self.config_entry.options
        failure: HomeAssistantError | None = None
        if not {"download_mbps", "upload_mbps"} <= set(self.mirrors):
            session = async_get_clientsession(self.hass)
            url = options.get(CONF_SPEED_TEST_URL) or probes.DEFAULT_SPEED_URL
            download = await measure_download(
                session,
                url,
                max_bytes=int(options.get(CONF_MAX_DOWNLOAD_MB, DEFAULT_MAX_DOWNLOAD_MB)) * MB,
            )
            upload = await measure_upload(
                session,
                url,
                max_bytes=int(options.get(CONF_MAX_UPLOAD_MB, DEFAULT_MAX_UPLOAD_MB)) * MB,
            )
            if download.error or upload.error:
                server = URL(url).host or url
                LOGGER.warning(
                    "Speed test against %s failed (download: %s, upload: %s); the previous "
                    "figures are kept",
                    server,
                    download.error or "ok",
                    upload.error or "ok",
                )
                failure = HomeAssistantError(
                    translation_domain=DOMAIN,
                    translation_key="speed_test_failed",
                    translation_placeholders={
                        "server": server,
                        "download": download.error or "ok",
                        "upload": upload.error or "ok",
                    },
                )
            else:
                # Only a complete test replaces the figures and "Last speed test".
                self._speed = NetworkReading(
                    download_mbps=_rounded(download.mbps),
                    upload_mbps=_rounded(upload.mbps),
                    speed_tested_at=dt_util.utcnow(),
                    speed_test_bytes=download.bytes_used + upload.bytes_used,
                )
        interval = self.speed_test_interval
        self._next_speed_test = dt_util.utcnow() + interval if interval else None
        await self._async_save()
        self._schedule_speed_test()
        await self.async_refresh()  # fresh latency too, and every listener hears of it
        if failure is None and self.latency_error is not None:
            failure = HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="latency_host_unresolved",
                translation_placeholders={"host": self.latency_error},
            )
        if failure is not None:
            raise failure
        return self.data

    async def _async_save(self) -> None:
        speed = self._speed
        await self._store.async_save(
            {
                "download_mbps": speed.download_mbps,
                "upload_mbps": speed.upload_mbps,
                "speed_tested_at": speed.speed_tested_at.isoformat()
                if speed.speed_tested_at
                else None,
                "speed_test_bytes": speed.speed_test_bytes,
                "next_speed_test": self._next_speed_test.isoformat()
                if self._next_speed_test
                else None,
            }
        )

    @callback
    def _schedule_speed_test(self) -> None:
        self._cancel_timer()
        if self._next_speed_test is None or self.speed_test_interval is None:
            return
        self._unsub_timer = async_track_point_in_utc_time(
            self.hass, self._speed_test_due, self._next_speed_test
        )

    @callback
    def _speed_test_due(self, _now: datetime) -> None:
        self._unsub_timer = None
        self.config_entry.async_create_background_task(
            self.hass, self._async_scheduled_test(), f"{DOMAIN} scheduled network test"
        )

    async def _async_scheduled_test(self) -> None:
        """Run the scheduled test (not counted against the limit: the schedule bounds it)."""
        test = self._speed_test
        if test is None or test.done():
            test = self._start_test()
        with contextlib.suppress(HomeAssistantError):  # already logged with its reason
            await asyncio.shield(test)

    @callback
    def _cancel_timer(self) -> None:
        if self._unsub_timer is not None:
            self._unsub_timer()
            self._unsub_timer = None


MB = 1_000_000
_HOUR = timedelta(hours=1)
# Start times of the network tests on request, per entry (the rate limit).
DATA_NETWORK_TESTS: HassKey[dict[str, list[datetime]]] = HassKey(f"{DOMAIN}_network_tests")


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


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _float_or_none(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
