"""The network coordinator: latency every 5 minutes, speed tests on their schedule or on request.

Its figures can be mirrored from other sensors instead; tests on request are rate-limited per entry.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, UnitOfDataRate, UnitOfTime
from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_state_change_event,
)
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey
from homeassistant.util.unit_conversion import DataRateConverter, DurationConverter
from yarl import URL

from .const import (
    CONF_LATENCY_HOST,
    CONF_LATENCY_PORT,
    CONF_MAX_DOWNLOAD_MB,
    CONF_MAX_UPLOAD_MB,
    CONF_MIRROR_DOWNLOAD,
    CONF_MIRROR_LATENCY,
    CONF_MIRROR_UPLOAD,
    CONF_SPEED_TEST_HOURS,
    CONF_SPEED_TEST_URL,
    DEFAULT_LATENCY_PORT,
    DEFAULT_MAX_DOWNLOAD_MB,
    DEFAULT_MAX_UPLOAD_MB,
    DEFAULT_SPEED_TEST_HOURS,
    DOMAIN,
    FIRST_SPEED_TEST_DELAY,
    LATENCY_INTERVAL,
    LATENCY_SAMPLES,
    LOGGER,
    LOSS_MIN_ATTEMPTS,
    LOSS_WINDOW,
    MAX_NETWORK_TESTS_PER_HOUR,
    STARTUP_GRACE,
)
from .coordinator import AccountCoordinator
from .doctor import probes
from .doctor.loss_window import LossWindow
from .doctor.model import AccountSnapshot
from .doctor.probes import measure_latency
from .doctor.speed import DEFAULT_SPEED_URL, measure_download, measure_upload
from .network_reading import NetworkReading
from .stored import async_load_mapping, number, utc_datetime


class NetworkCoordinator(DataUpdateCoordinator[NetworkReading]):
    """Latency, jitter and loss every 5 minutes; download and upload on their own schedule.

    The speed test never runs at start-up: its next run time is stored, so a restart neither
    repeats nor postpones it, and its last figures are stored too (they stay known after a
    restart). Instead of our own speed test, the options can mirror existing sensors.
    """

    config_entry: ConfigEntry

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, account: AccountCoordinator
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
        self._loss = LossWindow(LOSS_WINDOW, LOSS_MIN_ATTEMPTS)

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
            download_mbps=number(stored.get("download_mbps")),
            upload_mbps=number(stored.get("upload_mbps")),
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
        samples = self._loss.attempts_for_round(LATENCY_SAMPLES)
        result = await measure_latency(host, port, samples=samples, timeout=2.0)
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
            packet_loss_pct=self._loss.add(result),
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
            url = options.get(CONF_SPEED_TEST_URL) or DEFAULT_SPEED_URL
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


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
