"""Logging a profile in and out: what ``brokerlink login`` and ``logout`` do, minus the printing.

:func:`login` listens on the redirect URI first (a port in use fails before anything is
shown), hands the authorize URL to ``show`` (open a browser, print it), waits for the one
callback, checks it and exchanges the code at once, and stores the tokens (with the client id
and secret) under the profile's name. :func:`logout` revokes the refresh token where the broker
can and deletes the stored entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from brokerlink._http import BaseTransport, Client, HTTPError, translate_transport_error
from brokerlink.oauth.callback import CallbackServer
from brokerlink.oauth.code import AuthorizationCode
from brokerlink.oauth.flow import Clock, utc_now
from brokerlink.oauth.requests import revoke_request
from brokerlink.oauth.spec import OAuthSpec, UserProfile
from brokerlink.oauth.store import TokenStore
from brokerlink.oauth.tokens import ClientCredentials, TokenSet, token_error

__all__ = ["LoginResult", "login", "logout"]


@attrs.frozen(kw_only=True)
class LoginResult:
    """What a login got: the tokens (no secret in the repr), who, and which scopes."""

    tokens: TokenSet
    user: UserProfile | None
    scopes: frozenset[str] | None


def login(
    spec: OAuthSpec,
    client: ClientCredentials,
    *,
    profile: str,
    redirect_uri: str,
    store: TokenStore,
    show: Callable[[str], None],
    scopes: Sequence[str] | None = None,
    transport: BaseTransport | None = None,
    timeout: float = 300.0,
    broker: str | None = None,
    clock: Clock = utc_now,
) -> LoginResult:
    """Run the authorization-code login for ``profile`` (see the module docstring)."""
    flow = AuthorizationCode(
        spec,
        client_id=client.client_id,
        client_secret=client.client_secret,
        redirect_uri=redirect_uri,
        scopes=scopes,
        store=store,
        profile=profile,
        broker=broker,
        clock=clock,
    )
    with CallbackServer(redirect_uri) as server:
        show(flow.authorization_url())
        callback = server.wait(timeout)
    try:
        tokens = flow.finish(callback, transport=transport)
    except HTTPError as exc:
        raise translate_transport_error(exc, broker=broker) from None
    return LoginResult(tokens=tokens, user=flow.user(), scopes=tokens.scopes)


def logout(
    spec: OAuthSpec | None,
    *,
    profile: str,
    store: TokenStore,
    client: ClientCredentials | None = None,
    transport: BaseTransport | None = None,
    broker: str | None = None,
) -> tuple[bool, bool]:
    """Revoke (where the broker can) and forget ``profile``'s tokens: ``(revoked, deleted)``.

    The stored entry is deleted even when revoking fails; the error is raised afterwards, so the
    user learns the broker may still honour the token.
    """
    stored = store.load(profile)
    client = client or (stored.client if stored is not None else None)
    token = None
    if stored is not None:
        token = stored.tokens.refresh_token or stored.tokens.access_token
    request = None
    if spec is not None and client is not None and token is not None:
        request = revoke_request(spec, client, token=token)
    deleted = store.delete(profile)
    if request is None:
        return False, deleted
    try:
        with Client(transport=transport, timeout=30.0) as http:
            response = http.send(request)
    except HTTPError as exc:
        raise translate_transport_error(exc, broker=broker) from None
    if response.status_code != 200:
        raise token_error(response, broker=broker)
    return True, deleted
