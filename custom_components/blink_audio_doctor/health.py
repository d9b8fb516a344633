"""Two-way audio health per camera: the doctor's verdict, debounced, with repairs and notices.

Every new Blink snapshot is one evaluation: it counts toward the hysteresis (a problem must hold
for `unhealthy_after` evaluations before a camera is reported unhealthy). New network figures
refresh the diagnosis in between but only count when they bring a recovery, so one Blink poll is
never counted twice. The hysteresis state is stored, so a restart raises no false "recovered".
When a camera turns unhealthy, a repair issue and (unless turned off) a notification appear once;
both go away by themselves when it is healthy again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.components import persistent_notification
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.storage import Store
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util

from .const import (
    CONF_MAX_JOIN_S,
    CONF_MAX_LATENCY_MS,
    CONF_MAX_MEDIA_RTT_MS,
    CONF_MAX_PACKET_LOSS_PCT,
    CONF_MIN_DOWNLOAD_MBPS,
    CONF_MIN_SYNC_LINK_BARS,
    CONF_MIN_UPLOAD_MBPS,
    CONF_MIN_WIFI_BARS,
    CONF_MIN_WIFI_DBM,
    CONF_NOTIFICATIONS,
    CONF_UNHEALTHY_AFTER,
    DOMAIN,
    LOGGER,
    STALE_AFTER_POLLS,
)
from .doctor.hysteresis import HealthTracker, advance
from .doctor.model import AccountSnapshot, CameraSnapshot, Diagnosis, Finding, Thresholds, Verdict
from .doctor.rules import diagnose
from .stored import async_load_mapping
from .texts import figure, format_text, plural_category

if TYPE_CHECKING:
    from .coordinator import AccountCoordinator
    from .doctor.talk_path import TalkPathResult
    from .network import NetworkCoordinator
    from .network_reading import NetworkReading

STORE_VERSION = 1
BLINK_POLL = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class CameraHealth:
    """What the entities show for one camera."""

    diagnosis: Diagnosis
    verdict: Verdict  # debounced: what the binary sensor reports


_ISSUE_PREFIX = "unhealthy_"
_DIGEST = re.compile(r"[0-9a-f]{16}")


def issue_id(entry_id: str, serial: str) -> str:
    """The repair issue of an unhealthy camera.

    Every diagnostics download lists our issue ids, so the id holds a digest of the serial, not
    the serial; the issue's data names the camera for the repair flow.
    """
    return f"{_ISSUE_PREFIX}{entry_id}_{hashlib.sha256(serial.encode()).hexdigest()[:16]}"


@callback
def async_delete_issues_named_by_serial(hass: HomeAssistant, entry_id: str) -> None:
    """Delete unhealthy-camera issues of earlier versions, whose ids held the full serial.

    The issue registry keeps them (dismissed or not) across restarts, and so would downloads.
    """
    prefix = f"{_ISSUE_PREFIX}{entry_id}_"
    for domain, old_id in list(ir.async_get(hass).issues):
        if (
            domain == DOMAIN
            and old_id.startswith(prefix)
            and not _DIGEST.fullmatch(old_id.removeprefix(prefix))
        ):
            ir.async_delete_issue(hass, DOMAIN, old_id)


def notification_id(entry_id: str, serial: str) -> str:
    """The persistent notification of an unhealthy camera (stable: replaced, never repeated)."""
    return f"{DOMAIN}_{entry_id}_{serial}"


def thresholds_from_options(options: dict[str, Any], *, speed_known: bool) -> Thresholds:
    """The diagnosis thresholds the user chose (defaults: `Thresholds`).

    Without any speed figure (speed tests only on request and none run yet), the speed checks
    are off instead of leaving every camera "unknown" forever.
    """
    defaults = Thresholds()

    def number(key: str, default: float | None) -> Any:
        value = options.get(key, default)
        return value if isinstance(value, int | float) else default

    return Thresholds(
        min_wifi_bars=int(number(CONF_MIN_WIFI_BARS, defaults.min_wifi_bars)),
        min_wifi_dbm=int(number(CONF_MIN_WIFI_DBM, defaults.min_wifi_dbm)),
        min_sync_link_bars=int(number(CONF_MIN_SYNC_LINK_BARS, defaults.min_sync_link_bars)),
        min_download_mbps=number(CONF_MIN_DOWNLOAD_MBPS, defaults.min_download_mbps)
        if speed_known
        else None,
        min_upload_mbps=number(CONF_MIN_UPLOAD_MBPS, defaults.min_upload_mbps)
        if speed_known
        else None,
        max_latency_ms=number(CONF_MAX_LATENCY_MS, defaults.max_latency_ms),
        max_packet_loss_pct=number(CONF_MAX_PACKET_LOSS_PCT, defaults.max_packet_loss_pct),
        max_data_age=BLINK_POLL * STALE_AFTER_POLLS,
        unhealthy_after=int(number(CONF_UNHEALTHY_AFTER, defaults.unhealthy_after)),
        max_join_s=number(CONF_MAX_JOIN_S, defaults.max_join_s),
        max_media_rtt_ms=number(CONF_MAX_MEDIA_RTT_MS, defaults.max_media_rtt_ms),
    )


class HealthMonitor:
    """Judges every camera whenever its inputs change; raises and clears repairs."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        account: AccountCoordinator,
        network: NetworkCoordinator,
        talk_result: Callable[[str], TalkPathResult | None],
    ) -> None:
        """Prepare; nothing is judged before `async_start`."""
        self.hass = hass
        self.entry = entry
        self.account = account
        self.network = network
        self.talk_result = talk_result  # a camera's last talk-path test, by serial
        self.cameras: dict[str, CameraHealth] = {}
        self._trackers: dict[str, HealthTracker] = {}
        self._store: Store[dict[str, Any]] = Store(
            hass, STORE_VERSION, f"{DOMAIN}.{entry.entry_id}.health"
        )
        self._listeners: list[Callable[[], None]] = []

    async def async_start(self) -> None:
        """Restore the debounce state, judge once, and follow both coordinators."""
        async_delete_issues_named_by_serial(self.hass, self.entry.entry_id)
        stored = await async_load_mapping(self._store)
        trackers = stored.get("trackers", {})
        if isinstance(trackers, dict):
            # An unreadable state is a fresh one (from_dict): that camera is judged anew.
            self._trackers = {
                serial: HealthTracker.from_dict(data) for serial, data in trackers.items()
            }
        else:
            LOGGER.warning("Ignoring the stored health states: not an object")
        self.evaluate(count=False)
        self.entry.async_on_unload(self.account.async_add_listener(self._account_updated))
        self.entry.async_on_unload(self.network.async_add_listener(self._network_updated))

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Call `listener` after every evaluation."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _account_updated(self) -> None:
        # Config readings added to the same Blink poll are not another evaluation.
        self.evaluate(count=not self.account.adding_readings)

    @callback
    def _network_updated(self) -> None:
        self.evaluate(count=False)

    @callback
    def evaluate(self, *, count: bool) -> dict[str, CameraHealth]:
        """Judge every camera now; `count` makes this one evaluation of the hysteresis."""
        snapshot: AccountSnapshot | None = self.account.data
        if snapshot is None:
            return self.cameras
        reading = self.network.data
        metrics = reading.metrics() if reading is not None else None
        thresholds = thresholds_from_options(
            dict(self.entry.options),
            speed_known=self.network.speed_test_interval is not None
            or bool(metrics and metrics.download_mbps is not None),
        )
        now = dt_util.utcnow()
        results: dict[str, CameraHealth] = {}
        for serial, camera in snapshot.cameras.items():
            diagnosis = diagnose(
                camera,
                snapshot.sync_module_for(camera),
                metrics,
                thresholds,
                now=now,
                data_taken_at=snapshot.taken_at,
                talk=self.talk_result(serial),
            )
            before = self._trackers.get(serial, HealthTracker())
            tracker, verdict = advance(before, diagnosis, thresholds.unhealthy_after)
            if count or verdict in (Verdict.HEALTHY, Verdict.UNSUPPORTED):
                self._trackers[serial] = tracker
            else:
                verdict = before.reported  # in between Blink polls: only recoveries count
            results[serial] = CameraHealth(diagnosis, verdict)
            self._transition(
                serial,
                camera.name or serial,
                self.cameras.get(serial),
                results[serial],
                new_alarm=not before.unhealthy,
            )
        for serial in set(self._trackers) - set(results):
            del self._trackers[serial]  # gone from the account
        self.cameras = results
        self._store.async_delay_save(self._stored, 1)
        for listener in list(self._listeners):
            listener()
        return results

    async def async_save(self) -> None:
        """Write the debounce state now (the entry is unloading)."""
        await self._store.async_save(self._stored())

    def _stored(self) -> dict[str, Any]:
        return {"trackers": {serial: t.to_dict() for serial, t in self._trackers.items()}}

    @callback
    def _transition(
        self,
        serial: str,
        name: str,
        previous: CameraHealth | None,
        now: CameraHealth,
        *,
        new_alarm: bool,
    ) -> None:
        """Raise or clear the repair issue and the notification when the verdict changes.

        Unknown changes nothing: it is neither an alarm nor a recovery. One alarm lasts until a
        healthy evaluation (the stored hysteresis state remembers it across unknown stretches
        and restarts), so it notifies once: a notification the user dismissed stays dismissed.
        """
        if now.verdict is Verdict.UNHEALTHY:
            if previous is None or previous.verdict is not Verdict.UNHEALTHY:
                # Issues do not outlive a restart, so show it again; notify a new alarm only.
                self._raise(serial, name, now.diagnosis, notify=new_alarm)
            elif previous.diagnosis.code != now.diagnosis.code:
                self._raise(serial, name, now.diagnosis, notify=False)  # new cause, same alarm
        elif now.verdict in (Verdict.HEALTHY, Verdict.UNSUPPORTED):
            self._clear(serial)

    @callback
    def _raise(self, serial: str, name: str, diagnosis: Diagnosis, *, notify: bool = True) -> None:
        notify = notify and bool(self.entry.options.get(CONF_NOTIFICATIONS, True))
        self.entry.async_create_task(
            self.hass, self._async_raise(serial, name, diagnosis, notify=notify), eager_start=True
        )

    async def _async_raise(
        self, serial: str, name: str, diagnosis: Diagnosis, *, notify: bool
    ) -> None:
        """The repair issue (and the notification) in the user's language, with the cause."""
        cause = await describe_cause(self.hass, diagnosis)
        placeholders = {"name": name, "cause": cause}
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id(self.entry.entry_id, serial),
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key="camera_unhealthy",
            translation_placeholders=placeholders,
            data={"entry_id": self.entry.entry_id, "serial": serial},
        )
        if notify:
            title, message = await notification_texts(self.hass, name, cause)
            persistent_notification.async_create(
                self.hass, message, title, notification_id(self.entry.entry_id, serial)
            )

    @callback
    def _clear(self, serial: str) -> None:
        ir.async_delete_issue(self.hass, DOMAIN, issue_id(self.entry.entry_id, serial))
        persistent_notification.async_dismiss(
            self.hass, notification_id(self.entry.entry_id, serial)
        )

    async def async_recheck(self, *, configs_of: Collection[str] = ()) -> dict[str, CameraHealth]:
        """Fetch fresh data (cheaply, with the configs of `configs_of`) and judge again."""
        await self.account.async_refresh_now(configs_of=configs_of)
        return self.evaluate(count=True)


async def _strings(hass: HomeAssistant) -> dict[str, str]:
    """Our texts for causes and notices, in Home Assistant's language."""
    return await async_get_translations(hass, hass.config.language, "exceptions", [DOMAIN])


def _string(strings: dict[str, str], key: str, default: str) -> str:
    return strings.get(f"component.{DOMAIN}.exceptions.{key}.message", default)


def _finding_text(strings: dict[str, str], language: str, finding: Finding) -> str:
    # A finding with no figure (a camera that never joined) may have its own wording.
    never = _string(strings, f"cause_{finding.code}_never", "") if finding.measured is None else ""
    return format_text(
        never or _string(strings, f"cause_{finding.code}", finding.code),
        measured=_text(strings, language, finding.measured, finding.unit),
        threshold=_text(strings, language, finding.threshold, finding.unit),
    )


async def describe_cause(hass: HomeAssistant, diagnosis: Diagnosis) -> str:
    """The most important measured cause, in words, in the user's language."""
    strings = await _strings(hass)
    if diagnosis.failing:
        return _finding_text(strings, hass.config.language, diagnosis.failing[0])
    return _string(strings, f"cause_{diagnosis.code}", diagnosis.code)


async def notification_texts(hass: HomeAssistant, name: str, cause: str) -> tuple[str, str]:
    """The title and message of an unhealthy camera's notification, in the user's language."""
    strings = await _strings(hass)
    return (
        format_text(_string(strings, "notification_title", "{name}"), name=name),
        format_text(_string(strings, "notification_message", "{cause}"), name=name, cause=cause),
    )


async def describe_findings(hass: HomeAssistant, diagnosis: Diagnosis) -> str:
    """Every measured cause (or what is missing), one per line, in the user's language."""
    strings = await _strings(hass)
    language = hass.config.language
    # A reading Blink never sends for the model is said plainly, after what was measured.
    findings = (diagnosis.failing or diagnosis.missing) + diagnosis.not_reported
    if not findings:
        return _string(strings, f"cause_{diagnosis.code}", diagnosis.code)
    return "\n".join(f"- {_finding_text(strings, language, finding)}" for finding in findings)


def _text(strings: dict[str, str], language: str, value: object, unit: str | None) -> str:
    """A figure with its unit; a counted unit (bars) is a translated plural."""
    if value is None:
        return "?"
    if isinstance(value, float):
        value = round(value, 1)
    if isinstance(value, int | float) and unit is not None:
        key = f"unit_{unit}_{plural_category(language, value)}"
        if counted := _string(strings, key, ""):
            return format_text(counted, count=f"{value:g}")
    shown = figure(value) if isinstance(value, int | float) else str(value)
    return f"{shown} {unit}" if unit else shown


async def describe_measured(
    hass: HomeAssistant, camera: CameraSnapshot | None, reading: NetworkReading | None
) -> str:
    """The camera's and the home's figures, for the fix texts, in the user's language."""
    strings = await _strings(hass)

    def text(key: str, **values: object) -> str:
        return format_text(_string(strings, key, key), **values)

    parts = []
    if camera is not None:
        bars = camera.wifi_bars if camera.wifi_bars is not None else "?"
        parts.append(text("measured_wifi", bars=bars))
        if camera.wifi_dbm is not None:
            parts.append(f"{camera.wifi_dbm} dBm")
        if camera.sync_link_bars is not None:
            parts.append(text("measured_sync_link", bars=camera.sync_link_bars))
    if reading is not None:
        parts.append(
            text(
                "measured_network",
                download=figure(reading.download_mbps),
                upload=figure(reading.upload_mbps),
                latency=figure(reading.latency_ms),
            )
        )
    return " · ".join(parts)
