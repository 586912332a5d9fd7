"""The authorization-code grant (RFC 6749 §4.1) with PKCE S256 (RFC 7636) and ``state``.

::

    login = AuthorizationCode(spec, client_id="...", client_secret="...",
                              redirect_uri="http://localhost:3000", store=store, profile="ts")
    url = login.authorization_url()          # open it in a browser
    tokens = login.finish(callback_url)      # the URL the browser was sent back to
    broker = bl.connect("ts", auth=login)    # the same object then refreshes like RefreshToken

``authorization_url`` makes a fresh ``state`` and PKCE verifier (Authlib's primitives) each time;
``finish`` checks the callback (consent denied, ``state`` mismatch, missing code) before sending
anything, then exchanges the code at once. The exchange is an operation-shaped generator
(:meth:`AuthorizationCode.exchange`), run by :meth:`~AuthorizationCode.finish` (blocking) or
:meth:`~AuthorizationCode.afinish` (async) over any transport.
"""

from __future__ import annotations

import hmac
from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

from brokerlink import errors
from brokerlink._http import AsyncClient, Client, Request, Response
from brokerlink.oauth.errors import (
    ConsentDeniedError,
    ExpiredCodeError,
    RedirectUriError,
    StateMismatchError,
)
from brokerlink.oauth.flow import Clock, OAuthStrategy, utc_now
from brokerlink.oauth.requests import code_request
from brokerlink.oauth.spec import OAuthSpec, UserProfile, decode_id_token_claims
from brokerlink.oauth.tokens import ClientCredentials, TokenSet, token_error, tokens_from_response

if TYPE_CHECKING:
    from brokerlink._http import AsyncBaseTransport, BaseTransport
    from brokerlink.oauth.store import TokenStore

__all__ = ["AuthorizationCode"]

_STATE_LENGTH = 32
_VERIFIER_LENGTH = 64  # RFC 7636: 43 to 128 characters


class AuthorizationCode(OAuthStrategy):
    """Log in through the broker's consent page, then act as a refreshing token strategy."""

    def __init__(
        self,
        spec: OAuthSpec,
        *,
        client_id: str,
        client_secret: str | None = None,
        redirect_uri: str,
        scopes: Sequence[str] | None = None,
        store: TokenStore | None = None,
        profile: str | None = None,
        broker: str | None = None,
        clock: Clock = utc_now,
    ) -> None:
        if spec.authorize_url is None:
            raise ValueError("this broker has no authorize URL: use RefreshToken or StaticToken")
        super().__init__(
            spec,
            ClientCredentials(client_id=client_id, client_secret=client_secret),
            store=store,
            profile=profile,
            broker=broker,
            clock=clock,
        )
        self.redirect_uri = redirect_uri
        self.scopes: tuple[str, ...] = tuple(scopes) if scopes else spec.default_scopes
        self._state: str | None = None
        self._verifier: str | None = None

    def authorization_url(self) -> str:
        """The consent URL to open, with a new ``state`` (and PKCE challenge when supported)."""
        # Authlib's primitives, imported here so `import brokerlink` does not load Authlib.
        from authlib.common.security import generate_token  # type: ignore[import-untyped]
        from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]

        assert self.spec.authorize_url is not None
        self._state = generate_token(_STATE_LENGTH)
        params: dict[str, str] = {
            "response_type": "code",
            "client_id": self.client.client_id,
            "state": self._state,
        }
        if self.spec.send_redirect_uri:
            params["redirect_uri"] = self.redirect_uri
        if self.scopes:
            params["scope"] = self.spec.join_scopes(self.scopes)
        if self.spec.pkce:
            self._verifier = generate_token(_VERIFIER_LENGTH)
            params["code_challenge"] = create_s256_code_challenge(self._verifier)
            params["code_challenge_method"] = "S256"
        params.update(self.spec.authorize_params)
        separator = "&" if urlsplit(self.spec.authorize_url).query else "?"
        return self.spec.authorize_url + separator + urlencode(params)

    def _code_from(self, callback_url: str) -> str:
        """Check the callback and return its code; typed errors for every way it can be wrong."""
        if self._state is None:
            raise errors.AuthError(
                "no login in progress: call authorization_url() first", broker=self.broker
            )
        query = parse_qs(urlsplit(callback_url).query)

        def first(name: str) -> str | None:
            values = query.get(name)
            return values[0] if values else None

        error = first("error")
        if error == "access_denied":
            raise ConsentDeniedError(
                "the authorization was declined at the broker's consent page; run the login "
                "again and approve the access",
                broker=self.broker,
                code=error,
            )
        if error is not None:
            safe = error if error.replace("_", "").isalnum() else "invalid"
            hint = (
                f"; check that {self.redirect_uri} is registered for the app"
                if "redirect" in (first("error_description") or "").lower()
                or safe == "invalid_request"
                else ""
            )
            raise errors.AuthError(
                f"the broker refused the authorization ({safe}){hint}",
                broker=self.broker,
                code=safe,
            )
        state = first("state") or ""
        if not hmac.compare_digest(state.encode(), self._state.encode()):
            raise StateMismatchError(
                "the callback's state does not match this login (a stale browser tab or a "
                "forged request); nothing was exchanged: start the login again",
                broker=self.broker,
            )
        code = first("code")
        if not code:
            raise errors.AuthError("the callback carries no authorization code", broker=self.broker)
        return code

    def exchange(self, callback_url: str) -> Generator[Request, Response, TokenSet]:
        """Check ``callback_url``, then exchange its code: yields the token request, returns the
        tokens (already saved to the store when there is one)."""
        tokens = yield from self._exchanged(callback_url)
        self._publish(tokens)
        return tokens

    def _exchanged(self, callback_url: str) -> Generator[Request, Response, TokenSet]:
        """The code exchange without publishing the tokens."""
        code = self._code_from(callback_url)
        request = code_request(
            self.spec,
            self.client,
            code=code,
            redirect_uri=self.redirect_uri,
            code_verifier=self._verifier,
        )
        self._state = None  # one exchange per authorization URL
        response = yield request
        if response.status_code == 400:
            raise self._exchange_error(response)
        return tokens_from_response(response, self.spec, now=self._clock(), broker=self.broker)

    def _exchange_error(self, response: Response) -> errors.BrokerError:
        error = token_error(response, broker=self.broker)
        text = response.text.lower()
        if "redirect_uri" in text:
            return RedirectUriError(
                f"the broker rejected the redirect URI {self.redirect_uri}: register it for the "
                "app or set the profile's redirect_uri to one that is",
                broker=self.broker,
                code=error.code,
            )
        if "verifier" in text:
            return errors.AuthError(
                "the broker refused the PKCE code verifier of this login; run the login again",
                broker=self.broker,
                code=error.code,
            )
        if error.code == "invalid_grant":
            return ExpiredCodeError(
                "the authorization code expired or was already used; run the login again "
                "and finish it promptly",
                broker=self.broker,
                code=error.code,
            )
        return error

    def finish(
        self, callback_url: str, *, transport: BaseTransport | None = None, timeout: float = 30.0
    ) -> TokenSet:
        """Exchange the callback's code with a blocking client (``transport``: any httpx2 one)."""
        flow = self.exchange(callback_url)
        with Client(transport=transport, timeout=timeout) as client:
            request = next(flow)
            try:
                while True:
                    request = flow.send(client.send(request))
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]

    async def afinish(
        self,
        callback_url: str,
        *,
        transport: AsyncBaseTransport | None = None,
        timeout: float = 30.0,
    ) -> TokenSet:
        """Like :meth:`finish`, with an async client."""
        flow = self.exchange(callback_url)
        async with AsyncClient(transport=transport, timeout=timeout) as client:
            request = next(flow)
            try:
                while True:
                    request = flow.send(await client.send(request))
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]

    def user(self) -> UserProfile | None:
        """Who logged in, from the id_token (``None`` without one, or without ``spec.identity``)."""
        id_token = self.tokens.id_token
        if id_token is None or self.spec.identity is None:
            return None
        try:
            return self.spec.identity(decode_id_token_claims(id_token))
        except ValueError:
            return None
