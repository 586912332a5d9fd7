"""Logging in to an emulator without a person: :class:`EmulatorLogin`.

An emulator's authorize endpoint consents at once for its test user, so the whole
authorization-code + PKCE dance can run inside the auth flow, through the same transport as
every other request. ``bl.connect("<adapter>:emulator")`` then needs no credentials while still
exercising the real path: login, short-lived tokens, expiry, refresh, rotation, 401s. An adapter
returns one from ``authenticate()`` for its emulator environment when the profile has no
credentials of its own.
"""

from __future__ import annotations

from collections.abc import Generator

from brokerlink._http import Request, Response
from brokerlink.errors import AuthError
from brokerlink.oauth.code import AuthorizationCode
from brokerlink.oauth.flow import FlowStep, TokenCall
from brokerlink.oauth.tokens import TokenSet

__all__ = ["EMULATOR_CLIENT_ID", "EMULATOR_CLIENT_SECRET", "EmulatorLogin"]

EMULATOR_CLIENT_ID = "emulator-client"
"""The client every emulated OAuth server registers by default."""

EMULATOR_CLIENT_SECRET = "emulator-secret"
"""Its secret (the emulators are loopback-only and hold no real data)."""


class EmulatorLogin(AuthorizationCode):
    """An :class:`AuthorizationCode` that logs itself in whenever it has no refresh token.

    The first request (and any after the refresh token was revoked) follows the authorize URL
    to the emulator's automatic consent, exchanges the code, and carries on; everything else is
    the ordinary strategy (single-flight refresh, one resend on a 401).
    """

    def _can_refresh(self, tokens: TokenSet) -> bool:
        return True

    def _new_grant(self) -> Generator[FlowStep, Response | None, TokenSet]:
        answer = yield TokenCall(Request("GET", self.authorization_url()))
        assert answer is not None
        location = answer.headers.get("location")
        if answer.status_code not in (302, 303) or not location:
            raise AuthError(
                f"the emulator's authorize endpoint answered HTTP {answer.status_code} without "
                "a redirect; check the emulator's registered client and redirect URI",
                broker=self.broker,
            )
        exchange = self._exchanged(location)
        request = next(exchange)
        try:
            while True:
                response = yield TokenCall(request)
                assert response is not None
                request = exchange.send(response)
        except StopIteration as done:
            tokens: TokenSet = done.value
            return tokens
