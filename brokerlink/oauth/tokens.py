"""Tokens and client credentials as values, and how token responses become them.

:class:`TokenSet` is what a token endpoint grants and what the token store keeps;
:class:`ClientCredentials` is the app's id and secret. Neither ever shows a secret in its repr.
:func:`tokens_from_response` reads a token endpoint's answer (the OAuth-standard snake_case JSON
all three brokers use) and :func:`token_error` turns a refusal into a typed error without echoing
anything the broker sent back verbatim.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import orjson

from brokerlink import errors
from brokerlink._http import Response
from brokerlink.oauth.spec import OAuthSpec
from brokerlink.runtime.retry import retry_after_seconds

__all__ = ["ClientCredentials", "TokenSet", "token_error", "tokens_from_response"]


@attrs.frozen(kw_only=True)
class ClientCredentials:
    """An OAuth client: its id (public) and secret (``None`` for a PKCE/public client)."""

    client_id: str
    client_secret: str | None = attrs.field(default=None, repr=False)

    def __repr__(self) -> str:
        secret = "****" if self.client_secret else "None"
        return f"ClientCredentials(client_id={self.client_id!r}, client_secret={secret})"


def _when(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("a stored time must be an ISO 8601 string")
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


@attrs.frozen(kw_only=True)
class TokenSet:
    """What a token endpoint granted.

    ``expires_at`` is ``None`` when the lifetime is unknown (the token is then only refreshed
    after a 401); ``scopes`` is ``None`` when the broker did not say which were granted.
    """

    access_token: str | None = attrs.field(default=None, repr=False)
    refresh_token: str | None = attrs.field(default=None, repr=False)
    token_type: str = "Bearer"
    expires_at: datetime | None = None
    obtained_at: datetime | None = None
    scopes: frozenset[str] | None = None
    id_token: str | None = attrs.field(default=None, repr=False)

    def __repr__(self) -> str:
        def mark(value: str | None) -> str:
            return "****" if value else "None"

        expires = self.expires_at.isoformat() if self.expires_at else None
        scopes = sorted(self.scopes) if self.scopes is not None else None
        return (
            f"TokenSet(access_token={mark(self.access_token)}, "
            f"refresh_token={mark(self.refresh_token)}, expires_at={expires}, scopes={scopes})"
        )

    def is_fresh(self, now: datetime, leeway: timedelta) -> bool:
        """True when there is an access token that will not expire within ``leeway``.

        The leeway is capped at half the token's lifetime, so a token that only lives a few
        seconds (an emulator's) is not refreshed on every request.
        """
        if self.access_token is None:
            return False
        if self.expires_at is None:
            return True
        if self.obtained_at is not None:
            leeway = min(leeway, (self.expires_at - self.obtained_at) / 2)
        return now < self.expires_at - leeway

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict for the token store."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": self.token_type,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "obtained_at": self.obtained_at.isoformat() if self.obtained_at else None,
            "scopes": sorted(self.scopes) if self.scopes is not None else None,
            "id_token": self.id_token,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TokenSet:
        """The inverse of :meth:`to_json`; ``ValueError`` for a malformed entry."""
        scopes = data.get("scopes")

        def text(key: str) -> str | None:
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise ValueError(f"stored {key} must be a string")
            return value

        return cls(
            access_token=text("access_token"),
            refresh_token=text("refresh_token"),
            token_type=text("token_type") or "Bearer",
            expires_at=_when(data.get("expires_at")),
            obtained_at=_when(data.get("obtained_at")),
            scopes=frozenset(scopes) if isinstance(scopes, list) else None,
            id_token=text("id_token"),
        )


def _body(response: Response) -> dict[str, Any]:
    try:
        data = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def tokens_from_response(
    response: Response,
    spec: OAuthSpec,
    *,
    now: datetime,
    previous: TokenSet | None = None,
    broker: str | None = None,
) -> TokenSet:
    """The tokens in a successful token response, or the typed error it stands for.

    A refresh response without a ``refresh_token`` keeps ``previous``'s (brokers that do not
    rotate); the scopes granted at login (``previous.scopes``) are kept over a refresh's.
    """
    if response.status_code != 200:
        raise token_error(response, broker=broker)
    data = _body(response)
    access = data.get("access_token")
    if not isinstance(access, str) or not access or "error" in data:
        raise token_error(response, broker=broker)
    lifetime: timedelta | None = spec.access_token_lifetime
    expires_in = data.get("expires_in")
    if isinstance(expires_in, int | float) and not isinstance(expires_in, bool):
        lifetime = timedelta(seconds=float(expires_in))
    elif isinstance(expires_in, str) and expires_in.isdigit():
        lifetime = timedelta(seconds=int(expires_in))
    refresh = data.get("refresh_token")
    scope = data.get("scope")
    id_token = data.get("id_token")
    kept = previous or TokenSet()
    return TokenSet(
        access_token=access,
        refresh_token=refresh if isinstance(refresh, str) and refresh else kept.refresh_token,
        token_type=str(data.get("token_type") or "Bearer"),
        expires_at=now + lifetime if lifetime is not None else None,
        obtained_at=now,
        scopes=_scopes(spec, scope, kept),
        id_token=id_token if isinstance(id_token, str) and id_token else kept.id_token,
    )


def _scopes(spec: OAuthSpec, scope: object, kept: TokenSet) -> frozenset[str] | None:
    # A refresh keeps what the login granted: TradeStation's documented refresh response says
    # only "openid offline_access" while the token still carries MarketData, Trade, ...
    if kept.scopes is not None:
        return kept.scopes
    return spec.split_scopes(scope) if isinstance(scope, str) else None


_ERROR_HINTS = {
    "invalid_grant": "the grant (refresh token or authorization code) was refused: it is "
    "expired, revoked or already used. Log in again with `brokerlink login <profile>`",
    "invalid_client": "the client id or secret was refused: check "
    "BROKERLINK_<PROFILE>_CLIENT_ID and BROKERLINK_<PROFILE>_CLIENT_SECRET",
    "unauthorized_client": "this client may not use this grant type; check the app's settings "
    "with the broker",
    "invalid_scope": "a requested scope is not allowed for this app; remove it from the "
    "profile's scopes",
    "access_denied": "access was denied",
}


def token_error(response: Response, *, broker: str | None = None) -> errors.BrokerError:
    """The error a refused token request stands for.

    Only the OAuth ``error`` code (a short keyword) is quoted; descriptions and bodies can echo
    the submitted grant, so they are left out.
    """
    status = response.status_code
    if status == 429:
        return errors.RateLimitedError(
            "the token endpoint is rate limiting",
            broker=broker,
            retry_after=retry_after_seconds(response),
        )
    if status >= 500:
        return errors.BrokerUnavailableError(
            f"the token endpoint failed (HTTP {status}); try again later",
            broker=broker,
            retry_after=retry_after_seconds(response),
        )
    code = _body(response).get("error")
    code = code if isinstance(code, str) and code.replace("_", "").isalnum() else None
    hint = _ERROR_HINTS.get(code or "", "the token request was refused")
    return errors.UnauthorizedError(
        f"token endpoint answered HTTP {status}: {hint}", broker=broker, code=code
    )
