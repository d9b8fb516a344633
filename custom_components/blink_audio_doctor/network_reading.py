"""The home's internet as last measured: the network coordinator's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .doctor.model import NetworkMetrics


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
