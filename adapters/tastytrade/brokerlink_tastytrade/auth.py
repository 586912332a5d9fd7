"""tastytrade authentication: OAuth2 only (refs/tastytrade/NOTES.md §2).

The session login (``POST /sessions``) was decommissioned on 2026-02-11. What is particular to
tastytrade is declared here as data, for the shared OAuth flow to consume:

- the token endpoint lives **on the API host** (``POST /oauth/token``), per environment, and the
  consent page on my.tastytrade.com (sandbox: its staging twin);
- the refresh-token grant sends ``grant_type``, ``refresh_token`` and ``client_secret`` in a
  JSON body (``client_id`` optional), **without** an ``Authorization`` header, and with the
  mandatory ``User-Agent``;
- access tokens last 15 minutes (``expires_in`` 900) and cannot be extended; refresh tokens do
  not expire; a personal grant yields a refresh token directly;
- scopes ``read``, ``trade``, ``openid``, space-separated;
- REST calls send ``Authorization: Bearer <token>``, and the account streamer wants the same
  ``Bearer <token>`` text in its ``auth-token`` field.

:func:`oauth_spec` turns these declarations into the core's :class:`~brokerlink.oauth.OAuthSpec`,
so :func:`tastytrade_auth` gives a refreshing strategy when a client id, secret and refresh token
are configured (or stored by ``brokerlink login``), and a static bearer token from
``BROKERLINK_<PROFILE>_ACCESS_TOKEN`` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import attrs

from brokerlink.auth import StaticToken, bearer_from_environment
from brokerlink.oauth import OAuthSpec, standard_identity
from brokerlink_tastytrade.environments import EMULATOR_BASE_URL

if TYPE_CHECKING:
    from brokerlink._http import Auth
    from brokerlink.adapter import Environment
    from brokerlink.config import Profile

__all__ = [
    "ACCESS_TOKEN_LIFETIME",
    "EMULATOR_TOKEN",
    "OAUTH",
    "SCOPES",
    "AuthCodeParameters",
    "OAuthEndpoints",
    "RefreshGrant",
    "oauth_spec",
    "tastytrade_auth",
]

SCOPES: tuple[str, ...] = ("read", "trade", "openid")
"""Every tastytrade scope: read account data, trade, and an OpenID ``id_token``."""

ACCESS_TOKEN_LIFETIME = timedelta(minutes=15)
"""How long an access token lives (``expires_in`` 900); refresh tokens never expire."""


@attrs.frozen(kw_only=True)
class RefreshGrant:
    """How the refresh-token grant is sent: a JSON body, client secret inside, no Basic auth."""

    grant_type: str = "refresh_token"
    body_format: Literal["json"] = "json"
    client_secret_in_body: bool = True
    client_id_required: bool = False
    authorization_header: bool = False


@attrs.frozen(kw_only=True)
class AuthCodeParameters:
    """The authorization-code flow (trusted partners): what the consent URL and exchange carry."""

    response_type: str = "code"
    authorize_params: tuple[str, ...] = (
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
    )
    exchange_params: tuple[str, ...] = (
        "grant_type",
        "code",
        "client_id",
        "client_secret",
        "redirect_uri",
    )
    scope_separator: str = " "


@attrs.frozen(kw_only=True)
class OAuthEndpoints:
    """tastytrade's OAuth declarations for one environment."""

    authorize_url: str
    token_url: str
    scopes: tuple[str, ...] = SCOPES
    token_endpoint_auth: Literal["client_secret_post"] = "client_secret_post"
    access_token_lifetime: timedelta = ACCESS_TOKEN_LIFETIME
    refresh: RefreshGrant = attrs.field(factory=RefreshGrant)
    auth_code: AuthCodeParameters = attrs.field(factory=AuthCodeParameters)


OAUTH: Mapping[str, OAuthEndpoints] = MappingProxyType(
    {
        "live": OAuthEndpoints(
            authorize_url="https://my.tastytrade.com/auth.html",
            token_url="https://api.tastyworks.com/oauth/token",
        ),
        # Sandbox and live credentials are separate: a token from one fails in the other.
        "sandbox": OAuthEndpoints(
            authorize_url="https://cert-my.staging-tasty.works/auth.html",
            token_url="https://api.cert.tastyworks.com/oauth/token",
        ),
        # The emulator's OAuth server answers on its own host (``brokerlink login``).
        "emulator": OAuthEndpoints(
            authorize_url=f"{EMULATOR_BASE_URL}/oauth/authorize",
            token_url=f"{EMULATOR_BASE_URL}/oauth/token",
        ),
    }
)
"""The OAuth endpoints per environment."""

EMULATOR_TOKEN = "emulator-access-token"
"""The placeholder bearer token sent to the emulator, which accepts any non-empty token."""


def oauth_spec(environment: str) -> OAuthSpec | None:
    """The core's OAuth declaration for ``environment`` (``None`` for the emulator)."""
    found = OAUTH.get(environment)
    if found is None:
        return None
    return OAuthSpec(
        authorize_url=found.authorize_url,
        token_url=found.token_url,
        client_auth=found.token_endpoint_auth,
        token_body=found.refresh.body_format,
        default_scopes=found.scopes,
        # tastytrade has two working scopes: `read` covers account data, quotes and streams.
        scope_map={
            "read": ("read",),
            "trade": ("trade",),
            "market_data": ("read",),
            "stream": ("read",),
        },
        scope_separator=found.auth_code.scope_separator,
        access_token_lifetime=found.access_token_lifetime,
        requires_user_agent=True,
        identity=standard_identity,
    )


def tastytrade_auth(profile: Profile, environment: Environment) -> Auth:
    """A refreshing OAuth strategy when a refresh token is configured, else a static bearer
    token from ``BROKERLINK_<PROFILE>_ACCESS_TOKEN`` (a ``ConfigError`` names what to set).

    The emulator takes any bearer token, so it gets a fixed placeholder and needs no setup.
    """
    if environment.is_emulator:
        return StaticToken(EMULATOR_TOKEN)
    return bearer_from_environment(profile, spec=oauth_spec(environment.name))
