"""Sign-in, 2FA, token refresh and token rotation with the real blinkpy."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
from typing import TYPE_CHECKING

import aiohttp
import pytest
from blinkpy import api
from blinkpy.auth import BlinkTwoFARequiredError, UnauthorizedError

from tests.fixtures_sim import make_blink

if TYPE_CHECKING:
    from blink_cloud_sim import SimServer
    from blink_cloud_sim.world import Account


def _names(sim: SimServer) -> list[str]:
    return [e.endpoint or "unknown" for e in sim.world.request_log]


async def test_sign_in_without_2fa(
    blink_sim: SimServer, blink_sim_account: Account, blink_session: aiohttp.ClientSession
) -> None:
    blink = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)

    assert await blink.start() is True

    auth = blink.auth
    assert blink.available is True
    assert auth.account_id == blink_sim_account.account_id
    assert auth.region_id == blink_sim_account.tier
    assert auth.client_id == str(blink_sim_account.client_id)
    assert auth.user_id == str(blink_sim_account.user_id)
    assert auth.expires_in == 14400
    assert auth.token in blink_sim.world.access_tokens
    assert auth.refresh_token in blink_sim.world.refresh_tokens
    names = _names(blink_sim)
    assert names[:7] == [
        "oauth_authorize",
        "oauth_signin_page",
        "oauth_signin_page",
        "oauth_signin",
        "oauth_authorize",
        "oauth_token",
        "tier_info",
    ]
    assert "oauth_2fa_verify" not in names


@pytest.mark.parametrize("style", ["412", "202"])
async def test_sign_in_with_2fa(
    blink_sim: SimServer,
    blink_sim_account: Account,
    blink_session: aiohttp.ClientSession,
    style: str,
) -> None:
    blink_sim_account.two_factor = "412" if style == "412" else "202"
    blink = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)

    with pytest.raises(BlinkTwoFARequiredError):
        await blink.start()
    signin = next(e for e in blink_sim.world.request_log if e.endpoint == "oauth_signin")
    assert signin.status == int(style)
    assert blink.auth.token is None

    assert await blink.send_2fa_code(blink_sim_account.pin) is True
    assert blink.available is True
    assert blink.auth.token in blink_sim.world.access_tokens
    assert set(blink.cameras) == {"Garden", "Hallway", "Front Door", "Driveway"}
    verify = next(e for e in blink_sim.world.request_log if e.endpoint == "oauth_2fa_verify")
    assert verify.status == 201


async def test_wrong_password_fails(
    blink_sim: SimServer, blink_sim_account: Account, blink_session: aiohttp.ClientSession
) -> None:
    blink = make_blink(blink_session, blink_sim_account.email, "not-the-password")

    assert await blink.start() is False

    assert blink.available is False
    assert blink.auth.token is None
    signin = next(e for e in blink_sim.world.request_log if e.endpoint == "oauth_signin")
    assert signin.status == 401
    assert "oauth_token" not in _names(blink_sim)


async def test_unknown_user_fails(
    blink_sim: SimServer, blink_session: aiohttp.ClientSession
) -> None:
    blink = make_blink(blink_session, "nobody@example.com", "sim-password")
    assert await blink.start() is False
    assert blink.auth.token is None


async def test_wrong_pin_fails(
    blink_sim: SimServer, blink_sim_account: Account, blink_session: aiohttp.ClientSession
) -> None:
    blink_sim_account.two_factor = "202"
    blink = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)
    with pytest.raises(BlinkTwoFARequiredError):
        await blink.start()

    assert await blink.send_2fa_code("000000") is False

    assert blink.auth.token is None
    assert blink.available is False
    verify = next(e for e in blink_sim.world.request_log if e.endpoint == "oauth_2fa_verify")
    assert verify.status == 400
    assert "oauth_token" not in _names(blink_sim)


async def test_restart_from_saved_login_uses_refresh_grant_only(
    blink_sim: SimServer, blink_sim_account: Account, blink_session: aiohttp.ClientSession
) -> None:
    first = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)
    assert await first.start() is True
    saved = dict(first.auth.login_attributes)
    old_refresh = saved["refresh_token"]
    blink_sim.world.clear_log()

    async with aiohttp.ClientSession() as other_session:
        second = make_blink(other_session, **saved)
        assert await second.start() is True

        names = _names(blink_sim)
        assert names[0] == "oauth_token"
        assert not [n for n in names if n.startswith("oauth_") and n != "oauth_token"]
        assert "tier_info" not in names  # host, region and account came from the saved data
        assert second.auth.refresh_token != old_refresh
        assert blink_sim.world.refresh_tokens[old_refresh].used is True
        assert set(second.cameras) == set(first.cameras)


async def test_reused_refresh_token_is_refused(
    blink_sim: SimServer, blink_sim_account: Account, blink_session: aiohttp.ClientSession
) -> None:
    first = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)
    assert await first.start() is True
    auth = first.auth
    old_refresh = auth.refresh_token

    rotated = await api.oauth_refresh_token(auth, old_refresh, auth.hardware_id)
    assert rotated is not None
    assert rotated["refresh_token"] != old_refresh

    assert await api.oauth_refresh_token(auth, old_refresh, auth.hardware_id) is None
    assert blink_sim.world.request_log[-1].endpoint == "oauth_token"
    assert blink_sim.world.request_log[-1].status == 401
    # The rotated token still works exactly once.
    assert await api.oauth_refresh_token(auth, rotated["refresh_token"], auth.hardware_id)


async def test_restart_with_stale_refresh_token_falls_back_to_password_sign_in(
    blink_sim: SimServer, blink_sim_account: Account, blink_session: aiohttp.ClientSession
) -> None:
    first = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)
    assert await first.start() is True
    stale = dict(first.auth.login_attributes)
    second = make_blink(blink_session, **stale)
    assert await second.start() is True  # rotates the saved refresh token
    blink_sim.world.clear_log()

    third = make_blink(blink_session, **stale)
    assert await third.start() is True

    log = blink_sim.world.request_log
    assert (log[0].endpoint, log[0].status) == ("oauth_token", 401)
    assert "oauth_signin" in _names(blink_sim)


async def test_refresh_token_is_bound_to_hardware_id(
    blink_sim: SimServer, blink_sim_account: Account, blink_session: aiohttp.ClientSession
) -> None:
    blink = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)
    assert await blink.start() is True
    other_device = "0F0F0F0F-0000-4000-8000-000000000000"
    assert await api.oauth_refresh_token(blink.auth, blink.auth.refresh_token, other_device) is None
    assert blink_sim.world.request_log[-1].status == 401


async def test_expired_access_token_is_refused(
    blink_sim: SimServer, blink_sim_account: Account, blink_session: aiohttp.ClientSession
) -> None:
    blink = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)
    assert await blink.start() is True

    blink_sim.world.advance(14400)  # the access token's lifetime

    with pytest.raises(UnauthorizedError):
        await api.request_networks(blink)
    assert blink_sim.world.request_log[-1].status == 401


async def test_invalid_bearer_token_is_refused(
    blink_sim: SimServer, blink_sim_account: Account, blink_session: aiohttp.ClientSession
) -> None:
    blink = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)
    assert await blink.start() is True
    blink.auth.token = "forged"
    with pytest.raises(UnauthorizedError):
        await api.request_camera_usage(blink)
    # The homescreen helper returns the raw response; blinkpy does not check its status.
    response = await api.request_homescreen(blink, force=True)
    assert response.status == 401

    async with blink_session.get(f"{blink_sim.url}/networks") as response:
        assert response.status == 401  # no Authorization header at all


async def test_in_session_refresh_uses_legacy_grant_and_rotates(
    blink_sim: SimServer, blink_sim_account: Account, blink_session: aiohttp.ClientSession
) -> None:
    blink = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)
    assert await blink.start() is True
    calls: list[str] = []
    blink.auth.callback = lambda: calls.append(blink.auth.refresh_token)
    old_token, old_refresh = blink.auth.token, blink.auth.refresh_token
    blink.auth.expiration_date = 0  # blinkpy refreshes when within 60 s of expiry
    blink_sim.world.clear_log()

    networks = await api.request_networks(blink)

    assert networks is not None
    assert "summary" in networks
    assert _names(blink_sim) == ["oauth_token", "networks"]
    assert blink.auth.token != old_token
    assert blink.auth.refresh_token != old_refresh
    assert calls == [blink.auth.refresh_token]
    assert blink_sim.world.refresh_tokens[old_refresh].used is True


async def test_in_session_refresh_with_used_token_raises_unauthorized(
    blink_sim: SimServer, blink_sim_account: Account, blink_session: aiohttp.ClientSession
) -> None:
    blink = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)
    assert await blink.start() is True
    blink_sim.world.refresh_tokens[blink.auth.refresh_token].used = True
    blink.auth.expiration_date = 0

    with pytest.raises(UnauthorizedError):
        await api.request_networks(blink)


async def test_legacy_password_grant_is_retired(
    blink_sim: SimServer, blink_sim_account: Account, blink_session: aiohttp.ClientSession
) -> None:
    blink = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)
    with pytest.raises(UnauthorizedError):
        await blink.auth.login(refresh=False)
    assert blink_sim.world.request_log[-1].status == 401


async def test_shared_legacy_hardware_id_is_blocked(
    blink_sim: SimServer, blink_sim_account: Account, blink_session: aiohttp.ClientSession
) -> None:
    blink = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)
    blink.auth.hardware_id = "Home Assistant"
    assert await blink.start() is False
    assert blink_sim.world.request_log[0].status == 406


async def _signed_in_flow(
    sim: SimServer, session: aiohttp.ClientSession, account: Account, challenge: str
) -> str:
    """Drive the browser part of the flow by hand and return the authorization code."""
    params = {
        "client_id": "ios",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "hardware_id": "11111111-2222-4333-8444-555555555555",
        "redirect_uri": "immedia-blink://applinks.blink.com/signin/callback",
        "response_type": "code",
        "scope": "client",
    }
    async with session.get(f"{sim.url}/oauth/v2/authorize", params=params) as response:
        assert response.status == 200
        page = await response.text()
    csrf = page.split('"csrf-token": "')[1].split('"')[0]
    form = {"username": account.email, "password": account.password, "csrf-token": csrf}
    async with session.post(
        f"{sim.url}/oauth/v2/signin", data=form, allow_redirects=False
    ) as response:
        assert response.status == 303
    async with session.get(f"{sim.url}/oauth/v2/authorize", allow_redirects=False) as response:
        assert response.status == 302
        location = response.headers["Location"]
    assert location.startswith("immedia-blink://applinks.blink.com/signin/callback?code=")
    return location.split("code=")[1].split("&")[0]


async def test_pkce_verifier_must_match_challenge(
    blink_sim: SimServer, blink_sim_account: Account
) -> None:
    verifier = "a" * 50
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    )
    # An unsafe jar keeps cookies from 127.0.0.1, like a browser on Blink's real host name.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        blink_sim.world.require_cookies = True
        token_form = {
            "client_id": "ios",
            "grant_type": "authorization_code",
            "hardware_id": "11111111-2222-4333-8444-555555555555",
            "redirect_uri": "immedia-blink://applinks.blink.com/signin/callback",
        }
        code = await _signed_in_flow(blink_sim, session, blink_sim_account, challenge)
        bad = {**token_form, "code": code, "code_verifier": "b" * 50}
        async with session.post(f"{blink_sim.url}/oauth/token", data=bad) as response:
            assert response.status == 400
        # The code was consumed by the failed attempt.
        good = {**token_form, "code": code, "code_verifier": verifier}
        async with session.post(f"{blink_sim.url}/oauth/token", data=good) as response:
            assert response.status == 400

        code = await _signed_in_flow(blink_sim, session, blink_sim_account, challenge)
        good = {**token_form, "code": code, "code_verifier": verifier}
        async with session.post(f"{blink_sim.url}/oauth/token", data=good) as response:
            assert response.status == 200
            body = await response.json()
    assert body["access_token"] in blink_sim.world.access_tokens
    assert body["expires_in"] == 14400


async def test_cookieless_client_is_refused_when_cookies_are_required(
    blink_sim: SimServer, blink_sim_account: Account, blink_session: aiohttp.ClientSession
) -> None:
    blink_sim.world.require_cookies = True
    blink = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)
    # The default jar drops cookies from an IP-address host, so the flow cannot continue.
    assert await blink.start() is False


async def test_sign_in_is_quiet(
    blink_sim: SimServer,
    blink_sim_account: Account,
    blink_session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    blink = make_blink(blink_session, blink_sim_account.email, blink_sim_account.password)
    with caplog.at_level(logging.WARNING, logger="blinkpy"):
        assert await blink.start() is True
        assert await blink.refresh(force=True) is True
    assert [r.getMessage() for r in caplog.records if r.name.startswith("blinkpy")] == []


async def test_concurrent_cookieless_sign_ins_get_their_own_codes(
    blink_sim: SimServer, blink_sim_account: Account
) -> None:
    blink_sim_account.two_factor = "202"
    async with aiohttp.ClientSession() as one, aiohttp.ClientSession() as two:
        first = make_blink(one, blink_sim_account.email, blink_sim_account.password)
        second = make_blink(two, blink_sim_account.email, blink_sim_account.password)
        for blink in (first, second):
            with pytest.raises(BlinkTwoFARequiredError):
                await blink.start()

        # Hold both authorize calls until both PIN checks are done: two signed-in flows wait.
        blink_sim.world.inject_fault("oauth_authorize", delay=0.2, count=2)
        results = await asyncio.gather(
            first.send_2fa_code(blink_sim_account.pin),
            second.send_2fa_code(blink_sim_account.pin),
        )

        assert results == [True, True]
        assert first.auth.token != second.auth.token
        token_calls = [e for e in blink_sim.world.request_log if e.endpoint == "oauth_token"]
        assert [e.status for e in token_calls] == [200, 200]
