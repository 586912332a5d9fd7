"""Auth strategies: httpx2 auth flows that both drivers run (the httpx auth-flow shape).

This module holds the strategies that need no token endpoint. The OAuth strategies
(:class:`~brokerlink.oauth.RefreshToken`, :class:`~brokerlink.oauth.AuthorizationCode`, with
single-flight refresh and the token store) live in :mod:`brokerlink.oauth` on the same
:class:`AuthStrategy` base; :func:`bearer_from_environment` picks whichever a profile's
credentials call for.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING

from brokerlink._http import Auth, Request, Response

if TYPE_CHECKING:
    from brokerlink.config import Profile
    from brokerlink.oauth import OAuthSpec, TokenStore

__all__ = ["AuthStrategy", "NoAuth", "StaticToken", "bearer_from_environment"]


class AuthStrategy(Auth):
    """Base of brokerlink's auth strategies: an ``httpx2.Auth`` whose repr never shows secrets."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class StaticToken(AuthStrategy):
    """A fixed bearer token: Tradier personal access tokens, tests, short scripts.

    >>> StaticToken("abc123")
    <StaticToken ****>
    """

    def __init__(self, token: str, *, scheme: str = "Bearer") -> None:
        if not token or token != token.strip():
            raise ValueError("StaticToken needs a non-empty token without surrounding spaces")
        self._header = f"{scheme} {token}"

    def auth_flow(self, request: Request) -> Generator[Request, Response, None]:
        """Attach the token and send the request once."""
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "<StaticToken ****>"


class NoAuth(AuthStrategy):
    """Sends requests unchanged: emulators and public endpoints."""

    def auth_flow(self, request: Request) -> Generator[Request, Response, None]:
        """Send the request as it is."""
        yield request


def bearer_from_environment(
    profile: Profile,
    *,
    environ: Mapping[str, str] | None = None,
    spec: OAuthSpec | None = None,
    store: TokenStore | None = None,
) -> AuthStrategy:
    """The auth strategy ``profile``'s credentials call for, or a ``ConfigError`` naming the
    variable to set.

    ``BROKERLINK_<PROFILE>_ACCESS_TOKEN`` alone gives a :class:`StaticToken`; a refresh token and
    client id (env vars or the token store of ``brokerlink login``) give a refreshing
    :class:`~brokerlink.oauth.OAuthStrategy` when the adapter declares its OAuth ``spec``
    (``Adapter.oauth_spec()``). See :func:`brokerlink.oauth.auth_from_profile`.
    """
    from brokerlink.oauth import auth_from_profile  # the oauth package builds on this module

    return auth_from_profile(profile, spec, store=store, environ=environ)
