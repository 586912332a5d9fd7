"""How one broker's emulated authorization server behaves: :class:`OAuthServerConfig`.

A broker's emulator front builds one (usually with :meth:`OAuthServerConfig.from_spec`, so the
emulator and the client read the same declaration) and mounts an
:class:`~brokerlink.emulator.oauth.OAuthServer` on its router.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import attrs

from brokerlink.oauth.headless import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET
from brokerlink.oauth.spec import ClientAuthMethod, OAuthSpec

__all__ = ["EmulatedClient", "OAuthServerConfig", "TestUser"]


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class EmulatedClient:
    """An app registered with the emulated server: id, secret and redirect URIs."""

    client_id: str = EMULATOR_CLIENT_ID
    client_secret: str | None = attrs.field(default=EMULATOR_CLIENT_SECRET, repr=False)
    redirect_uris: tuple[str, ...] = ("http://localhost:3000",)


@attrs.frozen(kw_only=True)
class TestUser:
    """The user who "logs in" at the emulated consent page (consent is automatic)."""

    __test__ = False  # not a pytest test class

    subject: str = "emulator|1001"
    name: str = "Emma Ulator"
    email: str = "emma@emulator.invalid"


def _path(url: str | None) -> str | None:
    return urlsplit(url).path if url else None


@attrs.frozen(kw_only=True)
class OAuthServerConfig:
    """Paths, client authentication, lifetimes and quirks of an emulated OAuth server.

    ``required_authorize_params`` / ``required_token_params`` are parameters the broker insists
    on (TradeStation's ``audience``): a request without them, or with another value, is refused.
    ``scope_separator`` splits request scopes; ``response_scope_separator`` joins the granted
    ones. ``require_pkce`` refuses authorize requests without an S256 challenge; a challenge is
    verified whenever one was sent. ``issue_id_token`` adds a signed JWT id_token for
    :attr:`user`. ``revoke_all_refresh_tokens``: revoking one refresh token revokes all of the
    client's (TradeStation). Lifetimes are short by default so tests see expiry.
    """

    authorize_path: str = "/oauth/authorize"
    token_path: str = "/oauth/token"
    refresh_path: str | None = None
    revoke_path: str | None = "/oauth/revoke"
    client_auth: ClientAuthMethod = "client_secret_post"
    clients: tuple[EmulatedClient, ...] = (EmulatedClient(),)
    sends_redirect_uri: bool = True
    require_pkce: bool = False
    scope_separator: str = " "
    response_scope_separator: str = " "
    default_scopes: tuple[str, ...] = ()
    required_authorize_params: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen)
    required_token_params: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen)
    code_lifetime: timedelta = timedelta(minutes=10)
    access_token_lifetime: timedelta = timedelta(minutes=20)
    rotate_refresh_tokens: bool = False
    revoke_all_refresh_tokens: bool = False
    issue_refresh_tokens: bool = True
    issue_id_token: bool = False
    require_user_agent: bool = False
    issuer: str = "https://oauth.emulator.invalid/"
    user: TestUser = attrs.field(factory=TestUser)

    @property
    def refresh_endpoint(self) -> str:
        """The path refresh requests are served on."""
        return self.refresh_path or self.token_path

    def client(self, client_id: str | None) -> EmulatedClient | None:
        """The registered client with this id, if any."""
        return next((c for c in self.clients if c.client_id == client_id), None)

    @classmethod
    def from_spec(
        cls,
        spec: OAuthSpec,
        *,
        clients: tuple[EmulatedClient, ...] = (EmulatedClient(),),
        **changes: Any,
    ) -> OAuthServerConfig:
        """A server that behaves as ``spec`` declares (paths from its URLs, same client auth,
        separators, rotation, lifetimes, extra parameters); ``changes`` override any field."""
        values: dict[str, Any] = {
            "authorize_path": _path(spec.authorize_url) or "/oauth/authorize",
            "token_path": _path(spec.token_url) or "/oauth/token",
            "refresh_path": _path(spec.refresh_url),
            "revoke_path": _path(spec.revoke_url),
            "client_auth": spec.client_auth,
            "clients": clients,
            "sends_redirect_uri": spec.send_redirect_uri,
            "scope_separator": spec.scope_separator,
            "response_scope_separator": spec.response_scope_separator,
            "default_scopes": spec.default_scopes,
            "required_authorize_params": spec.authorize_params,
            "required_token_params": spec.token_params,
            "rotate_refresh_tokens": spec.rotates_refresh_tokens,
            "issue_id_token": spec.identity is not None,
            "require_user_agent": spec.requires_user_agent,
        }
        if spec.access_token_lifetime is not None:
            values["access_token_lifetime"] = spec.access_token_lifetime
        if spec.code_lifetime is not None:
            values["code_lifetime"] = spec.code_lifetime
        values.update(changes)
        return cls(**values)
