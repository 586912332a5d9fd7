"""Auth strategies: httpx2 auth flows that both drivers run (the httpx auth-flow shape).

This module holds the strategies that need no token endpoint. The OAuth strategies (refresh
token, authorization code, single-flight refresh, token store) plug into the same
:class:`AuthStrategy` base.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING

from brokerlink._http import Auth, Request, Response

if TYPE_CHECKING:
    from brokerlink.config import Profile

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
    profile: Profile, *, environ: Mapping[str, str] | None = None
) -> StaticToken:
    """A :class:`StaticToken` from ``BROKERLINK_<PROFILE>_ACCESS_TOKEN``, or a ``ConfigError``.

    The simplest credential every broker accepts; the error names the variable to set.
    """
    from brokerlink.config import (
        require_credential,
    )  # config imports nothing from here; keep it lazy anyway

    token = require_credential(profile, "access_token", environ=environ)
    return StaticToken(token)
