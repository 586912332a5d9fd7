"""An OAuth 2.0 authorization server for the emulators: authorize, token, revoke, and a validator.

::

    oauth = OAuthServer(OAuthServerConfig.from_spec(spec))
    oauth.mount(router)                         # authorize, token (+ refresh), revoke routes
    ...
    denied = oauth.validate(request, self.error_reply)   # in the front, before every API call
    if denied is not None:
        return denied

- authorize: consent is automatic for :attr:`OAuthServerConfig.user` (set :attr:`deny` to
  answer ``access_denied`` instead); checks the client, the registered redirect URI, required
  parameters and the PKCE challenge; answers ``302`` to the redirect URI with ``code`` and
  ``state``. An unregistered redirect URI is answered ``400`` and never redirected to.
- token: ``authorization_code`` (code lifetime, single use, redirect URI and PKCE S256
  verifier checked) and ``refresh_token`` (rotation optional: the old refresh token then stops
  working); the client is authenticated by the configured method; short-lived access tokens.
- revoke: a refresh token (with the access tokens issued from it) or an access token.
- :meth:`OAuthServer.validate`: expired, revoked or unknown bearer tokens get a 401;
  ``accept_unknown=True`` lets tokens this server never issued through (callers that bring
  their own fixed token) while still refusing its own expired or revoked ones
  (:meth:`OAuthServer.token_state` tells the four cases apart).

Everything is in memory under one lock, so the served emulator's threads see one state.
:attr:`OAuthServer.token_requests` counts token-endpoint calls, for single-flight tests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode, urlsplit

import attrs
import orjson

from brokerlink._http import Request
from brokerlink.emulator.http.reply import Reply
from brokerlink.emulator.http.router import ErrorReply, Router
from brokerlink.emulator.oauth.config import EmulatedClient, OAuthServerConfig
from brokerlink.oauth.flow import Clock, utc_now

__all__ = ["Grant", "OAuthServer", "TokenState"]

TokenState = Literal["live", "expired", "revoked", "unknown"]
"""What an emulated server knows about a bearer token."""


@attrs.frozen(kw_only=True)
class Grant:
    """What an issued token stands for."""

    client_id: str
    scopes: tuple[str, ...]
    expires_at: datetime | None = None
    refresh_token: str | None = attrs.field(default=None, repr=False)


@attrs.frozen(kw_only=True)
class _Code:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    challenge: str | None
    expires_at: datetime


class _OAuthError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def reply(self) -> Reply:
        body = {"error": self.error, "error_description": self.description}
        return Reply.json(self.status, body, headers={"Cache-Control": "no-store"})


def _form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            data = orjson.loads(request.content or b"{}")
        except orjson.JSONDecodeError:
            raise _OAuthError(400, "invalid_request", "the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise _OAuthError(400, "invalid_request", "the body must be a JSON object")
        return {str(k): str(v) for k, v in data.items() if v is not None}
    parsed = parse_qs(request.content.decode("utf-8", "replace"), keep_blank_values=True)
    return {key: values[0] for key, values in parsed.items()}


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _token() -> str:
    return secrets.token_urlsafe(24)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class OAuthServer:
    """The emulated authorization server of one broker (see the module docstring)."""

    def __init__(self, config: OAuthServerConfig, *, clock: Clock = utc_now) -> None:
        self.config = config
        self.clock = clock
        self.deny = False
        """Answer the next authorize requests with ``access_denied`` (the user declined)."""
        self.token_requests = 0
        """How many requests reached the token (and refresh) endpoint."""
        self._lock = threading.Lock()
        self._codes: dict[str, _Code] = {}
        self._access: dict[str, Grant] = {}
        self._refresh: dict[str, Grant] = {}
        # Access tokens revoked (directly or with their refresh token), so an "open" front that
        # accepts foreign tokens still refuses these.
        self._revoked: set[str] = set()

    # -- wiring -----------------------------------------------------------------------------------
    def mount(self, router: Router) -> None:
        """Add the authorize, token, refresh and revoke routes to ``router`` (under its prefix)."""
        config = self.config
        router.add("GET", config.authorize_path, self.authorize)
        router.add("POST", config.token_path, self.token)
        if config.refresh_endpoint != config.token_path:
            router.add("POST", config.refresh_endpoint, self.token)
        if config.revoke_path is not None:
            router.add("POST", config.revoke_path, self.revoke)

    def owns(self, path: str) -> bool:
        """True for the server's own paths (which need no bearer token)."""
        config = self.config
        return path in {
            config.authorize_path,
            config.token_path,
            config.refresh_endpoint,
            config.revoke_path,
        }

    def validate(
        self, request: Request, error: ErrorReply, *, accept_unknown: bool = False
    ) -> Reply | None:
        """``None`` when the request carries a live bearer token, else a 401 in the front's shape.

        ``accept_unknown`` also lets through a bearer token this server never issued; its own
        expired or revoked tokens are refused either way.
        """
        token = _bearer(request)
        if token is None:
            return error(401, "the access token is missing")
        state = self.token_state(token)
        if state == "live" or (state == "unknown" and accept_unknown):
            return None
        messages = {
            "expired": "the access token has expired",
            "revoked": "the access token has been revoked",
            "unknown": "the access token is not valid",
        }
        return error(401, messages[state])

    def token_state(self, token: str) -> TokenState:
        """Whether ``token`` is a live, expired or revoked access token of this server, or unknown."""
        with self._lock:
            grant = self._access.get(token)
            revoked = token in self._revoked
        if grant is None:
            return "revoked" if revoked else "unknown"
        if grant.expires_at is not None and self.clock() >= grant.expires_at:
            return "expired"
        return "live"

    def grant_for(self, request: Request) -> Grant | None:
        """The grant behind the request's live bearer token, or ``None``."""
        token = _bearer(request)
        if token is None:
            return None
        with self._lock:
            grant = self._access.get(token)
        if grant is None or (grant.expires_at is not None and self.clock() >= grant.expires_at):
            return None
        return grant

    def issue(self, client_id: str, scopes: tuple[str, ...] = ()) -> dict[str, Any]:
        """Issue tokens directly (a "personal grant"): the token response body."""
        with self._lock:
            return self._issue(client_id, scopes, refresh_token=None)

    # -- authorize ----------------------------------------------------------------------------------
    def authorize(self, request: Request) -> Reply:
        """The consent page: auto-consent (or denial), then a redirect with code and state."""
        config = self.config
        query = {key: str(value) for key, value in request.url.params.items()}
        client = config.client(query.get("client_id"))
        if client is None:
            return _OAuthError(400, "invalid_client", "unknown client_id").reply()
        redirect_uri = query.get("redirect_uri") if config.sends_redirect_uri else None
        if redirect_uri is None:
            redirect_uri = client.redirect_uris[0]
        if redirect_uri not in client.redirect_uris:
            # Never redirect to an unregistered URI (RFC 6749 §4.1.2.1): answer here instead.
            return _OAuthError(
                400, "invalid_request", "redirect_uri is not registered for this client"
            ).reply()
        state = query.get("state")

        def back(**params: str) -> Reply:
            if state is not None:
                params["state"] = state
            separator = "&" if urlsplit(redirect_uri).query else "?"
            return Reply.empty(
                302, headers={"Location": redirect_uri + separator + urlencode(params)}
            )

        if config.sends_redirect_uri and query.get("response_type") != "code":
            return back(error="unsupported_response_type")
        for name, value in config.required_authorize_params.items():
            if query.get(name) != value:
                return back(error="invalid_request", error_description=f"{name} is required")
        challenge = query.get("code_challenge")
        if challenge is not None and query.get("code_challenge_method") != "S256":
            return back(error="invalid_request", error_description="only S256 is supported")
        if challenge is None and config.require_pkce:
            return back(error="invalid_request", error_description="code_challenge is required")
        if self.deny:
            return back(
                error="access_denied", error_description="User did not authorize the request"
            )
        requested = query.get("scope")
        scopes = (
            tuple(s for s in requested.split(config.scope_separator) if s)
            if requested
            else config.default_scopes
        )
        code = _token()
        with self._lock:
            self._codes[code] = _Code(
                client_id=client.client_id,
                redirect_uri=redirect_uri,
                scopes=scopes,
                challenge=challenge,
                expires_at=self.clock() + config.code_lifetime,
            )
        return back(code=code)

    # -- token ----------------------------------------------------------------------------------------
    def token(self, request: Request) -> Reply:
        """The token endpoint: ``authorization_code`` and ``refresh_token`` grants."""
        with self._lock:
            self.token_requests += 1
        try:
            if self.config.require_user_agent and "/" not in request.headers.get("user-agent", ""):
                raise _OAuthError(
                    401, "invalid_request", "a product/version User-Agent is required"
                )
            fields = _form(request)
            client = self._authenticate(request, fields)
            for name, value in self.config.required_token_params.items():
                if fields.get(name) != value:
                    raise _OAuthError(400, "invalid_request", f"{name} is required")
            grant_type = fields.get("grant_type")
            with self._lock:
                if grant_type == "authorization_code":
                    body = self._code_grant(client, fields)
                elif grant_type == "refresh_token":
                    body = self._refresh_grant(client, fields)
                else:
                    raise _OAuthError(400, "unsupported_grant_type", "unsupported grant_type")
        except _OAuthError as exc:
            return exc.reply()
        return Reply.json(200, body, headers={"Cache-Control": "no-store"})

    def _authenticate(self, request: Request, fields: Mapping[str, str]) -> EmulatedClient:
        method = self.config.client_auth
        if method == "client_secret_basic":
            scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
            try:
                pair = (
                    base64.b64decode(encoded, validate=True).decode()
                    if scheme.lower() == "basic"
                    else ""
                )
            except (ValueError, UnicodeDecodeError):
                pair = ""
            client_id, _, secret = pair.partition(":")
        else:
            client_id, secret = fields.get("client_id", ""), fields.get("client_secret", "")
        client = self.config.client(client_id)
        if client is None:
            raise _OAuthError(401, "invalid_client", "unknown client")
        if method == "none" or client.client_secret is None:
            return client
        if not hmac.compare_digest(secret.encode(), client.client_secret.encode()):
            raise _OAuthError(401, "invalid_client", "client authentication failed")
        return client

    def _code_grant(self, client: EmulatedClient, fields: Mapping[str, str]) -> dict[str, Any]:
        code = self._codes.pop(fields.get("code", ""), None)  # single use, even when refused
        if code is None or code.client_id != client.client_id:
            raise _OAuthError(400, "invalid_grant", "unknown or already used authorization code")
        if self.clock() >= code.expires_at:
            raise _OAuthError(400, "invalid_grant", "the authorization code has expired")
        if self.config.sends_redirect_uri and fields.get("redirect_uri") != code.redirect_uri:
            raise _OAuthError(
                400, "invalid_grant", "redirect_uri does not match the authorize request"
            )
        if code.challenge is not None:
            verifier = fields.get("code_verifier", "")
            computed = _b64(hashlib.sha256(verifier.encode("ascii", "replace")).digest())
            if not verifier or not hmac.compare_digest(computed, code.challenge):
                raise _OAuthError(400, "invalid_grant", "the PKCE code_verifier does not match")
        refresh = _token() if self.config.issue_refresh_tokens else None
        if refresh is not None:
            self._refresh[refresh] = Grant(client_id=client.client_id, scopes=code.scopes)
        return self._issue(client.client_id, code.scopes, refresh_token=refresh, new_refresh=True)

    def _refresh_grant(self, client: EmulatedClient, fields: Mapping[str, str]) -> dict[str, Any]:
        presented = fields.get("refresh_token", "")
        grant = self._refresh.get(presented)
        if grant is None or grant.client_id != client.client_id:
            raise _OAuthError(400, "invalid_grant", "unknown, revoked or rotated refresh token")
        refresh = presented
        if self.config.rotate_refresh_tokens:
            del self._refresh[presented]
            refresh = _token()
            self._refresh[refresh] = grant
        return self._issue(
            client.client_id,
            grant.scopes,
            refresh_token=refresh,
            new_refresh=self.config.rotate_refresh_tokens,
        )

    def _issue(
        self,
        client_id: str,
        scopes: tuple[str, ...],
        *,
        refresh_token: str | None,
        new_refresh: bool = False,
    ) -> dict[str, Any]:
        now = self.clock()
        lifetime = self.config.access_token_lifetime
        access = _token()
        self._access[access] = Grant(
            client_id=client_id,
            scopes=scopes,
            expires_at=now + lifetime,
            refresh_token=refresh_token,
        )
        body: dict[str, Any] = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(lifetime.total_seconds()),
            "scope": self.config.response_scope_separator.join(scopes),
        }
        if refresh_token is not None and new_refresh:
            body["refresh_token"] = refresh_token
        if self.config.issue_id_token:
            body["id_token"] = self._id_token(client_id, now)
        return body

    def _id_token(self, client_id: str, now: datetime) -> str:
        user = self.config.user
        claims = {
            "iss": self.config.issuer,
            "sub": user.subject,
            "aud": client_id,
            "iat": int(now.timestamp()),
            "exp": int((now + self.config.access_token_lifetime).timestamp()),
            "name": user.name,
            "email": user.email,
        }
        signing_input = (
            f"{_b64(orjson.dumps({'alg': 'HS256', 'typ': 'JWT'}))}.{_b64(orjson.dumps(claims))}"
        )
        secret = (self.config.client(client_id) or EmulatedClient()).client_secret or client_id
        signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64(signature)}"

    # -- revoke ---------------------------------------------------------------------------------------
    def revoke(self, request: Request) -> Reply:
        """Revoke a refresh token (and the access tokens issued from it) or an access token.

        With :attr:`OAuthServerConfig.revoke_all_refresh_tokens` (TradeStation), revoking one
        refresh token revokes every refresh token of the client.
        """
        try:
            fields = _form(request)
            client = self._authenticate(request, fields)
        except _OAuthError as exc:
            return exc.reply()
        token = fields.get("token") or fields.get("refresh_token") or ""
        with self._lock:
            grant = self._refresh.get(token)
            if grant is not None and grant.client_id == client.client_id:
                doomed = {token}
                if self.config.revoke_all_refresh_tokens:
                    doomed |= {
                        r for r, g in self._refresh.items() if g.client_id == grant.client_id
                    }
                for refresh in doomed:
                    del self._refresh[refresh]
                for access in [a for a, g in self._access.items() if g.refresh_token in doomed]:
                    del self._access[access]
                    self._revoked.add(access)
            elif (
                issued := self._access.get(token)
            ) is not None and issued.client_id == client.client_id:
                del self._access[token]
                self._revoked.add(token)
        # RFC 7009 §2.2: an unknown token is not an error.
        return Reply.empty(200)

    def __repr__(self) -> str:
        return f"<OAuthServer {self.config.token_path} {len(self._access)} access tokens>"
