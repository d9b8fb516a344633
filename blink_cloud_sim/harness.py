"""Point the unmodified blinkpy at the simulator (tests and demo only).

blinkpy builds its URLs in three places: the REST base URL
in `Blink.setup_urls()`, the OAuth URLs as module constants imported into `blinkpy.api`, and the
legacy token and tier URLs bound as default arguments of `Auth.login()` and
`Auth.get_tier_info()`. `redirect_blinkpy()` patches all three at class/module level, so every
`Blink`/`Auth` created while it is active (Home Assistant's `blink` integration builds its own)
talks to the simulator, and restores everything on exit. The shipped integration has no
simulator switch; nothing here is imported by it.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import blinkpy.api
import blinkpy.auth
import blinkpy.blinkpy
import blinkpy.helpers.util
import blinkpy.sync_module

if TYPE_CHECKING:
    from collections.abc import Iterator

_OAUTH_PATHS = {
    "OAUTH_AUTHORIZE_URL": "/oauth/v2/authorize",
    "OAUTH_SIGNIN_URL": "/oauth/v2/signin",
    "OAUTH_2FA_VERIFY_URL": "/oauth/v2/2fa/verify",
    "OAUTH_TOKEN_URL": "/oauth/token",
}
_URL_ATTRIBUTES = {
    "base_url": "",
    "home_url": "/homescreen",
    "event_url": "/events/network",
    "network_url": "/network",
    "networks_url": "/networks",
    "video_url": "/api/v2/videos",
}


def _no_backoff(*_args: Any, **_kwargs: Any) -> float:
    """Replace blinkpy's retry back-off (local-storage manifest polling): no wait."""
    return 0.0


async def _no_throttle_sleep(_seconds: float, *args: Any, **kwargs: Any) -> None:
    """Replace blinkpy's throttle wait: yield to the loop, never wait."""
    _ = (args, kwargs)
    await asyncio.sleep(0)


@contextlib.contextmanager
def redirect_blinkpy(base_url: str, *, skip_throttle: bool = False) -> Iterator[None]:
    """Redirect every blinkpy `Blink`/`Auth` to `base_url` while the context is active.

    Args:
        base_url: The simulator's URL, e.g. `SimServer.url` (`http://127.0.0.1:PORT`).
        skip_throttle: Make blinkpy's built-in throttles (5 s between homescreen calls,
            2 s between refreshes, shared by all instances) and its back-off between
            local-storage manifest retries (3 to 24 s) return at once; tests only.

    Yields:
        Nothing; on exit every patched attribute is restored.
    """
    base = base_url.rstrip("/")
    blink_cls = blinkpy.blinkpy.Blink
    auth_cls = blinkpy.auth.Auth
    original_setup_urls = blink_cls.setup_urls
    saved_oauth = {name: getattr(blinkpy.api, name) for name in _OAUTH_PATHS}
    login_defaults = auth_cls.login.__defaults__
    tier_defaults = auth_cls.get_tier_info.__defaults__
    original_sleep = blinkpy.helpers.util.sleep
    original_backoff = blinkpy.sync_module.backoff_seconds

    def setup_urls(self: Any) -> None:
        # Keep blinkpy's own checks (no region -> BlinkSetupError), then swap the host.
        original_setup_urls(self)
        for attribute, suffix in _URL_ATTRIBUTES.items():
            setattr(self.urls, attribute, f"{base}{suffix}")

    try:
        blink_cls.setup_urls = setup_urls
        for name, path in _OAUTH_PATHS.items():
            setattr(blinkpy.api, name, f"{base}{path}")
        # Defaults are bound at def time, so patching the constants alone would not do.
        auth_cls.login.__defaults__ = (f"{base}/oauth/token", False)
        auth_cls.get_tier_info.__defaults__ = (f"{base}/api/v1/users/tier_info",)
        if skip_throttle:
            blinkpy.helpers.util.sleep = _no_throttle_sleep
            blinkpy.sync_module.backoff_seconds = _no_backoff
        yield
    finally:
        blink_cls.setup_urls = original_setup_urls
        for name, value in saved_oauth.items():
            setattr(blinkpy.api, name, value)
        auth_cls.login.__defaults__ = login_defaults
        auth_cls.get_tier_info.__defaults__ = tier_defaults
        blinkpy.helpers.util.sleep = original_sleep
        blinkpy.sync_module.backoff_seconds = original_backoff
