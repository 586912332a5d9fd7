"""Tradier authentication: personal access tokens, and the OAuth server partners log in through.

Most users authenticate with a personal access token (one per environment: the sandbox token only
works against sandbox.tradier.com), sent as ``Authorization: Bearer <token>`` on every request
(NOTES §2.1): ``BROKERLINK_<PROFILE>_ACCESS_TOKEN``, a :class:`~brokerlink.auth.StaticToken`.

Tradier partners may use the OAuth authorization-code flow (NOTES §2.2), declared once by
:func:`oauth_spec` for the core strategies, ``brokerlink login`` and the emulator's server:

- authorize ``/v1/oauth/authorize`` with ``client_id``, ``scope`` and ``state`` only: no
  ``redirect_uri`` (the app's registered callback is used) and no PKCE (none is documented);
- the code is exchanged at ``/v1/oauth/accesstoken`` and refreshed at the *separate*
  ``/v1/oauth/refreshtoken``, both with HTTP Basic client authentication (``client_secret_basic``)
  and a form body ``grant_type=...&code=...`` / ``...&refresh_token=...``;
- scopes ``read write market trade stream``, sent **comma**-separated and returned
  **space**-separated (:func:`scope_param`, :func:`granted_scopes`);
- access tokens live 24 hours (``expires_in: 86399``), codes 10 minutes; refresh tokens are
  issued to approved partners only (without one, an expired token needs a new login); the
  response carries no id_token, so a login cannot say who logged in;
- there is no revoke endpoint: ``brokerlink logout`` only deletes the stored tokens.

OAuth is documented on the production host only, and its tokens are production tokens (the
sandbox takes its own token), so ``sandbox`` declares no OAuth server: :func:`oauth_spec` is
``None`` there. The ``emulator`` serves the same endpoints under its own ``/v1``, so a served
emulator (``base_url`` relocated) carries them along.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from brokerlink.oauth import OAuthSpec

if TYPE_CHECKING:
    from brokerlink._http import Auth
    from brokerlink.adapter import Environment
    from brokerlink.config import Profile

__all__ = [
    "ACCESS_TOKEN_LIFETIME",
    "AUTHORIZE_PATH",
    "CODE_LIFETIME",
    "EMULATOR_REDIRECT_URI",
    "REFRESH_PATH",
    "SCOPES",
    "SCOPE_MAP",
    "TOKEN_ENDPOINT_AUTH",
    "TOKEN_PATH",
    "granted_scopes",
    "oauth_spec",
    "scope_param",
    "tradier_auth",
]

SCOPES: tuple[str, ...] = ("read", "write", "market", "trade", "stream")
"""Every Tradier scope: read account data, write it, market data, trade, create stream sessions."""

SCOPE_MAP: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "read": ("read",),
        # "write" is account data, "not trades" (DOC authorization-code): orders need "trade".
        "trade": ("trade",),
        "market_data": ("market",),
        "stream": ("stream",),
    }
)
"""Neutral scope -> the Tradier scopes that grant it."""

TOKEN_ENDPOINT_AUTH: Literal["client_secret_basic"] = "client_secret_basic"
"""Client authentication at the token and refresh endpoints: HTTP Basic (id:secret)."""

AUTHORIZE_PATH = "/oauth/authorize"
"""The consent page, under the API root (``/v1``)."""

TOKEN_PATH = "/oauth/accesstoken"
"""The code exchange, under the API root."""

REFRESH_PATH = "/oauth/refreshtoken"
"""Refresh (approved partners), under the API root: not the token endpoint."""

ACCESS_TOKEN_LIFETIME = timedelta(hours=24)
"""Access tokens "expire every 24 hours – no questions asked" (DOC overview/authentication)."""

CODE_LIFETIME = timedelta(minutes=10)
"""How long an authorization code can be exchanged."""

EMULATOR_REDIRECT_URI = "http://localhost:3000"
"""The callback the emulator's own app is registered with (never opened: the redirect is read)."""


_API = "https://api.tradier.com/v1"


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


def _urls(environment: Environment) -> tuple[str, str, str] | None:
    if environment.is_emulator:
        # The emulator serves OAuth under its API root, wherever base_url moved it.
        root = environment.base_url.rstrip("/")
        return root + AUTHORIZE_PATH, root + TOKEN_PATH, root + REFRESH_PATH
    if environment.name != "live":
        return None
    urls = environment.urls
    return (
        urls.get("authorize", _API + AUTHORIZE_PATH),
        urls.get("token", _API + TOKEN_PATH),
        urls.get("refresh", _API + REFRESH_PATH),
    )


def oauth_spec(environment: Environment) -> OAuthSpec | None:
    """Tradier's OAuth server for ``environment`` (``None`` for the sandbox; see the module
    docstring)."""
    urls = _urls(environment)
    if urls is None:
        return None
    authorize, token, refresh = urls
    return OAuthSpec(
        authorize_url=authorize,
        token_url=token,
        refresh_url=refresh,
        revoke_url=None,  # Tradier documents no revocation
        client_auth=TOKEN_ENDPOINT_AUTH,
        pkce=False,
        send_redirect_uri=False,
        default_scopes=SCOPES,
        scope_map=SCOPE_MAP,
        scope_separator=",",
        response_scope_separator=" ",
        access_token_lifetime=ACCESS_TOKEN_LIFETIME,
        code_lifetime=CODE_LIFETIME,
        rotates_refresh_tokens=False,
        identity=None,  # no id_token
    )


def tradier_auth(profile: Profile, environment: Environment) -> Auth | None:
    """The auth for ``profile`` in ``environment`` (the broker's credentials, or the emulator's
    automatic login): see :func:`brokerlink.oauth.adapter_auth`. ``live`` also takes a
    partner's refresh token; the sandbox only personal access tokens."""
    from brokerlink.oauth import adapter_auth

    return adapter_auth(
        profile,
        environment,
        oauth_spec(environment),
        broker="tradier",
        emulator_redirect_uri=EMULATOR_REDIRECT_URI,
    )
