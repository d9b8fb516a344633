"""The repair flow's talk-path step, and the lookups every step of a camera's repair uses.

"Test the talk path" asks Blink for a live view of the camera and measures it (talk_tests.py):
first a step that says what the test does and costs, then progress while it runs, then its own
result: the figures and, below them, what they mean for two-way audio (the findings after the
test). The menu offers it first when the camera's signal is not known (a Mini whose Wi-Fi Blink
does not report), otherwise right after the fixes of what was measured.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import probatio as vol
from homeassistant.components.repairs import RepairsFlow, RepairsFlowResult
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN
from .data import BlinkAudioDoctorConfigEntry
from .doctor.model import CameraSnapshot, Diagnosis, FindingKind, Verdict
from .doctor.talk_path import TalkOutcome
from .health import CameraHealth, describe_findings, thresholds_from_options
from .texts import figure, format_text

TEST_TALK_PATH = "test_talk_path"
TALK_PATH_TESTING = "talk_path_testing"
RUN_FIELD = "run_talk_path_now"
HEALTHY = (Verdict.HEALTHY, Verdict.UNSUPPORTED)
# Findings that say the camera's signal is not known: the live view is then the best measure.
_SIGNAL_UNKNOWN = ("wifi_not_reported", "missing_wifi", "missing_sync_link")


def talk_path_menu_position(diagnosis: Diagnosis, steps: int) -> int:
    """Where the menu offers the test: first without signal data, else after measured fixes."""
    if any(finding.code in _SIGNAL_UNKNOWN for finding in diagnosis.findings):
        return 0
    fixes = {f.fix for f in diagnosis.findings if f.kind is FindingKind.FAILING and f.fix}
    return min(len(fixes), steps)


class CameraRepairFlowBase(RepairsFlow):
    """Lookups of one camera's repair flow, and its talk-path test steps."""

    entry_id: str
    serial: str
    _talk: asyncio.Task[dict[str, Any] | str] | None = None
    _talk_result: dict[str, Any] | str = ""

    async def async_step_test_talk_path(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """What the test does and costs; it starts when asked (a limit reached is told here)."""
        errors: dict[str, str] = {}
        reason = ""
        entry = self._entry()
        if entry is None:
            return self.async_abort(reason="entry_not_loaded")
        if user_input is not None:
            if not user_input.get(RUN_FIELD):
                return await self.async_step_init()
            try:
                entry.runtime_data.talk.check_allowed(self.serial, self._camera_name())
            except HomeAssistantError as err:
                errors["base"] = "action_failed"
                reason = str(err)
            else:
                self._talk = self.hass.async_create_background_task(
                    _async_talk_test(entry, self.serial), f"{DOMAIN} repair talk-path test"
                )
                return await self.async_step_talk_path_testing()
        return self.async_show_form(
            step_id=TEST_TALK_PATH,
            data_schema=vol.Schema({vol.Required(RUN_FIELD, default=True): bool}),
            errors=errors,
            description_placeholders={"name": self._camera_name(), "result": reason},
        )

    async def async_step_talk_path_testing(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """The live view is asked for and measured."""
        task = self._talk
        if task is not None and not task.done():
            return self.async_show_progress(
                step_id=TALK_PATH_TESTING,
                progress_action=TALK_PATH_TESTING,
                progress_task=task,
                description_placeholders={"name": self._camera_name()},
            )
        self._talk_result = "" if task is None or task.cancelled() else task.result()
        self._talk = None
        result = self._talk_result
        if not isinstance(result, dict) or result.get("outcome") in (
            TalkOutcome.REFUSED,
            TalkOutcome.RATE_LIMITED,
        ):
            return self.async_show_progress_done(next_step_id="talk_path_failed")
        if self._is_healthy():
            return self.async_show_progress_done(next_step_id="talk_path_healthy")
        return self.async_show_progress_done(next_step_id="talk_path_done")

    async def async_step_talk_path_done(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """The figures, and what still stands in the way."""
        return await self._remaining("talk_path_done", figures=await self._talk_figures())

    async def async_step_talk_path_healthy(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Measured, and the camera is healthy again: the flow ends with the figures."""
        return self._healthy_again("talk_path_healthy", figures=await self._talk_figures())

    async def async_step_talk_path_failed(
        self, user_input: dict[str, Any] | None = None
    ) -> RepairsFlowResult:
        """Nothing was measured; why."""
        strings = await self._strings()
        result = self._talk_result
        if isinstance(result, dict):
            key = f"talk_outcome_{result.get('outcome')}"
            reason = format_text(strings.get(key, key), name=self._camera_name())
        else:
            reason = result
        return await self._remaining("talk_path_failed", reason=reason)

    async def _strings(self) -> dict[str, str]:
        """Our "exceptions" texts in Home Assistant's language, by key."""
        strings = await async_get_translations(
            self.hass, self.hass.config.language, "exceptions", [DOMAIN]
        )
        prefix, suffix = f"component.{DOMAIN}.exceptions.", ".message"
        return {
            key.removeprefix(prefix).removesuffix(suffix): text
            for key, text in strings.items()
            if key.startswith(prefix)
        }

    async def _talk_figures(self) -> str:
        """The test's figures, one per line, with the limits they are judged by."""
        result = self._talk_result if isinstance(self._talk_result, dict) else {}
        strings = await self._strings()
        entry = self._entry()
        limits = thresholds_from_options(dict(entry.options) if entry else {}, speed_known=False)
        server = result.get("media_server") or "?"
        lines: list[tuple[str, dict[str, object]]] = [
            ("talk_accepted", {"seconds": figure(result.get("accepted_s"))})
        ]
        joined = result.get("camera_joined_s")
        if joined is None:
            lines.append(("talk_not_joined", {}))
        else:
            lines.append(
                ("talk_joined", {"seconds": figure(joined), "limit": figure(limits.max_join_s)})
            )
        if result.get("outcome") == TalkOutcome.SERVER_UNREACHABLE:
            lines.append(("talk_media_unreachable", {"server": server}))
        else:
            rtt = {
                "rtt": figure(result.get("media_rtt_ms")),
                "limit": figure(limits.max_media_rtt_ms),
            }
            spread = figure(result.get("media_rtt_spread_ms"))
            lines.append(("talk_media", {"server": server, "spread": spread, **rtt}))
        poor = result.get("poor_connection")
        lines.append(("talk_poor_connection" if poor else "talk_good_connection", {}))
        return "\n".join(
            f"- {format_text(strings.get(key, key), **values)}" for key, values in lines
        )

    # Lookups ------------------------------------------------------------------------------

    if TYPE_CHECKING:  # the flow's menu, defined by the flow

        async def async_step_init(
            self, user_input: dict[str, str] | None = None
        ) -> RepairsFlowResult:
            """The flow's menu."""

    async def _remaining(self, step_id: str, **placeholders: str) -> RepairsFlowResult:
        """A step that tells what was found, then what still stands in the way."""
        health = self._health()
        diagnosis = health.diagnosis if health else Diagnosis(Verdict.UNKNOWN)
        return self.async_show_menu(
            step_id=step_id,
            menu_options=["init", "done"],
            description_placeholders={
                "name": self._camera_name(),
                "findings": await describe_findings(self.hass, diagnosis),
                **placeholders,
            },
        )

    def _healthy_again(
        self, description: str = "healthy_again", **placeholders: str
    ) -> RepairsFlowResult:
        """End the flow: the camera is healthy again (the issue goes away with it)."""
        return self.async_create_entry(
            data={},
            description=description,
            description_placeholders={"name": self._camera_name(), **placeholders},
        )

    def _is_healthy(self) -> bool:
        health = self._health()
        return health is not None and health.verdict in HEALTHY

    def _entry(self) -> BlinkAudioDoctorConfigEntry | None:
        entry = self.hass.config_entries.async_get_entry(self.entry_id)
        if entry is None or getattr(entry, "runtime_data", None) is None:
            return None
        return entry

    def _health(self) -> CameraHealth | None:
        entry = self._entry()
        return entry.runtime_data.health.cameras.get(self.serial) if entry else None

    def _camera(self) -> CameraSnapshot | None:
        entry = self._entry()
        snapshot = entry.runtime_data.account.data if entry else None
        return snapshot.cameras.get(self.serial) if snapshot else None

    def _camera_name(self) -> str:
        camera = self._camera()
        return camera.name if camera and camera.name else self.serial[-4:]


async def _async_talk_test(entry: BlinkAudioDoctorConfigEntry, serial: str) -> dict[str, Any] | str:
    """Run the camera's talk-path test; its response data, or why it could not run."""
    try:
        return await entry.runtime_data.talk.async_run(serial, entry.runtime_data.health)
    except HomeAssistantError as err:
        return str(err)
