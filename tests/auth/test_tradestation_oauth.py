"""TradeStation's OAuth end to end, offline: its declared spec, the emulated sign-in server, a
PKCE login driven headlessly (in-process and served), refresh at expiry, revoke, and the
emulator's token rules (refs/tradestation/NOTES.md §2)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from authkit import Clock
from brokerlink_tradestation.auth import oauth_spec
from brokerlink_tradestation.environments import ENVIRONMENTS
from ts_oauthkit import APP_ID, APP_SECRET, EMULATOR, consent, login_at, new_login, ts_front

import brokerlink as bl
from brokerlink import _http
from brokerlink.broker.connect import relocated
from brokerlink.emulator.http import EmulatorTransport, serve
from brokerlink.oauth import (
    EmulatorLogin,
    MemoryTokenStore,
    StateMismatchError,
    logout,
    revoke_request,
)
from brokerlink.oauth.tokens import ClientCredentials

FIXTURES = Path(__file__).parent / "fixtures"
SCOPES = "openid offline_access profile MarketData ReadAccount Trade"


def _raw_get(transport: _http.BaseTransport, token: str) -> _http.Response:
    with _http.Client(transport=transport) as client:
        return client.get(
            "http://tradestation.emulator/v3/brokerage/accounts",
            headers={"Authorization": f"Bearer {token}"},
        )


# -- the declaration --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["live", "sim"])
def test_live_and_sim_declare_the_signin_tenant(name: str) -> None:
    spec = oauth_spec(ENVIRONMENTS[name])
    assert spec.authorize_url == "https://signin.tradestation.com/authorize"
    assert spec.token_url == "https://signin.tradestation.com/oauth/token"
    assert spec.revoke_url == "https://signin.tradestation.com/oauth/revoke"
    assert spec.client_auth == "client_secret_post"
    assert dict(spec.authorize_params) == {"audience": "https://api.tradestation.com"}
    assert " ".join(spec.default_scopes) == SCOPES
    assert spec.broker_scopes("read") == ("ReadAccount",)
    assert spec.broker_scopes("trade") == ("Trade",)
    assert spec.broker_scopes("market_data") == spec.broker_scopes("stream") == ("MarketData",)
    assert spec.access_token_lifetime == timedelta(minutes=20)
    assert not spec.rotates_refresh_tokens  # the default key configuration (NOTES §2.5)


def test_the_emulator_declares_the_same_server_on_its_host_and_moves_with_it() -> None:
    assert oauth_spec(EMULATOR).authorize_url == "http://tradestation.emulator/authorize"
    assert oauth_spec(EMULATOR).token_url == "http://tradestation.emulator/oauth/token"
    served = oauth_spec(relocated(EMULATOR, "http://127.0.0.1:8080/v3"))
    assert served.authorize_url == "http://127.0.0.1:8080/authorize"
    assert served.revoke_url == "http://127.0.0.1:8080/oauth/revoke"


def test_the_authorize_url_carries_audience_scopes_and_a_pkce_challenge() -> None:
    url = new_login(Clock(), environment=ENVIRONMENTS["sim"]).authorization_url()
    assert url.startswith("https://signin.tradestation.com/authorize?")
    query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == APP_ID
    assert query["audience"] == "https://api.tradestation.com"
    assert query["redirect_uri"] == "http://localhost:3000"
    assert query["scope"] == SCOPES
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 32


def test_revoke_sends_the_documented_json_body() -> None:
    documented = json.loads((FIXTURES / "tradestation.POST_oauth_revoke.request.json").read_text())
    request = revoke_request(
        oauth_spec(ENVIRONMENTS["live"]),
        ClientCredentials(client_id=APP_ID, client_secret=APP_SECRET),
        token="rt-1",
    )
    assert request is not None
    assert request.headers["content-type"] == "application/json"
    body = json.loads(request.content)
    assert set(body) == set(documented)
    assert body == {"client_id": APP_ID, "client_secret": APP_SECRET, "token": "rt-1"}


# -- login, calls, expiry, revoke -----------------------------------------------------------------
def test_pkce_login_then_calls_then_one_refresh_at_expiry() -> None:
    clock = Clock()
    front = ts_front(clock)
    transport = EmulatorTransport(front, front.engine)
    login = login_at(clock, transport)
    assert login.tokens.scopes == frozenset(SCOPES.split())
    assert str(login.user()) == "Emma Ulator (emma@emulator.invalid)"
    first_refresh = login.tokens.refresh_token
    broker = bl.connect("tradestation:emulator", auth=login, transport=transport)
    assert [account.id for account in broker.accounts()] == ["EMU00001", "EMU00002"]
    assert front.oauth.token_requests == 1

    old_access = login.tokens.access_token
    assert old_access is not None
    clock.advance(timedelta(minutes=21))
    assert _raw_get(transport, old_access).json() == {
        "Error": "Unauthorized",
        "Message": "the access token has expired",
    }
    assert broker.balances().account == "EMU00001"
    assert front.oauth.token_requests == 2  # exactly one refresh
    assert login.tokens.refresh_token == first_refresh  # TradeStation does not rotate by default
    assert login.tokens.scopes == frozenset(
        SCOPES.split()
    )  # kept over the refresh's narrower scope
    broker.positions()
    assert front.oauth.token_requests == 2


def test_rotation_when_the_key_has_it_turned_on() -> None:
    clock = Clock()
    front = ts_front(clock, rotate=True)
    transport = EmulatorTransport(front, front.engine)
    store = MemoryTokenStore()
    login = login_at(clock, transport, store=store)
    first_refresh = login.tokens.refresh_token
    broker = bl.connect("tradestation:emulator", auth=login, transport=transport)
    clock.advance(timedelta(minutes=21))
    broker.accounts()
    stored = store.load("ts")
    assert stored is not None
    assert stored.tokens.refresh_token == login.tokens.refresh_token != first_refresh


def test_revoked_tokens_get_a_401_and_a_typed_error_after_one_refused_refresh() -> None:
    clock = Clock()
    front = ts_front(clock)
    transport = EmulatorTransport(front, front.engine)
    store = MemoryTokenStore()
    login = login_at(clock, transport, store=store)
    other = login_at(clock, transport)  # a second login of the same key
    broker = bl.connect("tradestation:emulator", auth=login, transport=transport)
    broker.accounts()
    access = login.tokens.access_token
    assert access is not None

    revoked, deleted = logout(
        login.spec, profile="ts", store=store, transport=transport, broker="tradestation"
    )
    assert revoked
    assert deleted
    answer = _raw_get(transport, access)
    assert answer.status_code == 401
    assert answer.json()["Error"] == "Unauthorized"
    with pytest.raises(bl.UnauthorizedError) as caught:
        broker.accounts()
    assert caught.value.code == "invalid_grant"
    assert front.oauth.token_requests == 3  # two exchanges, then the one refused refresh
    # Revoking revokes every refresh token of the key (NOTES §2.5): the other login's too.
    with pytest.raises(bl.UnauthorizedError):
        bl.connect("tradestation:emulator", auth=other, transport=transport).accounts()


def test_a_state_mismatch_is_refused_before_any_token_request() -> None:
    clock = Clock()
    front = ts_front(clock)
    transport = EmulatorTransport(front, front.engine)
    login = new_login(clock)
    callback = consent(login, transport)
    forged = callback.replace("state=", "state=forged")
    with pytest.raises(StateMismatchError, match="does not match"):
        login.finish(forged, transport=transport)
    assert front.oauth.token_requests == 0


def test_the_authorize_endpoint_requires_the_audience() -> None:
    clock = Clock()
    front = ts_front(clock)
    url = new_login(clock).authorization_url().replace("audience=", "audienc=")
    with _http.Client(transport=EmulatorTransport(front, front.engine)) as browser:
        answer = browser.get(url)
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer.headers["location"]).query)["error"] == ["invalid_request"]


# -- which tokens the emulator accepts ------------------------------------------------------------
def test_open_mode_accepts_foreign_tokens_but_not_its_own_expired_ones() -> None:
    clock = Clock()
    front = ts_front(clock, strict=False)
    transport = EmulatorTransport(front, front.engine)
    assert _raw_get(transport, "anything").status_code == 200  # cassettes, benchmarks
    login = login_at(clock, transport)
    access = login.tokens.access_token
    assert access is not None
    assert _raw_get(transport, access).status_code == 200
    clock.advance(timedelta(minutes=20))
    assert _raw_get(transport, access).status_code == 401


def test_strict_mode_refuses_tokens_it_did_not_issue() -> None:
    front = ts_front(Clock())
    answer = _raw_get(EmulatorTransport(front, front.engine), "anything")
    assert answer.status_code == 401
    assert answer.json() == {"Error": "Unauthorized", "Message": "the access token is not valid"}
    with _http.Client(transport=EmulatorTransport(front, front.engine)) as client:
        bare = client.get("http://tradestation.emulator/v3/brokerage/accounts")
    assert bare.status_code == 401


def test_without_credentials_the_emulator_logs_in_by_itself() -> None:
    assert isinstance(bl.connect("tradestation:emulator")._connection.auth, EmulatorLogin)
    front = ts_front(Clock(), strict=True)
    broker = bl.connect("tradestation:emulator", transport=EmulatorTransport(front, front.engine))
    assert len(broker.accounts()) == 2  # a strict front: only a token it issued gets through
    assert front.oauth.token_requests == 1


# -- served over real HTTP ------------------------------------------------------------------------
def test_served_login_and_calls_over_http() -> None:
    clock = Clock()
    front = ts_front(clock)
    with serve(front) as handle:
        where = relocated(EMULATOR, handle.url + "/v3")
        login = new_login(clock, environment=where)
        assert login.authorization_url().startswith(handle.url + "/authorize?")
        with _http.Client() as browser:
            answer = browser.get(login.authorization_url())
        login.finish(answer.headers["location"])
        with bl.connect("tradestation:emulator", auth=login, base_url=handle.url + "/v3") as broker:
            assert len(broker.accounts()) == 2
            clock.advance(timedelta(minutes=21))
            assert broker.balances().account == "EMU00001"
        # No credentials at all: the served emulator's own app logs in.
        with bl.connect("tradestation:emulator", base_url=handle.url + "/v3") as anonymous:
            assert isinstance(anonymous._connection.auth, EmulatorLogin)
            assert len(anonymous.accounts()) == 2
    assert front.oauth.token_requests == 2 + 1


def test_no_secret_reaches_a_log_line_or_an_error(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    clock = Clock()
    front = ts_front(clock)
    transport = EmulatorTransport(front, front.engine)
    store = MemoryTokenStore()
    login = login_at(clock, transport, store=store)
    broker = bl.connect("tradestation:emulator", auth=login, transport=transport)
    broker.accounts()
    secrets = {APP_SECRET, login.tokens.refresh_token, login.tokens.access_token}
    clock.advance(timedelta(minutes=21))
    broker.accounts()
    secrets.add(login.tokens.access_token)
    logout(login.spec, profile="ts", store=store, transport=transport)
    with pytest.raises(bl.UnauthorizedError) as caught:
        broker.accounts()
    shown = caplog.text + str(caught.value) + repr(login) + repr(login.tokens)
    assert caplog.records  # the flow did log
    for secret in secrets:
        assert secret
        assert secret not in shown
