"""What an adapter declares about its broker's OAuth server: :class:`OAuthSpec`.

The core's strategies, ``brokerlink login`` and the emulators' authorization server all read the
same declaration, so a broker's quirks are written down once, in its adapter's ``auth`` module::

    OAuthSpec(
        authorize_url="https://signin.tradestation.com/authorize",
        token_url="https://signin.tradestation.com/oauth/token",
        revoke_url="https://signin.tradestation.com/oauth/revoke",
        client_auth="client_secret_post",
        pkce=True,
        default_scopes=("openid", "offline_access", "profile", "MarketData", "ReadAccount", "Trade"),
        scope_map={"read": ("ReadAccount",), "trade": ("Trade",), ...},
        authorize_params={"audience": "https://api.tradestation.com"},
        access_token_lifetime=timedelta(minutes=20),
        identity=standard_identity,
    )

Neutral scopes (``read``, ``trade``, ``market_data``, ``stream``) name what a call needs in
broker-neutral words; ``scope_map`` says which broker scopes grant each.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Any, Literal, get_args

import attrs
import orjson

__all__ = [
    "NEUTRAL_SCOPES",
    "BodyFormat",
    "ClientAuthMethod",
    "NeutralScope",
    "OAuthSpec",
    "UserProfile",
    "decode_id_token_claims",
    "standard_identity",
]

NeutralScope = Literal["read", "trade", "market_data", "stream"]
"""What a call needs, in broker-neutral words."""

NEUTRAL_SCOPES: tuple[NeutralScope, ...] = get_args(NeutralScope)
"""Every :data:`NeutralScope`."""

ClientAuthMethod = Literal["client_secret_post", "client_secret_basic", "none"]
"""How the client authenticates at the token endpoint (RFC 6749 §2.3, RFC 7591 names).

``client_secret_post``: ``client_id`` and ``client_secret`` in the body (TradeStation, tastytrade);
``client_secret_basic``: HTTP Basic ``client_id:client_secret`` (Tradier); ``none``: a public
client sending only ``client_id`` (PKCE apps).
"""

BodyFormat = Literal["form", "json"]
"""How a token or revoke request body is encoded: form-urlencoded, or JSON (tastytrade)."""


@attrs.frozen(kw_only=True)
class UserProfile:
    """Who a token belongs to, from the id_token's claims (``brokerlink login`` prints it)."""

    subject: str
    name: str | None = None
    email: str | None = None

    def __str__(self) -> str:
        label = self.name or self.email or self.subject
        return f"{label} ({self.email})" if self.name and self.email else label


def decode_id_token_claims(id_token: str) -> dict[str, Any]:
    """The claims of a JWT id_token (its base64url JSON payload), without checking the signature.

    The token came straight from the broker's token endpoint over TLS, which is what vouches for
    it here (OpenID Connect core §3.1.3.7 allows skipping validation in that case); the claims are
    only used to show who logged in. A malformed token is a ``ValueError`` that does not echo it.
    """
    parts = id_token.split(".")
    if len(parts) != 3:
        raise ValueError("the id_token is not a JWT (expected three dot-separated parts)")
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = orjson.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError):
        raise ValueError("the id_token's payload is not base64url-encoded JSON") from None
    if not isinstance(claims, dict):
        raise ValueError("the id_token's payload is not a JSON object")
    return claims


def standard_identity(claims: Mapping[str, Any]) -> UserProfile:
    """A :class:`UserProfile` from standard OpenID Connect claims (``sub``, ``name``, ``email``)."""
    name = claims.get("name") or claims.get("nickname") or claims.get("preferred_username")
    email = claims.get("email")
    return UserProfile(
        subject=str(claims.get("sub", "unknown")),
        name=str(name) if name else None,
        email=str(email) if email else None,
    )


def _frozen_map(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


def _scope_map(value: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
    unknown = set(value) - set(NEUTRAL_SCOPES)
    if unknown:
        raise ValueError(
            f"scope_map has unknown neutral scopes {sorted(unknown)}; use {NEUTRAL_SCOPES}"
        )
    return MappingProxyType({key: tuple(names) for key, names in value.items()})


@attrs.frozen(kw_only=True)
class OAuthSpec:
    """One broker's OAuth server, as an adapter declares it (see the module docstring).

    URLs are absolute. ``refresh_url`` is where refresh requests go when that is not
    ``token_url`` (Tradier's ``/oauth/refreshtoken``). ``revoke_url`` is ``None`` when the broker
    has no revocation endpoint. ``scope_separator`` joins scopes in requests (Tradier: ``","``);
    ``response_scope_separator`` splits the ``scope`` a token response carries (``" "`` for all
    three). ``access_token_lifetime`` is used when a token response has no ``expires_in``.
    ``identity`` turns id_token claims into a :class:`UserProfile` (``None``: the broker issues
    no id_token).
    """

    authorize_url: str | None
    """Where the browser is sent to log in and consent (``None``: no browser login)."""
    token_url: str
    """Where codes are exchanged (and tokens refreshed, unless ``refresh_url`` says otherwise)."""
    refresh_url: str | None = None
    """Where refresh requests go when it is not ``token_url``."""
    revoke_url: str | None = None
    """Where ``brokerlink logout`` revokes the refresh token (``None``: nothing to revoke)."""
    client_auth: ClientAuthMethod = "client_secret_post"
    """How the client authenticates at the token endpoint."""
    token_body: BodyFormat = "form"
    """How token request bodies are encoded."""
    revoke_body: BodyFormat = "form"
    """How revoke request bodies are encoded (TradeStation's documented example is JSON)."""
    revoke_token_field: str = "token"
    """The body field carrying the token to revoke."""
    pkce: bool = False
    """Whether to send a PKCE S256 ``code_challenge`` on authorize and the verifier on exchange."""
    send_redirect_uri: bool = True
    """Whether authorize and code exchange carry ``redirect_uri`` (Tradier uses the registered
    callback and documents no such parameter)."""
    default_scopes: tuple[str, ...] = ()
    """The broker scopes requested when the profile sets none."""
    scope_map: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=_scope_map)
    """Neutral scope -> the broker scopes that grant it (all of them are needed)."""
    scope_separator: str = " "
    """How scopes are joined in authorize and token requests."""
    response_scope_separator: str = " "
    """How the ``scope`` field of a token response is split."""
    authorize_params: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    """Extra authorize query parameters (TradeStation ``audience``)."""
    token_params: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    """Extra body fields on every token request."""
    access_token_lifetime: timedelta | None = None
    """The access token's lifetime when a response has no ``expires_in``."""
    code_lifetime: timedelta | None = None
    """How long an authorization code stays valid (documentation and the emulator)."""
    rotates_refresh_tokens: bool = False
    """Whether a refresh answers with a new refresh token that replaces the old one."""
    requires_user_agent: bool = False
    """Whether the token endpoint refuses requests without a ``product/version`` User-Agent
    (tastytrade); brokerlink always sends one."""
    refresh_leeway: timedelta = timedelta(seconds=60)
    """How long before expiry an access token is refreshed."""
    identity: Callable[[Mapping[str, Any]], UserProfile] | None = None
    """id_token claims -> :class:`UserProfile` (``None``: no id_token)."""

    @property
    def refresh_endpoint(self) -> str:
        """The URL refresh requests are sent to."""
        return self.refresh_url or self.token_url

    def broker_scopes(self, neutral: str) -> tuple[str, ...]:
        """The broker scopes that grant the neutral scope ``neutral`` (empty: nothing needed)."""
        return self.scope_map.get(neutral, ())

    def join_scopes(self, scopes: tuple[str, ...] | list[str]) -> str:
        """Scopes as one request parameter."""
        return self.scope_separator.join(scopes)

    def split_scopes(self, text: str) -> frozenset[str]:
        """The scopes in a token response's ``scope`` field."""
        return frozenset(part for part in text.split(self.response_scope_separator) if part)
