"""The request log: every request the simulator answered, and counts over it."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class RequestLogEntry:
    """One request the simulator answered."""

    method: str
    path: str
    endpoint: str | None
    template: str | None
    status: int
    time: float
    query: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly description."""
        return asdict(self)


class RequestLog:
    """The requests answered so far (the server appends to `request_log`)."""

    def __init__(self) -> None:
        """Start with an empty log."""
        self.request_log: list[RequestLogEntry] = []

    def request_counts(self) -> dict[str, int]:
        """Return {endpoint template: number of requests} (unknown URLs count by path)."""
        return dict(Counter(e.template or e.path for e in self.request_log))

    def endpoint_counts(self) -> dict[str, int]:
        """Return {endpoint name: number of requests}."""
        return dict(Counter(e.endpoint or "unknown" for e in self.request_log))

    def clear_log(self) -> None:
        """Forget every logged request."""
        self.request_log.clear()
