"""TradeStation's OAuth 2.0 server, declared once as an :class:`~brokerlink.oauth.OAuthSpec`
(refs/tradestation/NOTES.md §2).

- one Auth0 tenant for ``live`` and ``sim`` (``signin.tradestation.com``): ``/authorize``,
  ``/oauth/token`` (code exchange and refresh), ``/oauth/revoke`` (the documented example posts
  JSON ``{client_id, client_secret, token}``); every authorize request carries the audience
  ``https://api.tradestation.com``;
- scopes: ``openid`` (required), ``offline_access`` (refresh tokens), ``profile`` (the id_token's
  name claims), and the API scopes ``MarketData``, ``ReadAccount``, ``Trade``; ``OptionSpreads``
  and ``Matrix`` (market depth) are granted by default to new keys, ``Crypto`` only on request,
  and asking for a scope the key lacks fails the login, so those three are opt-in;
- the token endpoint takes ``client_id``/``client_secret`` in the form body
  (``client_secret_post``); access tokens live 20 minutes (``expires_in: 1200``);
- refresh tokens do not rotate with the default key configuration (rotation is an opt-in of
  TradeStation's Client Experience team); when a refresh answers with a new refresh token the
  core strategy stores it anyway;
- PKCE S256 is sent on every login: Auth0 checks a verifier whenever a challenge was sent, and
  keys switched to SPA/Native need it.

The ``emulator`` environment declares the same server on the emulator's host (``/authorize``,
``/oauth/token``, ``/oauth/revoke`` next to ``/v3``), so a served emulator (its ``base_url``
relocated) carries its OAuth endpoints along.
"""

from __future__ import annotations

from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from brokerlink.adapter import Environment
from brokerlink.oauth import OAuthSpec, standard_identity

if TYPE_CHECKING:
    from brokerlink.auth import AuthStrategy
    from brokerlink.config import Profile

__all__ = [
    "ACCESS_TOKEN_LIFETIME",
    "AUDIENCE",
    "AUTHORIZE_PATH",
    "BASE_SCOPES",
    "DEFAULT_CALLBACKS",
    "EMULATOR_REDIRECT_URI",
    "OPTIONAL_SCOPES",
    "REVOKE_PATH",
    "SCOPE_MAP",
    "TOKEN_PATH",
    "oauth_spec",
    "scope_text",
    "tradestation_auth",
]

AUDIENCE = "https://api.tradestation.com"
"""The ``audience`` every authorize request must carry (the AOP partner audience differs)."""

AUTHORIZE_PATH = "/authorize"
"""Where the browser logs in, on the sign-in host (and on the emulator's host)."""

TOKEN_PATH = "/oauth/token"
"""Code exchange and refresh."""

REVOKE_PATH = "/oauth/revoke"
"""Revocation (it revokes every refresh token of the API key, NOTES §2.5)."""

DEFAULT_CALLBACKS: tuple[str, ...] = (
    "http://localhost",
    "http://localhost:80",
    "http://localhost:3000",
    "http://localhost:3001",
    "http://localhost:8080",
    "http://localhost:31022",
)
"""The callback URLs every new API key allows (others need TradeStation's Client Experience)."""

EMULATOR_REDIRECT_URI = "http://localhost:3000"
"""The callback :class:`~brokerlink.oauth.EmulatorLogin` names (never opened: the redirect is
read, not followed)."""

ACCESS_TOKEN_LIFETIME = timedelta(minutes=20)
"""``expires_in: 1200`` in both documented token responses."""

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
"""Scopes some endpoints need, and what for (add them with the profile's ``scopes``)."""

SCOPE_MAP: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "read": ("ReadAccount",),
        "trade": ("Trade",),
        "market_data": ("MarketData",),
        "stream": ("MarketData",),
    }
)
"""Neutral scope -> the TradeStation scopes that grant it (streams are market-data scoped)."""


def scope_text(*extra: str) -> str:
    """The ``scope`` parameter: :data:`BASE_SCOPES` plus ``extra`` (which must be optional ones)."""
    unknown = [scope for scope in extra if scope not in OPTIONAL_SCOPES]
    if unknown:
        raise ValueError(
            f"unknown TradeStation scope(s) {unknown}; known: {tuple(OPTIONAL_SCOPES)}"
        )
    return " ".join((*BASE_SCOPES, *extra))


def _emulator_url(environment: Environment, path: str) -> str:
    # The emulator serves OAuth at its root, beside /v3 (wherever base_url moved it).
    parts = urlsplit(environment.base_url.rstrip("/"))
    root = parts.path[: -len("/v3")] if parts.path.endswith("/v3") else parts.path
    return urlunsplit((parts.scheme, parts.netloc, root + path, "", ""))


def _url(environment: Environment, role: str, path: str) -> str:
    found = environment.urls.get(role)
    if found is not None:
        return found
    return _emulator_url(environment, path)


def oauth_spec(environment: Environment) -> OAuthSpec:
    """TradeStation's OAuth server for ``environment`` (see the module docstring)."""
    return OAuthSpec(
        authorize_url=_url(environment, "authorize", AUTHORIZE_PATH),
        token_url=_url(environment, "token", TOKEN_PATH),
        revoke_url=_url(environment, "revoke", REVOKE_PATH),
        client_auth="client_secret_post",
        revoke_body="json",  # the documented revoke example is a JSON body
        revoke_token_field="token",  # the example's field (the parameter table says refresh_token)
        pkce=True,
        default_scopes=BASE_SCOPES,
        scope_map=SCOPE_MAP,
        authorize_params={"audience": AUDIENCE},
        access_token_lifetime=ACCESS_TOKEN_LIFETIME,
        rotates_refresh_tokens=False,
        identity=standard_identity,
    )


def tradestation_auth(environment: Environment, profile: Profile) -> AuthStrategy:
    """The auth for ``profile`` in ``environment`` (the broker's credentials, or the emulator's
    automatic login): see :func:`brokerlink.oauth.adapter_auth`."""
    from brokerlink.oauth import adapter_auth

    return adapter_auth(
        profile,
        environment,
        oauth_spec(environment),
        broker="tradestation",
        emulator_redirect_uri=EMULATOR_REDIRECT_URI,
    )
