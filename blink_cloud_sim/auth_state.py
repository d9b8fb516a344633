"""What the cloud remembers about signing in: sign-in flows, codes, access and refresh tokens."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Callable

DEFAULT_EXPIRES_IN = 14400
"""Access-token lifetime in seconds (what Blink answers in `expires_in`)."""

# Blink's OAuth front end rejects these globally shared hardware ids with HTTP 406.
BLOCKED_HARDWARE_IDS = frozenset({"Home Assistant", "Blinkpy"})


@dataclass
class OAuthFlow:
    """One browser-style sign-in (authorize -> signin -> [2FA] -> authorize -> code)."""

    session_id: str
    hardware_id: str | None
    code_challenge: str | None
    redirect_uri: str
    created: int
    state: Literal["new", "needs_2fa", "authenticated", "done"] = "new"
    csrf_token: str | None = None
    account_id: int | None = None
    peer: str | None = None


@dataclass
class AuthCode:
    """An authorization code waiting to be exchanged at the token endpoint."""

    flow: OAuthFlow
    account_id: int
    expires_at: float


@dataclass
class AccessToken:
    """An issued access token."""

    account_id: int
    expires_at: float
    hardware_id: str | None


@dataclass
class RefreshToken:
    """An issued refresh token; it is single-use (rotated on every refresh)."""

    account_id: int
    hardware_id: str | None
    used: bool = False


class AuthState:
    """Sign-in flows, authorization codes and tokens issued by the simulated OAuth host."""

    def __init__(self, clock: Callable[[], float]) -> None:
        """Start with nothing issued; `clock` gives the seconds token expiry is measured in."""
        self.clock = clock
        self.flows: dict[str, OAuthFlow] = {}
        self._flow_sequence = itertools.count(1)
        self.auth_codes: dict[str, AuthCode] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.expires_in = DEFAULT_EXPIRES_IN

    def set_token_lifetime(self, expires_in: int) -> None:
        """Set the lifetime (seconds) of access tokens issued from now on."""
        self.expires_in = int(expires_in)

    def expire_tokens(self) -> None:
        """Make every issued access token expired (refresh tokens stay valid)."""
        for token in self.access_tokens.values():
            token.expires_at = self.clock() - 1

    def new_flow(
        self, *, hardware_id: str | None, code_challenge: str | None, redirect_uri: str
    ) -> OAuthFlow:
        """Start a sign-in flow (used by the server)."""
        flow = OAuthFlow(
            session_id=secrets.token_urlsafe(24),
            hardware_id=hardware_id,
            code_challenge=code_challenge,
            redirect_uri=redirect_uri,
            created=next(self._flow_sequence),
        )
        self.flows[flow.session_id] = flow
        return flow

    def issue_tokens(self, account_id: int, hardware_id: str | None) -> dict[str, Any]:
        """Issue an access token and a fresh refresh token; return the token response."""
        access = secrets.token_urlsafe(32)
        refresh = secrets.token_urlsafe(32)
        self.access_tokens[access] = AccessToken(
            account_id=account_id,
            expires_at=self.clock() + self.expires_in,
            hardware_id=hardware_id,
        )
        self.refresh_tokens[refresh] = RefreshToken(account_id=account_id, hardware_id=hardware_id)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": self.expires_in,
            "scope": "client",
            "token_type": "Bearer",
        }
