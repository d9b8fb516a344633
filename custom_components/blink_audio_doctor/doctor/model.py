"""Plain data the doctor works on: snapshots in, diagnoses out.

Everything here is immutable and free of Home Assistant and blinkpy. Values that Blink did not
report, or reported in a shape we do not trust, are ``None``; ``None`` always means "unknown",
never "fine".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

type Measure = float | int | str | bool | None
"""A measured value or threshold as it appears in a finding (JSON-safe)."""


class DiagnosisCode(StrEnum):
    """Every state of the diagnosis sensor, in the order the checks run."""

    OK = "ok"
    UNSUPPORTED_MODEL = "unsupported_model"
    STALE_DATA = "stale_data"
    CAMERA_OFFLINE = "camera_offline"
    SYNC_MODULE_OFFLINE = "sync_module_offline"
    SYNC_MODULE_HEARTBEAT_STALE = "sync_module_heartbeat_stale"
    WEAK_WIFI = "weak_wifi"
    WEAK_SYNC_LINK = "weak_sync_link"
    SLOW_DOWNLOAD = "slow_download"
    SLOW_UPLOAD = "slow_upload"
    HIGH_LATENCY = "high_latency"
    HIGH_JITTER = "high_jitter"
    PACKET_LOSS = "packet_loss"
    BATTERY_LOW = "battery_low"
    POOR_CONNECTION = "poor_connection"
    CAMERA_SLOW_TO_JOIN = "camera_slow_to_join"
    MEDIA_SERVER_UNREACHABLE = "media_server_unreachable"
    MEDIA_RTT_HIGH = "media_rtt_high"
    UNKNOWN = "unknown"


class MissingCode(StrEnum):
    """Codes of ``missing`` findings: which input a check needed but did not get."""

    CAMERA = "missing_camera"
    ONLINE = "missing_online"
    SYNC_MODULE = "missing_sync_module"
    SYNC_MODULE_STATUS = "missing_sync_module_status"
    HEARTBEAT = "missing_heartbeat"
    WIFI = "missing_wifi"
    SYNC_LINK = "missing_sync_link"
    NETWORK = "missing_network"
    DOWNLOAD = "missing_download"
    UPLOAD = "missing_upload"
    LATENCY = "missing_latency"
    JITTER = "missing_jitter"
    PACKET_LOSS = "missing_packet_loss"
    BATTERY = "missing_battery"


class NotReportedCode(StrEnum):
    """Codes of ``not_reported`` findings: readings Blink does not send for the model."""

    WIFI = "wifi_not_reported"


class FixStep(StrEnum):
    """The troubleshooting article's fixes, declared in the article's order.

    The article goes from the most likely fix to the last resort; iterating the enum keeps that
    order.
    """

    PUSH_TO_TALK = "push_to_talk"
    MICROPHONE_ACCESS = "microphone_access"
    RESTART_CAMERA = "restart_camera"
    INTERNET_SPEED = "internet_speed"
    OBSTRUCTIONS = "obstructions"
    RE_ADD_CAMERA = "re_add_camera"
    REINSTALL_APP = "reinstall_app"


ARTICLE_ORDER: tuple[FixStep, ...] = tuple(FixStep)
"""All fix steps, most likely fix first."""


class Verdict(StrEnum):
    """Whether two-way audio is likely to work on a camera."""

    HEALTHY = "healthy"
    UNHEALTHY = "unhealthy"
    UNKNOWN = "unknown"
    UNSUPPORTED = "unsupported"


class FindingKind(StrEnum):
    """What a finding says about the verdict.

    ``failing``: a measured cause; any failing finding makes the camera unhealthy.
    ``missing``: an input a check needs is unavailable; without failing findings the verdict is
    unknown.
    ``blocking``: the camera cannot be judged at all (unsupported model, stale data); it is
    then the only finding.
    ``not_reported``: a reading Blink does not send for this model (a Mini's Wi-Fi); the
    verdict rests on the other checks, and the finding only says so plainly.
    """

    FAILING = "failing"
    MISSING = "missing"
    BLOCKING = "blocking"
    NOT_REPORTED = "not_reported"


@dataclass(frozen=True, slots=True)
class DeviceConfigReading:
    """A device's config response and the moment it was fetched from Blink.

    ``snapshot_from_blink(configs=...)`` and ``snapshot_from_payloads(camera_configs=...)``
    take these (or a bare payload, which then counts as read at the snapshot's ``now``) keyed
    by serial or camera id. The readings taken from ``payload`` are stamped with
    ``fetched_at`` in ``CameraSnapshot.readings_at``, so a finding never shows a cached value
    as fresh.

    Attributes:
        payload: The raw response: a sync-module camera's ``/network/{n}/camera/{id}/config``
            (or its ``camera[0]`` dict), a doorbell's or a Mini's ``.../config`` response.
        fetched_at: When the response arrived (aware; naive counts as UTC).
    """

    payload: Mapping[str, Any]
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class CameraSnapshot:
    """One camera as Blink last reported it.

    Attributes:
        serial: The camera's serial number, its identity everywhere.
        name: Name shown in the Blink app.
        product_type: Blink's ``type`` string, e.g. ``catalina`` or ``owl``.
        family: Device family (see ``capabilities.Family``) or ``None`` when unknown.
        firmware: Firmware version string.
        online: Whether Blink reports the camera online.
        wifi_dbm: Camera Wi-Fi signal in dBm (sync-module camera config ``wifi_strength``,
            doorbell config ``wifi_rssi``, a Mini config's Wi-Fi field when it is in dBm).
        wifi_bars: Camera Wi-Fi signal in bars, 0-5 (what the Blink app shows).
        sync_link_bars: Camera to Sync Module radio link in bars, 0-5.
        sync_link_dbm: Camera to Sync Module radio link in dBm (sync-module camera config
            ``lfr_strength``, doorbell config ``lfr_rssi``).
        battery_state: ``"ok"`` or ``"low"``.
        temperature: Temperature in degrees Celsius.
        camera_id: Blink's camera id (changes when the camera is re-added).
        network_id: Blink network (system) id.
        sync_module_serial: Serial of the Sync Module the camera is attached to.
        poor_connection: The ``poor_connection`` flag of a live-view probe, when one was run.
        readings_at: When each reading was fetched from Blink, by field name (``online``,
            ``wifi_dbm``, ``wifi_bars``, ``sync_link_bars``, ``sync_link_dbm``,
            ``battery_state``, ``temperature``, ``poor_connection``). A field has an entry
            exactly when it has a value: a config reading carries its ``fetched_at``, a
            homescreen or blinkpy value the snapshot's ``taken_at``.
    """

    serial: str
    name: str | None = None
    product_type: str | None = None
    family: str | None = None
    firmware: str | None = None
    online: bool | None = None
    wifi_dbm: int | None = None
    wifi_bars: int | None = None
    sync_link_bars: int | None = None
    battery_state: str | None = None
    temperature: float | None = None
    camera_id: str | None = None
    network_id: str | None = None
    sync_module_serial: str | None = None
    poor_connection: bool | None = None
    sync_link_dbm: int | None = None
    readings_at: dict[str, datetime] = field(default_factory=dict, hash=False)

    def read_at(self, name: str) -> datetime | None:
        """Return when the reading in field ``name`` was fetched, or ``None`` if unknown."""
        readings = self.readings_at
        value = readings.get(name) if isinstance(readings, dict) else None
        return value if isinstance(value, datetime) else None


@dataclass(frozen=True, slots=True)
class SyncModuleSnapshot:
    """One (real) Sync Module as Blink last reported it.

    Attributes:
        serial: The Sync Module's serial number.
        name: Its name.
        network_id: The Blink network it serves.
        online: Whether Blink reports it online.
        wifi_bars: Its Wi-Fi signal in bars, 0-5.
        last_heartbeat: When it last checked in with Blink (aware, UTC).
    """

    serial: str
    name: str | None = None
    network_id: str | None = None
    online: bool | None = None
    wifi_bars: int | None = None
    last_heartbeat: datetime | None = None


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """Everything read from one Blink account at one moment.

    Attributes:
        cameras: Cameras by serial.
        sync_modules: Real Sync Modules by serial (Mini/doorbell pseudo modules excluded).
        taken_at: When the snapshot was taken (aware).
        account_id: Blink account id.
        region: Blink tier, e.g. ``u034``.
    """

    cameras: dict[str, CameraSnapshot]
    sync_modules: dict[str, SyncModuleSnapshot]
    taken_at: datetime
    account_id: str | None = None
    region: str | None = None

    def sync_module_for(self, camera: CameraSnapshot) -> SyncModuleSnapshot | None:
        """Return the Sync Module a camera is attached to, if it is known."""
        if camera.sync_module_serial is None:
            return None
        return self.sync_modules.get(camera.sync_module_serial)


@dataclass(frozen=True, slots=True)
class NetworkMetrics:
    """Results of the network probes (or mirrored speed-test sensors).

    Attributes:
        download_mbps: Download speed in Mbit/s.
        upload_mbps: Upload speed in Mbit/s.
        latency_ms: Round-trip latency in milliseconds.
        jitter_ms: Latency variation in milliseconds.
        packet_loss_pct: Lost probes in percent.
        measured_at: When the metrics were measured.
    """

    download_mbps: float | None = None
    upload_mbps: float | None = None
    latency_ms: float | None = None
    jitter_ms: float | None = None
    packet_loss_pct: float | None = None
    measured_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Limits the rules compare against; its defaults are the options form's defaults.

    A threshold set to ``None`` turns its check off; the input it would read is then not
    needed either, so it can never make a verdict unknown.

    Attributes:
        min_wifi_bars: Fewest camera Wi-Fi bars that still pass.
        min_wifi_dbm: Weakest camera Wi-Fi signal in dBm that still passes.
        min_sync_link_bars: Fewest camera to Sync Module bars that still pass.
        min_download_mbps: Slowest download that still passes.
        min_upload_mbps: Slowest upload that still passes.
        max_latency_ms: Latency at or above this fails.
        max_jitter_ms: Jitter at or above this fails.
        max_packet_loss_pct: Packet loss at or above this fails.
        heartbeat_max_age: Oldest Sync Module heartbeat that still passes.
        max_data_age: Older snapshots are stale (the caller passes three poll intervals).
        unhealthy_after: Consecutive failing evaluations before a camera turns unhealthy.
        max_join_s: A camera that takes longer than this to join a live view (or never
            joins) fails the talk-path test.
        max_media_rtt_ms: A median TLS handshake with the media server at or above this fails.
        talk_max_age: How long a talk-path result counts; an older one is ignored.
    """

    min_wifi_bars: int | None = 3
    min_wifi_dbm: int | None = -70
    min_sync_link_bars: int | None = 3
    min_download_mbps: float | None = 2.0
    min_upload_mbps: float | None = 2.0
    max_latency_ms: float | None = 100.0
    max_jitter_ms: float | None = 30.0
    max_packet_loss_pct: float | None = 5.0
    heartbeat_max_age: timedelta | None = timedelta(minutes=30)
    max_data_age: timedelta | None = timedelta(minutes=15)
    unhealthy_after: int = 2
    max_join_s: float | None = 10.0
    max_media_rtt_ms: float | None = 150.0
    talk_max_age: timedelta | None = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason behind a verdict.

    Attributes:
        code: Stable machine-readable code, e.g. ``weak_wifi`` or ``missing_network``.
        kind: Failing cause, missing input or blocking condition.
        measured: The value that was measured (``None`` when there was none).
        threshold: The limit it was compared with (``None`` when there is none).
        unit: Unit of ``measured`` and ``threshold`` (``bars``, ``dBm``, ``Mbit/s``, ``ms``,
            ``%``, ``s``) or ``None``.
        fix: The article's step this finding points to; ``None`` for findings no step fixes.
        read_at: When the reading behind the finding was fetched (``None`` when there was
            no reading, e.g. for a missing input).
        age_s: How old that reading was when the diagnosis was made, in seconds.
    """

    code: str
    kind: FindingKind
    measured: Measure = None
    threshold: Measure = None
    unit: str | None = None
    fix: FixStep | None = None
    read_at: datetime | None = None
    age_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dictionary (for action responses and diagnostics)."""
        return {
            "code": self.code,
            "kind": self.kind.value,
            "measured": self.measured,
            "threshold": self.threshold,
            "unit": self.unit,
            "fix": None if self.fix is None else self.fix.value,
            "read_at": None if self.read_at is None else self.read_at.isoformat(),
            "age_s": self.age_s,
        }


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """A verdict and its findings, most important first.

    Failing findings come first (in check order), then missing ones, then not-reported ones.
    """

    verdict: Verdict
    findings: tuple[Finding, ...] = field(default=())

    @property
    def code(self) -> str:
        """Return the state of the diagnosis sensor.

        ``ok`` when healthy; otherwise the code of the first failing or blocking finding;
        otherwise ``unsupported_model`` or ``unknown``. Missing-input and not-reported codes
        are never the sensor state: they explain a verdict.
        """
        if self.verdict is Verdict.HEALTHY:
            return DiagnosisCode.OK
        for finding in self.findings:
            if finding.kind is FindingKind.FAILING or finding.kind is FindingKind.BLOCKING:
                return finding.code
        if self.verdict is Verdict.UNSUPPORTED:
            return DiagnosisCode.UNSUPPORTED_MODEL
        return DiagnosisCode.UNKNOWN

    @property
    def failing(self) -> tuple[Finding, ...]:
        """Return the failing findings (measured causes)."""
        return tuple(f for f in self.findings if f.kind is FindingKind.FAILING)

    @property
    def missing(self) -> tuple[Finding, ...]:
        """Return the findings about inputs that were unavailable."""
        return tuple(f for f in self.findings if f.kind is FindingKind.MISSING)

    @property
    def not_reported(self) -> tuple[Finding, ...]:
        """Return the findings about readings Blink does not send for the model."""
        return tuple(f for f in self.findings if f.kind is FindingKind.NOT_REPORTED)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dictionary (for action responses and diagnostics)."""
        return {
            "verdict": self.verdict.value,
            "code": self.code,
            "findings": [finding.to_dict() for finding in self.findings],
        }
