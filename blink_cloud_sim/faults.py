"""Injected faults: requests to an endpoint answer an error, late, never, or with bad JSON."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any

from .model import SimError


@dataclass
class Fault:
    """A fault injected for requests whose endpoint name or path matches."""

    endpoint: str
    status: int | None = None
    delay: float | None = None
    timeout: bool = False
    malformed: bool = False
    count: int | None = None
    hits: int = 0
    _regex: re.Pattern[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        """Compile the endpoint as a path regex unless it is only a name."""
        try:
            self._regex = re.compile(self.endpoint)
        except re.error:
            self._regex = None

    def matches(self, name: str | None, path: str) -> bool:
        """Return whether a request to `path` (endpoint `name`) is affected."""
        if name is not None and name == self.endpoint:
            return True
        return self._regex is not None and self._regex.search(path) is not None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-friendly description."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.repr}


class FaultInjection:
    """The faults a world currently injects, in the order they were added."""

    def __init__(self) -> None:
        """Start with no faults."""
        self.faults: list[Fault] = []

    def inject_fault(  # noqa: PLR0913 - the control API's fixed keyword arguments
        self,
        endpoint: str,
        *,
        status: int | None = None,
        delay: float | None = None,
        timeout: bool = False,
        malformed: bool = False,
        count: int | None = None,
    ) -> Fault:
        """Make requests to an endpoint fail.

        Args:
            endpoint: An endpoint name (see `endpoints.ENDPOINTS`) or a regex searched in the path.
            status: Answer with this HTTP status (401, 406, 429, 500, 503 ...).
            delay: Wait this many seconds first (then answer normally unless told otherwise).
            timeout: Never answer; hang until the client gives up.
            malformed: Answer 200 (or `status`) with a body that is not valid JSON.
            count: Affect only this many requests; None = until `clear_faults()`.

        Returns:
            The fault, whose `hits` counts the requests it affected.
        """
        if status is not None and not 100 <= int(status) <= 599:  # noqa: PLR2004
            msg = f"invalid HTTP status {status}"
            raise SimError(msg)
        if count is not None and int(count) < 1:
            msg = "count must be at least 1"
            raise SimError(msg)
        if status is None and delay is None and not timeout and not malformed:
            msg = "a fault needs status, delay, timeout or malformed"
            raise SimError(msg)
        fault = Fault(
            endpoint=endpoint,
            status=None if status is None else int(status),
            delay=None if delay is None else float(delay),
            timeout=bool(timeout),
            malformed=bool(malformed),
            count=None if count is None else int(count),
        )
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        self.faults.clear()

    def take_fault(self, name: str | None, path: str) -> Fault | None:
        """Return the first fault for this request and count it (used by the server)."""
        for fault in self.faults:
            if fault.matches(name, path):
                fault.hits += 1
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self.faults.remove(fault)
                return fault
        return None
