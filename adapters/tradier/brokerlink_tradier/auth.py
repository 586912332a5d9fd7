"""Tradier authentication: personal access tokens now, the OAuth declarations for partners.

Most users authenticate with a personal access token (one per environment: the sandbox token only
works against sandbox.tradier.com), sent as ``Authorization: Bearer <token>`` on every request
(NOTES §2.1). :func:`tradier_auth` reads it from ``BROKERLINK_<PROFILE>_ACCESS_TOKEN``.

Tradier partners may use the OAuth authorization-code flow (NOTES §2.2). What is particular to
Tradier is declared here as data, for the shared OAuth flow to consume:

- the authorize, token and *separate* refresh URLs per environment;
- the scopes ``read write market trade stream``, sent **comma**-separated in the authorize URL
  and returned **space**-separated in the token response (:func:`scope_param`,
  :func:`granted_scopes`);
- HTTP Basic client authentication at the token endpoint (``client_secret_basic``);
- refresh tokens only for approved partners: without one, an expired token needs a new
  authorization code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import attrs

from brokerlink._http import Auth

if TYPE_CHECKING:
    from brokerlink.adapter import Environment
    from brokerlink.config import Profile

__all__ = [
    "EMULATOR_TOKEN",
    "SCOPES",
    "TOKEN_ENDPOINT_AUTH",
    "OAuthEndpoints",
    "granted_scopes",
    "oauth_endpoints",
    "scope_param",
    "tradier_auth",
]

SCOPES: tuple[str, ...] = ("read", "write", "market", "trade", "stream")
"""Every Tradier scope: read account data, write it, market data, trade, create stream sessions."""

TOKEN_ENDPOINT_AUTH: Literal["client_secret_basic"] = "client_secret_basic"
"""Client authentication at the token and refresh endpoints: HTTP Basic (id:secret)."""


@attrs.frozen(kw_only=True)
class OAuthEndpoints:
    """Tradier's OAuth endpoints for one environment.

    ``refresh_url`` differs from ``token_url`` (a generic client refreshing at the token endpoint
    would fail); ``refresh_for_partners_only`` records that refresh tokens are issued to approved
    partners only.
    """

    authorize_url: str
    token_url: str
    refresh_url: str
    scopes: tuple[str, ...] = SCOPES
    scope_separator: str = ","
    token_endpoint_auth: Literal["client_secret_basic"] = TOKEN_ENDPOINT_AUTH
    refresh_for_partners_only: bool = True


_API = "https://api.tradier.com/v1/oauth"

# The OAuth endpoints live on the production host only: sandbox apps authorize there too.
OAUTH: Mapping[str, OAuthEndpoints] = MappingProxyType(
    {
        name: OAuthEndpoints(
            authorize_url=f"{_API}/authorize",
            token_url=f"{_API}/accesstoken",
            refresh_url=f"{_API}/refreshtoken",
        )
        for name in ("live", "sandbox")
    }
)
"""OAuth endpoints per environment (the emulator needs none)."""


def oauth_endpoints(environment: Environment) -> OAuthEndpoints | None:
    """The OAuth endpoints of ``environment``, or ``None`` when it has no OAuth (the emulator)."""
    return OAUTH.get(environment.name)


def scope_param(scopes: Iterable[str] = SCOPES) -> str:
    """The authorize URL's ``scope`` value: comma-separated (``read,write,market,trade,stream``).

    Unknown scopes raise ``ValueError`` naming the valid ones.
    """
    chosen = list(scopes)
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown:
        raise ValueError(f"unknown Tradier scope(s) {unknown}; valid: {', '.join(SCOPES)}")
    return ",".join(chosen)


def granted_scopes(token_scope: str) -> frozenset[str]:
    """The scopes of a token response's ``scope`` (space-separated; commas tolerated)."""
    return frozenset(part for part in token_scope.replace(",", " ").split() if part)


EMULATOR_TOKEN = "brokerlink-emulator"
"""The bearer token sent to the emulator, which (like Tradier) wants one but checks no secret."""


def tradier_auth(profile: Profile, environment: Environment) -> Auth | None:
    """The auth flow for ``profile``: a fixed placeholder token on the emulator, else the
    personal access token from ``BROKERLINK_<PROFILE>_ACCESS_TOKEN``."""
    from brokerlink.auth import StaticToken, bearer_from_environment

    if environment.is_emulator:
        return StaticToken(EMULATOR_TOKEN)
    return bearer_from_environment(profile)
