"""tastytrade's OAuth 2.0 server, declared once as an :class:`~brokerlink.oauth.OAuthSpec`
(refs/tastytrade/NOTES.md §1, §2).

The session login (``POST /sessions``) was decommissioned on 2026-02-11: OAuth2 is the only way
in. What is particular to tastytrade:

- the token endpoint lives **on the API host** (``POST /oauth/token``), per environment; the
  consent page of the authorization-code flow is ``my.tastytrade.com/auth.html`` (the sandbox's
  ``cert-my.staging-tasty.works/auth.html`` is from secondary sources only, and the code flow
  itself is described for "trusted partner" apps by secondary notes: personal use takes the
  refresh token of a grant created on the app's page instead);
- token requests carry ``client_id`` and ``client_secret`` in a JSON body
  (``client_secret_post``; the documented refresh example is JSON), never an ``Authorization``
  header, and the mandatory ``product/version`` ``User-Agent`` (401 without it);
- access tokens last 15 minutes (``expires_in`` 900) and cannot be extended; refresh tokens do
  not expire and do not rotate (a refresh may answer a new one, which the core then stores);
- scopes ``read``, ``trade``, ``openid`` (space-separated); ``openid`` yields an ``id_token``;
- no PKCE and no revocation endpoint are documented, so neither is used (``brokerlink logout``
  only deletes the stored tokens);
- REST calls send ``Authorization: Bearer <token>``, and the account streamer wants the same
  ``Bearer <token>`` text in its ``auth-token`` field.

The ``emulator`` environment declares the same server on the emulator's host
(``/oauth/authorize`` and ``/oauth/token`` beside the REST paths), so a served emulator (its
``base_url`` relocated) carries its OAuth endpoints along.
"""

from __future__ import annotations

from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from brokerlink.oauth import OAuthSpec, standard_identity

if TYPE_CHECKING:
    from brokerlink.adapter import Environment
    from brokerlink.auth import AuthStrategy
    from brokerlink.config import Profile

__all__ = [
    "ACCESS_TOKEN_LIFETIME",
    "AUTHORIZE_PATH",
    "EMULATOR_REDIRECT_URI",
    "SCOPES",
    "SCOPE_MAP",
    "TOKEN_PATH",
    "oauth_spec",
    "tastytrade_auth",
]

SCOPES: tuple[str, ...] = ("read", "trade", "openid")
"""Every tastytrade scope: read account data, trade, and an OpenID ``id_token``."""

SCOPE_MAP: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "read": ("read",),
        "trade": ("trade",),
        # Quotes, the quote token for DxLink and the account streamer are all under `read`.
        "market_data": ("read",),
        "stream": ("read",),
    }
)
"""Neutral scope -> the tastytrade scopes that grant it."""

ACCESS_TOKEN_LIFETIME = timedelta(minutes=15)
"""How long an access token lives (``expires_in`` 900); refresh tokens never expire."""

AUTHORIZE_PATH = "/oauth/authorize"
"""The emulator's consent page, on its own host (tastytrade's is on my.tastytrade.com)."""

TOKEN_PATH = "/oauth/token"
"""Code exchange and refresh, on the API host."""

EMULATOR_REDIRECT_URI = "http://localhost:3000"
"""The callback :class:`~brokerlink.oauth.EmulatorLogin` names (read, never opened)."""


def _url(environment: Environment, role: str, path: str) -> str:
    found = environment.urls.get(role)
    if found is not None:
        return found
    # An environment without the role (a hand-made one) serves OAuth on its API host.
    parts = urlsplit(environment.base_url.rstrip("/"))
    return urlunsplit((parts.scheme, parts.netloc, parts.path + path, "", ""))


def oauth_spec(environment: Environment) -> OAuthSpec:
    """tastytrade's OAuth server for ``environment`` (see the module docstring)."""
    return OAuthSpec(
        authorize_url=_url(environment, "authorize", AUTHORIZE_PATH),
        token_url=_url(environment, "token", TOKEN_PATH),
        revoke_url=None,  # no revocation endpoint is documented
        client_auth="client_secret_post",
        token_body="json",  # the documented refresh request is a JSON body
        pkce=False,  # not documented for tastytrade
        default_scopes=SCOPES,
        scope_map=SCOPE_MAP,
        scope_separator=" ",
        access_token_lifetime=ACCESS_TOKEN_LIFETIME,
        rotates_refresh_tokens=False,
        requires_user_agent=True,
        identity=standard_identity,
    )


def tastytrade_auth(environment: Environment, profile: Profile) -> AuthStrategy:
    """The auth for ``profile`` in ``environment`` (the broker's credentials, or the emulator's
    automatic login): see :func:`brokerlink.oauth.adapter_auth`."""
    from brokerlink.oauth import adapter_auth

    return adapter_auth(
        profile,
        environment,
        oauth_spec(environment),
        broker="tastytrade",
        emulator_redirect_uri=EMULATOR_REDIRECT_URI,
    )
