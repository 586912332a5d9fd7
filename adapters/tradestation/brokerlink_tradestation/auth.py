"""TradeStation's OAuth 2.0 endpoints, audience and scopes, as typed constants (NOTES.md §2).

The shared OAuth flow (authorization code, refresh, token store) lives in the core auth issue;
this module only declares what that flow needs for TradeStation:

- one Auth0 tenant for ``live`` and ``sim`` (``signin.tradestation.com``), audience
  ``https://api.tradestation.com``;
- scopes: ``openid`` (required), ``offline_access`` (refresh tokens), ``profile``, and the API
  scopes ``MarketData``, ``ReadAccount``, ``Trade``; ``OptionSpreads`` and ``Matrix`` (market
  depth) are granted by default to new keys; ``Crypto`` only on request, and asking for a scope
  the key lacks fails the login, so it is optional;
- the token endpoint takes ``client_id``/``client_secret`` in the form body
  (``client_secret_post``); access tokens live 20 minutes (``expires_in: 1200``).

Until the OAuth flow lands, :func:`tradestation_auth` reads a bearer token from
``BROKERLINK_<PROFILE>_ACCESS_TOKEN`` (the emulator takes any token: it gets a placeholder).
"""

from __future__ import annotations

from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from brokerlink._http import Auth
from brokerlink.adapter import Environment

if TYPE_CHECKING:
    from brokerlink.config import Profile

__all__ = [
    "AUDIENCE",
    "BASE_SCOPES",
    "EMULATOR_TOKEN",
    "OAUTH",
    "OPTIONAL_SCOPES",
    "OAuthEndpoints",
    "oauth_endpoints",
    "tradestation_auth",
]

AUDIENCE = "https://api.tradestation.com"
"""The ``audience`` every authorize request must carry (the AOP partner audience differs)."""

BASE_SCOPES: tuple[str, ...] = (
    "openid",
    "offline_access",
    "profile",
    "MarketData",
    "ReadAccount",
    "Trade",
)
"""Scopes every brokerlink login asks for (space-separated and case-sensitive on the wire)."""

OPTIONAL_SCOPES: MappingProxyType[str, str] = MappingProxyType(
    {
        "OptionSpreads": "option expirations, strikes, chains and risk/reward",
        "Matrix": "market depth streams",
        "Crypto": "crypto data; granted on request only (asking without it fails the login)",
    }
)
"""Scopes some endpoints need, and what for."""


@attrs.frozen(kw_only=True)
class OAuthEndpoints:
    """What the OAuth flow needs to log in to one TradeStation environment."""

    authorize_url: str
    token_url: str
    revoke_url: str
    audience: str = AUDIENCE
    scopes: tuple[str, ...] = BASE_SCOPES
    optional_scopes: tuple[str, ...] = tuple(OPTIONAL_SCOPES)
    token_endpoint_auth_method: str = "client_secret_post"
    access_token_lifetime: timedelta = timedelta(minutes=20)
    refresh_tokens_expire: bool = False  # unless the key has rotation turned on (NOTES §2.5)

    def scope_text(self, *extra: str) -> str:
        """The ``scope`` parameter: the base scopes plus ``extra`` (which must be known)."""
        unknown = [scope for scope in extra if scope not in self.optional_scopes]
        if unknown:
            raise ValueError(
                f"unknown TradeStation scope(s) {unknown}; known: {self.optional_scopes}"
            )
        return " ".join((*self.scopes, *extra))


def oauth_endpoints(environment: Environment) -> OAuthEndpoints | None:
    """The OAuth endpoints of ``environment``; ``None`` for the emulator (no login)."""
    urls = environment.urls
    if "token" not in urls:
        return None
    return OAuthEndpoints(
        authorize_url=urls["authorize"], token_url=urls["token"], revoke_url=urls["revoke"]
    )


OAUTH = MappingProxyType(
    {
        name: OAuthEndpoints(
            authorize_url="https://signin.tradestation.com/authorize",
            token_url="https://signin.tradestation.com/oauth/token",
            revoke_url="https://signin.tradestation.com/oauth/revoke",
        )
        for name in ("live", "sim")
    }
)
"""The OAuth endpoints per environment (live and sim share the tenant)."""


EMULATOR_TOKEN = "emulator"
"""The bearer token sent to the emulator, which (like TradeStation) requires one, of any value."""


def tradestation_auth(environment: Environment, profile: Profile) -> Auth | None:
    """The auth for ``profile``: a placeholder token on the emulator, else the profile's token."""
    from brokerlink.auth import StaticToken, bearer_from_environment

    if environment.is_emulator:
        return StaticToken(EMULATOR_TOKEN)
    return bearer_from_environment(profile)
