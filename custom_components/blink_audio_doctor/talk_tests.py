"""Talk-path tests on request: the rate limits, the stored results, the answer to the caller.

A test asks Blink for a live view of one camera (talk_path.py, doctor/talk_path.py). That wakes
the camera, and a battery camera spends battery on it, so a test runs only when a person or an
automation asks for one (action, button, repair flow): never at start-up, never on a schedule,
at most once per `TALK_PATH_CAMERA_COOLDOWN` per camera and `MAX_TALK_PATH_TESTS_PER_HOUR` per
account (Blink account = config entry). Beyond that the call is refused with a translated error
that says when the next test may run. The start times and each camera's last measured result are
stored, so a restart or reload neither resets the limits nor forgets the result; a result counts
in the diagnosis for `Thresholds.talk_max_age` (doctor/talk_rules.py). A camera that Blink reports
offline and then online again has restarted: its earlier result no longer describes it and is
dropped (a camera tested while offline never joins, and that should not outlive its recovery).
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from . import talk_path
from .const import (
    DOMAIN,
    LOGGER,
    MAX_TALK_PATH_TESTS_PER_HOUR,
    TALK_PATH_CAMERA_COOLDOWN,
)
from .doctor.talk_path import TalkOutcome, TalkPathResult, run_talk_path
from .source import SourceUnavailableError
from .stored import async_load_mapping, number, text

if TYPE_CHECKING:
    from .coordinator import AccountCoordinator
    from .health import CameraHealth, HealthMonitor

STORE_VERSION = 1
_HOUR = timedelta(hours=1)
# How long the camera may take to join before the test gives up on it (the doctor's default;
# Blink is asked for the command's status every POLL_INTERVAL_S meanwhile).
JOIN_TIMEOUT_S = 30.0


class TalkPathTests:
    """Runs one entry's talk-path tests within the limits; keeps each camera's last result."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, account: AccountCoordinator
    ) -> None:
        """Prepare; `async_load` restores the stored results and start times."""
        self.hass = hass
        self.entry = entry
        self.account = account
        self.results: dict[str, TalkPathResult] = {}
        self._starts: list[tuple[float, str]] = []  # (POSIX time, serial) of the last hour
        self._online: dict[str, bool | None] = {}  # as last seen, to notice a restart
        self._store: Store[dict[str, Any]] = Store(
            hass, STORE_VERSION, f"{DOMAIN}.{entry.entry_id}.talk_path"
        )

    async def async_load(self) -> None:
        """Restore the results and the start times; damaged records are dropped."""
        stored = await async_load_mapping(self._store)
        results = stored.get("results", {})
        for serial, raw in results.items() if isinstance(results, dict) else ():
            result = TalkPathResult.from_dict(raw)
            if result is None:
                LOGGER.warning("Dropping a damaged stored talk-path result")
            else:
                self.results[serial] = result
        starts = stored.get("starts", [])
        for raw in starts if isinstance(starts, list) else ():
            at = number(raw.get("at")) if isinstance(raw, dict) else None
            serial = text(raw.get("serial")) if isinstance(raw, dict) else None
            if at is not None and serial is not None:
                self._starts.append((at, serial))
        # Added before the health monitor's listener: a dropped result is gone when it judges.
        self._account_updated()
        self.entry.async_on_unload(self.account.async_add_listener(self._account_updated))

    @callback
    def _account_updated(self) -> None:
        """Drop the result of a camera that came back online (it restarted since)."""
        snapshot = self.account.data
        cameras = {} if snapshot is None else snapshot.cameras
        restarted = [
            serial
            for serial, camera in cameras.items()
            if self._online.get(serial) is False and camera.online is True
        ]
        self._online.update({serial: camera.online for serial, camera in cameras.items()})
        for serial in restarted:
            if self.results.pop(serial, None) is not None:
                self._store.async_delay_save(self._stored, 1)

    def result_for(self, serial: str) -> TalkPathResult | None:
        """The camera's last measured result (the diagnosis decides whether it still counts)."""
        return self.results.get(serial)

    def _recent(self, now: float) -> list[tuple[float, str]]:
        return sorted(s for s in self._starts if now - s[0] < _HOUR.total_seconds())

    def check_allowed(self, serial: str, name: str) -> None:
        """Raise a translated ServiceValidationError when a test now would pass a limit."""
        now = dt_util.utcnow().timestamp()
        recent = self._recent(now)
        camera = [at for at, tested in recent if tested == serial]
        cooldown = TALK_PATH_CAMERA_COOLDOWN.total_seconds()
        if camera and now - camera[-1] < cooldown:
            raise invalid(
                "talk_path_cooldown",
                name=name,
                minutes=_minutes(camera[-1] + cooldown - now),
                cooldown=f"{cooldown / 60:g}",
            )
        if len(recent) >= MAX_TALK_PATH_TESTS_PER_HOUR:
            raise invalid(
                "talk_path_rate_limited",
                limit=MAX_TALK_PATH_TESTS_PER_HOUR,
                minutes=_minutes(recent[0][0] + _HOUR.total_seconds() - now),
            )

    async def async_run(self, serial: str, health: HealthMonitor) -> dict[str, Any]:
        """Test one camera now (limits checked) and judge it again; the response data."""
        snapshot = self.account.data
        camera = None if snapshot is None else snapshot.cameras.get(serial)
        if camera is None:
            raise invalid("unknown_device")
        name = camera.name or serial[-4:]
        self.check_allowed(serial, name)
        try:
            blink = self.account.session_blink()
        except SourceUnavailableError as err:
            raise HomeAssistantError(translation_domain=DOMAIN, translation_key=err.reason) from err
        target = talk_path.liveview_target(getattr(blink, "homescreen", None), serial)
        if target is None:
            raise invalid("talk_path_not_listed", name=name)
        now = dt_util.utcnow().timestamp()
        self._starts = [*self._recent(now), (now, serial)]
        await self._async_save()  # a restart during the test keeps the limit
        before = health.cameras.get(serial)
        result = await run_talk_path(
            talk_path.BlinkTalkPathApi(self.hass, blink, target),
            ssl_context=talk_path.media_ssl_context(),
            join_timeout_s=JOIN_TIMEOUT_S,
        )
        LOGGER.debug("Talk-path test of camera …%s: %s", serial[-4:], result.outcome)
        if result.outcome not in (TalkOutcome.REFUSED, TalkOutcome.RATE_LIMITED):
            self.results[serial] = result  # something was measured: the diagnosis uses it
            await self._async_save()
        # The test is a new measurement: one evaluation of the camera's hysteresis.
        after = health.evaluate(count=True).get(serial)
        return response(result, name, before, after)

    async def _async_save(self) -> None:
        await self._store.async_save(self._stored())

    def _stored(self) -> dict[str, Any]:
        return {
            "results": {serial: result.as_dict() for serial, result in self.results.items()},
            "starts": [{"at": at, "serial": serial} for at, serial in self._starts],
        }


def invalid(key: str, **placeholders: object) -> ServiceValidationError:
    """A translated refusal that changes nothing."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={name: str(value) for name, value in placeholders.items()},
    )


def _minutes(seconds: float) -> str:
    return str(max(1, math.ceil(seconds / 60)))


def _verdicts(health: CameraHealth | None) -> tuple[str | None, str | None]:
    if health is None:
        return None, None
    return health.verdict.value, health.diagnosis.code


def response(
    result: TalkPathResult, name: str, before: CameraHealth | None, after: CameraHealth | None
) -> dict[str, Any]:
    """The action's answer: the figures, then the verdict and diagnosis before and after."""
    verdict_before, code_before = _verdicts(before)
    verdict_after, code_after = _verdicts(after)
    data = result.as_dict()
    findings = () if after is None else after.diagnosis.findings
    return {
        "name": name,
        **data,
        "verdict": {"before": verdict_before, "after": verdict_after},
        "diagnosis": {"before": code_before, "after": code_after},
        "findings": [finding.to_dict() for finding in findings],
    }
