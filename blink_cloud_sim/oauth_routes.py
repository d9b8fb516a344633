"""The simulated OAuth host: authorize, sign-in page and form, 2FA, and the token endpoint."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aiohttp import web

from .auth_state import BLOCKED_HARDWARE_IDS, AuthCode
from .http_util import Routes, error_reply, json_reply, peer

if TYPE_CHECKING:
    from .auth_state import OAuthFlow
    from .world import World

SESSION_COOKIE = "blink_oauth_session"
AUTH_CODE_LIFETIME = 600.0
OAUTH_V2_CLIENT_ID = "ios"


def _pkce_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _signin_page(csrf_token: str, error: str | None = None) -> str:
    args = json.dumps({"csrf-token": csrf_token, "client_id": OAUTH_V2_CLIENT_ID})
    message = f'<p class="error">{html.escape(error)}</p>' if error else ""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Blink - Sign in</title>"
        f'<script id="oauth-args" type="application/json">{args}</script></head>'
        "<body><form method='post' action='/oauth/v2/signin'>"
        f"{message}<input name='username'><input name='password' type='password'>"
        "</form></body></html>"
    )


class OAuthRoutes(Routes):
    """Handlers of the OAuth host's endpoints (no Blink token needed)."""

    def __init__(self, world: World) -> None:
        """Serve sign-ins against `world`'s accounts."""
        self.world = world

    def _flow_for(self, request: web.Request, states: set[str]) -> tuple[OAuthFlow | None, bool]:
        """Find the sign-in flow of this client: by cookie, else the best eligible one.

        aiohttp's default cookie jar ignores cookies set by an IP-address host such as
        127.0.0.1, so clients that would carry Blink's session cookie may arrive without it.
        Then the newest eligible flow wins, preferring one whose previous step came over the
        same connection (blinkpy's steps reuse one keep-alive connection).
        """
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie is not None:
            flow = self.world.flows.get(cookie)
            return (flow if flow is not None and flow.state in states else None), True
        if self.world.require_cookies:
            return None, False
        client = peer(request)
        eligible = [f for f in self.world.flows.values() if f.state in states]
        if not eligible:
            return None, False
        return max(
            eligible, key=lambda f: (client is not None and f.peer == client, f.created)
        ), False

    def _flow_by_csrf(self, csrf: str) -> OAuthFlow | None:
        if not csrf:
            return None
        return next((f for f in self.world.flows.values() if f.csrf_token == csrf), None)

    async def _h_oauth_authorize(self, request: web.Request) -> web.Response:
        query = request.query
        if "client_id" in query or "code_challenge" in query:
            hardware_id = query.get("hardware_id")
            if hardware_id in BLOCKED_HARDWARE_IDS:
                return error_reply(406)
            if (
                query.get("client_id") != OAUTH_V2_CLIENT_ID
                or query.get("response_type") != "code"
                or query.get("code_challenge_method") != "S256"
                or not query.get("code_challenge")
                or not hardware_id
            ):
                return json_reply({"error": "invalid_request"}, status=400)
            flow = self.world.new_flow(
                hardware_id=hardware_id,
                code_challenge=query["code_challenge"],
                redirect_uri=query.get("redirect_uri", ""),
            )
            flow.peer = peer(request)
            response = web.Response(status=302, headers={"Location": "/oauth/v2/signin"})
            response.set_cookie(SESSION_COOKIE, flow.session_id, httponly=True, path="/")
            return response
        # Second visit (cookies only): hand out an authorization code when signed in.
        found, _ = self._flow_for(request, {"authenticated"})
        if found is None or found.account_id is None:
            return web.Response(status=302, headers={"Location": "/oauth/v2/signin"})
        code = secrets.token_urlsafe(24)
        self.world.auth_codes[code] = AuthCode(
            flow=found,
            account_id=found.account_id,
            expires_at=self.world.now() + AUTH_CODE_LIFETIME,
        )
        found.state = "done"
        location = f"{found.redirect_uri}?{urlencode({'code': code, 'state': found.session_id})}"
        return web.Response(status=302, headers={"Location": location})

    async def _h_oauth_signin_page(self, request: web.Request) -> web.Response:
        flow, _ = self._flow_for(request, {"new"})
        if flow is None:
            flow = self.world.new_flow(hardware_id=None, code_challenge=None, redirect_uri="")
        flow.csrf_token = secrets.token_urlsafe(24)
        flow.peer = peer(request)
        return web.Response(text=_signin_page(flow.csrf_token), content_type="text/html")

    async def _h_oauth_signin(self, request: web.Request) -> web.Response:
        form = await request.post()
        flow = self._flow_by_csrf(str(form.get("csrf-token", "")))
        if flow is None or flow.state != "new":
            return json_reply({"error": "invalid_csrf_token"}, status=403)
        account = self.world.account_by_email(str(form.get("username", "")))
        if account is None or account.password != str(form.get("password", "")):
            return json_reply(
                {"error": "invalid_credentials", "message": "Invalid email or password"},
                status=401,
            )
        flow.account_id = account.account_id
        flow.peer = peer(request)
        if account.two_factor == "none":
            flow.state = "authenticated"
            return web.Response(status=303, headers={"Location": "/oauth/v2/authorize"})
        flow.state = "needs_2fa"
        challenge = {
            "next_time_in_secs": 60,
            "phone": "+1******0000",
            "tsv_methods": ["sms", "whatsapp", "voice"],
            "tsv_state": "sms",
        }
        return json_reply(challenge, status=412 if account.two_factor == "412" else 202)

    async def _h_oauth_2fa_verify(self, request: web.Request) -> web.Response:
        form = await request.post()
        flow = self._flow_by_csrf(str(form.get("csrf-token", "")))
        if flow is None or flow.state != "needs_2fa" or flow.account_id is None:
            return json_reply({"error": "invalid_csrf_token"}, status=403)
        account = self.world.account(flow.account_id)
        if account is None or str(form.get("2fa_code", "")).strip() != account.pin:
            return json_reply({"status": "invalid-code", "message": "Invalid code"}, status=400)
        flow.state = "authenticated"
        flow.peer = peer(request)
        return json_reply({"status": "auth-completed"}, status=201)

    async def _h_oauth_token(self, request: web.Request) -> web.Response:
        form = await request.post()
        grant = str(form.get("grant_type", ""))
        hardware_id = str(form.get("hardware_id") or request.headers.get("hardware_id") or "")
        if hardware_id in BLOCKED_HARDWARE_IDS:
            return error_reply(406)
        if grant == "authorization_code":
            return self._code_grant(form, hardware_id)
        if grant == "refresh_token":
            return self._refresh_grant(str(form.get("refresh_token", "")), hardware_id)
        if grant == "password":
            # Retired by Blink in 2026: the legacy password grant is refused.
            return json_reply({"error": "unsupported_grant_type"}, status=401)
        return json_reply({"error": "unsupported_grant_type"}, status=400)

    def _code_grant(self, form: Any, hardware_id: str) -> web.Response:
        code = self.world.auth_codes.pop(str(form.get("code", "")), None)
        invalid = json_reply({"error": "invalid_grant"}, status=400)
        if code is None or self.world.now() >= code.expires_at:
            return invalid
        flow = code.flow
        if form.get("client_id") != OAUTH_V2_CLIENT_ID:
            return json_reply({"error": "invalid_client"}, status=401)
        if flow.redirect_uri and form.get("redirect_uri") != flow.redirect_uri:
            return invalid
        verifier = str(form.get("code_verifier", ""))
        if flow.code_challenge is None or _pkce_s256(verifier) != flow.code_challenge:
            return invalid
        if flow.hardware_id and hardware_id != flow.hardware_id:
            return invalid
        return json_reply(self.world.issue_tokens(code.account_id, hardware_id or None))

    def _refresh_grant(self, refresh_token: str, hardware_id: str) -> web.Response:
        issued = self.world.refresh_tokens.get(refresh_token)
        if issued is None or issued.used:
            return json_reply({"error": "invalid_grant", "error_description": "invalid token"}, 401)
        if issued.hardware_id and hardware_id != issued.hardware_id:
            return json_reply({"error": "invalid_grant", "error_description": "hardware_id"}, 401)
        # Rotation: the presented refresh token can never be used again.
        issued.used = True
        return json_reply(self.world.issue_tokens(issued.account_id, issued.hardware_id))

    # ------------------------------------------------------------------------- REST
