"""EmulatorLogin: connecting to an emulator with no credentials still runs the whole OAuth path."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from authkit import CLIENT_ID, CLIENT_SECRET, ENVIRONMENTS, HOST, Clock, front, registry, spec_for

import brokerlink as bl
from brokerlink._http import AsyncClient
from brokerlink.emulator.http import EmulatorTransport
from brokerlink.oauth import EmulatorLogin

ENV = ENVIRONMENTS["emulator"]


def _login(clock: Clock) -> EmulatorLogin:
    return EmulatorLogin(
        spec_for(ENV),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri="http://localhost:3000",
        clock=clock,
    )


def test_the_first_call_logs_in_then_tokens_refresh_and_a_revoked_grant_logs_in_again() -> None:
    clock = Clock()
    fr = front(clock=clock)
    transport = EmulatorTransport(fr, fr.engine)
    auth = _login(clock)
    broker = bl.connect("authtest:emulator", auth=auth, transport=transport, registry=registry())
    assert [account.id for account in broker.accounts()] == ["AT1001"]
    assert fr.oauth.token_requests == 1  # the code exchange after the automatic consent
    assert auth.tokens.scopes == {"openid", "offline_access", "ReadAccount", "Trade"}
    clock.advance(timedelta(minutes=21))
    broker.accounts()
    assert fr.oauth.token_requests == 2  # a refresh, not a new login
    fr.oauth._refresh.clear()  # the refresh token is revoked behind the client's back
    clock.advance(timedelta(minutes=21))
    broker.accounts()
    assert fr.oauth.token_requests == 4  # the refused refresh, then the exchange of a new login
    assert fr.api_calls == 3


async def test_concurrent_first_calls_log_in_once() -> None:
    clock = Clock()
    fr = front(clock=clock)
    transport = EmulatorTransport(fr, fr.engine)
    auth = _login(clock)
    async with AsyncClient(transport=transport, auth=auth) as http:
        answers = await asyncio.gather(*(http.get(f"{HOST}/api/accounts") for _ in range(50)))
    assert {answer.status_code for answer in answers} == {200}
    assert fr.oauth.token_requests == 1


def test_a_refused_consent_is_an_auth_error() -> None:
    clock = Clock()
    fr = front(clock=clock)
    fr.oauth.deny = True
    transport = EmulatorTransport(fr, fr.engine)
    broker = bl.connect(
        "authtest:emulator", auth=_login(clock), transport=transport, registry=registry()
    )
    with pytest.raises(bl.AuthError, match="declined"):
        broker.accounts()
