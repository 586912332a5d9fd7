"""tastytrade's OAuth end to end, offline: its declared spec, the emulated OAuth server, an
authorization-code login driven headlessly (in-process and served), refresh at expiry, the
account streamer on a refreshed token, and the emulator's token rules (refs/tastytrade/NOTES.md
§1, §2, §8)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import orjson
import pytest
from authkit import Clock
from brokerlink_tastytrade import _bearer, streamer
from brokerlink_tastytrade.auth import oauth_spec
from brokerlink_tastytrade.emulator import (
    EMULATOR_APP,
    TastytradeFront,
    emulator_front,
    signin_server,
)
from brokerlink_tastytrade.emulator.streamer import AccountStreamerSession
from brokerlink_tastytrade.environments import ENVIRONMENTS
from brokerlink_tastytrade.wire import tastytrade_converter

import brokerlink as bl
from brokerlink import _http
from brokerlink._version import __version__
from brokerlink.adapter import Environment, StreamSession
from brokerlink.broker.connect import relocated
from brokerlink.emulator import EmulatorConfig, Engine
from brokerlink.emulator.http import EmulatorTransport, serve
from brokerlink.emulator.oauth import EmulatedClient
from brokerlink.oauth import (
    AuthorizationCode,
    EmulatorLogin,
    MemoryTokenStore,
    StateMismatchError,
    TokenStore,
    logout,
    refresh_request,
)
from brokerlink.oauth.tokens import ClientCredentials

FIXTURES = Path(__file__).parent / "fixtures"
APP_ID = "tt-test-app"
APP_SECRET = "tt-app-secret-41c9b2"
REDIRECT = "http://localhost:3000"
EMULATOR = ENVIRONMENTS["emulator"]
ACCOUNT = "EMU00001"
API = "http://tastytrade.emulator"
AGENT = {"User-Agent": "tt-test/1.0"}


def tt_front(clock: Clock, *, strict: bool = True, rotate: bool = False) -> TastytradeFront:
    """The tastytrade front whose OAuth server knows the test app (and the emulator's own) and
    runs on ``clock``."""
    app = EmulatedClient(client_id=APP_ID, client_secret=APP_SECRET, redirect_uris=(REDIRECT,))
    oauth = signin_server(clients=(app, EMULATOR_APP), rotate_refresh_tokens=rotate, clock=clock)
    return emulator_front(Engine(EmulatorConfig()), oauth=oauth, strict_tokens=strict)


def new_login(
    clock: Clock,
    *,
    environment: Environment = EMULATOR,
    secret: str = APP_SECRET,
    store: TokenStore | None = None,
) -> AuthorizationCode:
    """An authorization-code login of the test app (saved under ``"tt"`` if a store is given)."""
    return AuthorizationCode(
        oauth_spec(environment),
        client_id=APP_ID,
        client_secret=secret,
        redirect_uri=REDIRECT,
        store=store,
        profile="tt" if store is not None else None,
        broker="tastytrade",
        clock=clock,
    )


def consent(login: AuthorizationCode, transport: _http.BaseTransport) -> str:
    """Follow the authorize URL like a browser; the callback URL it redirects to."""
    with _http.Client(transport=transport) as browser:
        answer = browser.get(login.authorization_url())
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def login_at(
    clock: Clock, transport: _http.BaseTransport, store: TokenStore | None = None
) -> AuthorizationCode:
    """A finished login through ``transport``."""
    login = new_login(clock, store=store)
    login.finish(consent(login, transport), transport=transport)
    return login


class Recording(_http.BaseTransport):
    """Passes requests on to the emulator and keeps them, to look at their headers."""

    def __init__(self, inner: EmulatorTransport) -> None:
        self.inner = inner
        self.requests: list[_http.Request] = []

    def handle_request(self, request: _http.Request) -> _http.Response:
        self.requests.append(request)
        return self.inner.handle_request(request)


def _raw_get(transport: _http.BaseTransport, token: str) -> _http.Response:
    with _http.Client(transport=transport) as client:
        return client.get(
            API + "/customers/me/accounts", headers={"Authorization": f"Bearer {token}", **AGENT}
        )


@pytest.fixture
def streamer_messages(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every message the emulated account streamer receives, parsed."""
    seen: list[dict[str, Any]] = []
    original = AccountStreamerSession._handle

    async def recording(session: AccountStreamerSession, text: str) -> None:
        seen.append(orjson.loads(text))
        await original(session, text)

    monkeypatch.setattr(AccountStreamerSession, "_handle", recording)
    return seen


# -- the declaration --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "authorize", "token"),
    [
        ("live", "https://my.tastytrade.com/auth.html", "https://api.tastyworks.com/oauth/token"),
        (
            "sandbox",
            "https://cert-my.staging-tasty.works/auth.html",
            "https://api.cert.tastyworks.com/oauth/token",
        ),
    ],
)
def test_live_and_sandbox_declare_the_token_endpoint_on_the_api_host(
    name: str, authorize: str, token: str
) -> None:
    spec = oauth_spec(ENVIRONMENTS[name])
    assert (spec.authorize_url, spec.token_url) == (authorize, token)
    assert spec.revoke_url is None  # tastytrade documents no revocation
    assert (spec.client_auth, spec.token_body) == ("client_secret_post", "json")
    assert not spec.pkce
    assert spec.default_scopes == ("read", "trade", "openid")
    assert spec.broker_scopes("trade") == ("trade",)
    assert spec.broker_scopes("read") == spec.broker_scopes("stream") == ("read",)
    assert spec.access_token_lifetime == timedelta(minutes=15)
    assert spec.requires_user_agent
    assert not spec.rotates_refresh_tokens


def test_the_emulator_declares_the_server_on_its_host_and_it_moves_with_it() -> None:
    assert oauth_spec(EMULATOR).authorize_url == API + "/oauth/authorize"
    assert oauth_spec(EMULATOR).token_url == API + "/oauth/token"
    served = oauth_spec(relocated(EMULATOR, "http://127.0.0.1:8080"))
    assert served.authorize_url == "http://127.0.0.1:8080/oauth/authorize"
    assert served.token_url == "http://127.0.0.1:8080/oauth/token"


def test_the_refresh_is_the_documented_json_with_a_user_agent_and_no_authorization() -> None:
    documented = orjson.loads(
        (FIXTURES / "tastytrade.POST_oauth_token.request.refresh_token.json").read_bytes()
    )
    client = ClientCredentials(client_id="YOUR_CLIENT_ID", client_secret="YOUR_CLIENT_SECRET")
    request = refresh_request(
        oauth_spec(ENVIRONMENTS["live"]), client, refresh_token="YOUR_REFRESH_TOKEN"
    )
    assert str(request.url) == "https://api.tastyworks.com/oauth/token"
    assert orjson.loads(request.read()) == documented
    assert request.headers["user-agent"] == f"brokerlink/{__version__}"
    assert "authorization" not in request.headers


def test_the_authorize_url_has_the_documented_parameters_and_no_pkce() -> None:
    url = new_login(Clock(), environment=ENVIRONMENTS["live"]).authorization_url()
    assert url.startswith("https://my.tastytrade.com/auth.html?")
    query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    assert set(query) == {"response_type", "client_id", "redirect_uri", "scope", "state"}
    assert (query["response_type"], query["client_id"]) == ("code", APP_ID)
    assert (query["redirect_uri"], query["scope"]) == (REDIRECT, "read trade openid")
    assert len(query["state"]) >= 32


# -- login, calls, expiry --------------------------------------------------------------------------
def test_login_then_calls_with_a_user_agent_then_one_refresh_at_expiry() -> None:
    clock = Clock()
    front = tt_front(clock)
    transport = Recording(EmulatorTransport(front, front.engine))
    login = login_at(clock, transport)
    exchange = transport.requests[-1]
    assert orjson.loads(exchange.content) == {
        "grant_type": "authorization_code",
        "code": orjson.loads(exchange.content)["code"],
        "redirect_uri": REDIRECT,
        "client_id": APP_ID,
        "client_secret": APP_SECRET,
    }
    assert login.tokens.scopes == frozenset({"read", "trade", "openid"})
    assert str(login.user()) == "Emma Ulator (emma@emulator.invalid)"
    first_refresh = login.tokens.refresh_token
    broker = bl.connect("tastytrade:emulator", auth=login, transport=transport)
    assert [account.id for account in broker.accounts()] == ["EMU00001", "EMU00002"]
    call = transport.requests[-1]
    assert call.headers["authorization"] == f"Bearer {login.tokens.access_token}"
    assert "/" in call.headers["user-agent"]
    assert front.oauth.token_requests == 1

    old_access = login.tokens.access_token
    assert old_access is not None
    clock.advance(timedelta(minutes=16))
    answer = _raw_get(transport, old_access)
    assert answer.status_code == 401
    assert answer.json() == {
        "error": {"code": "unauthorized", "message": "the access token has expired"}
    }
    assert broker.balances().account == ACCOUNT
    assert front.oauth.token_requests == 2  # exactly one refresh
    refresh = next(r for r in reversed(transport.requests) if r.url.path == "/oauth/token")
    assert refresh.headers["user-agent"] == f"brokerlink/{__version__}"
    assert login.tokens.refresh_token == first_refresh  # tastytrade does not rotate
    assert login.tokens.access_token != old_access
    broker.positions()
    assert front.oauth.token_requests == 2


def test_a_state_mismatch_is_refused_before_any_token_request() -> None:
    clock = Clock()
    front = tt_front(clock)
    transport = EmulatorTransport(front, front.engine)
    login = new_login(clock)
    forged = consent(login, transport).replace("state=", "state=forged")
    with pytest.raises(StateMismatchError, match="does not match"):
        login.finish(forged, transport=transport)
    assert front.oauth.token_requests == 0


def test_a_wrong_client_secret_is_refused() -> None:
    clock = Clock()
    front = tt_front(clock)
    transport = EmulatorTransport(front, front.engine)
    login = new_login(clock, secret="not-the-secret")
    with pytest.raises(bl.UnauthorizedError) as caught:
        login.finish(consent(login, transport), transport=transport)
    assert caught.value.code == "invalid_client"
    assert login.tokens.access_token is None
    assert "not-the-secret" not in str(caught.value)


def test_the_token_endpoint_refuses_a_request_without_a_product_version_user_agent() -> None:
    clock = Clock()
    front = tt_front(clock)
    login = login_at(clock, EmulatorTransport(front, front.engine))
    assert login.tokens.refresh_token is not None
    request = refresh_request(login.spec, login.client, refresh_token=login.tokens.refresh_token)
    request.headers["User-Agent"] = "no-version"
    with _http.Client(transport=EmulatorTransport(front, front.engine)) as client:
        assert client.send(request).status_code == 401
        request.headers["User-Agent"] = "tt-test/1.0"
        assert client.send(request).status_code == 200


# -- which tokens the emulator accepts -------------------------------------------------------------
def test_open_mode_accepts_foreign_tokens_but_not_its_own_expired_ones() -> None:
    clock = Clock()
    front = tt_front(clock, strict=False)
    transport = EmulatorTransport(front, front.engine)
    assert _raw_get(transport, "anything").status_code == 200  # cassettes, benchmarks
    access = login_at(clock, transport).tokens.access_token
    assert access is not None
    assert _raw_get(transport, access).status_code == 200
    clock.advance(timedelta(minutes=15))
    assert _raw_get(transport, access).status_code == 401


def test_strict_mode_refuses_tokens_it_did_not_issue_and_bare_calls() -> None:
    front = tt_front(Clock())
    transport = EmulatorTransport(front, front.engine)
    answer = _raw_get(transport, "anything")
    assert answer.status_code == 401
    assert answer.json() == {
        "error": {"code": "unauthorized", "message": "the access token is not valid"}
    }
    with _http.Client(transport=transport) as client:
        assert client.get(API + "/customers/me/accounts", headers=AGENT).status_code == 401


def test_without_credentials_the_emulator_logs_in_by_itself() -> None:
    assert isinstance(bl.connect("tastytrade:emulator")._connection.auth, EmulatorLogin)
    front = tt_front(Clock())
    broker = bl.connect("tastytrade:emulator", transport=EmulatorTransport(front, front.engine))
    assert len(broker.accounts()) == 2  # a strict front: only a token it issued gets through
    assert front.oauth.token_requests == 1


# -- the account streamer ---------------------------------------------------------------------------
async def test_the_account_streamer_connects_with_a_refreshed_token(
    streamer_messages: list[dict[str, Any]],
) -> None:
    clock = Clock()
    front = tt_front(clock)
    transport = EmulatorTransport(front, front.engine)
    login = login_at(clock, transport)
    order = bl.NewOrder.limit("AAPL", bl.BUY, 1, "1.00", effect="open")
    async with bl.connect_async("tastytrade:emulator", auth=login, transport=transport) as broker:
        placed = await broker.place(order)
        stale = login.tokens.access_token
        clock.advance(timedelta(minutes=16))
        stream = broker.stream_orders()
        async with asyncio.timeout(10):
            event = await anext(stream)  # reconciled over REST once the connect is accepted
        await stream.aclose()  # type: ignore[attr-defined]
    assert event.order.id == placed.id
    assert front.oauth.token_requests == 2  # the login, then one refresh for socket and REST
    connect = streamer_messages[0]
    assert connect["action"] == "connect"
    assert connect["auth-token"] == f"Bearer {login.tokens.access_token}"
    assert connect["auth-token"] != f"Bearer {stale}"


async def test_the_streamer_refuses_an_expired_token_in_connect() -> None:
    clock = Clock()
    front = tt_front(clock)
    transport = EmulatorTransport(front, front.engine)
    access = login_at(clock, transport).tokens.access_token
    clock.advance(timedelta(minutes=15))
    connect = {"action": "connect", "value": [ACCOUNT], "auth-token": f"Bearer {access}"}
    async with (
        _http.AsyncClient(transport=transport) as client,
        client.websocket("ws://tastytrade.emulator/account-streamer") as ws,
    ):
        await ws.send_json(connect | {"request-id": 1})
        answer = orjson.loads(await ws.receive_text(timeout=5))
    assert (answer["status"], answer["action"], answer["message"]) == ("error", "connect", "failed")


async def test_heartbeats_carry_the_current_token_across_expiry(
    streamer_messages: list[dict[str, Any]],
) -> None:
    clock = Clock()
    front = tt_front(clock)
    transport = EmulatorTransport(front, front.engine)
    login = login_at(clock, transport)
    first = login.tokens.access_token

    async def nothing() -> tuple[list[bl.Order], list[bl.Position]]:
        return [], []

    async def until(done: Any) -> None:
        async with asyncio.timeout(10):
            while not done():
                await asyncio.sleep(0.01)

    async with _http.AsyncClient(transport=transport) as client:
        session = StreamSession(client=client, auth=login, max_reconnects=0)

        async def bearer() -> str:
            return await _bearer(session, API)

        events = streamer.account_events(
            session,
            EMULATOR.urls["account_streamer"],
            ACCOUNT,
            bearer,
            nothing,
            tastytrade_converter(),
            heartbeat=0.02,
        )
        reader = asyncio.ensure_future(anext(events))
        await until(lambda: any(m["action"] == "heartbeat" for m in streamer_messages))
        clock.advance(timedelta(minutes=16))
        await until(lambda: streamer_messages[-1]["auth-token"] != f"Bearer {first}")
        await until(lambda: len(streamer_messages) >= 8)
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        await events.aclose()
    tokens = [m["auth-token"] for m in streamer_messages]
    assert tokens[0] == f"Bearer {first}"
    assert tokens[-1] == f"Bearer {login.tokens.access_token}" != f"Bearer {first}"
    assert front.oauth.token_requests == 2  # many heartbeats, one refresh
    assert front.oauth.token_state(str(login.tokens.access_token)) == "live"


# -- served over real HTTP --------------------------------------------------------------------------
def test_served_login_and_calls_over_http() -> None:
    clock = Clock()
    front = tt_front(clock)
    with serve(front) as handle:
        login = new_login(clock, environment=relocated(EMULATOR, handle.url))
        assert login.authorization_url().startswith(handle.url + "/oauth/authorize?")
        with _http.Client() as browser:
            answer = browser.get(login.authorization_url())
        login.finish(answer.headers["location"])
        with bl.connect("tastytrade:emulator", auth=login, base_url=handle.url) as broker:
            assert len(broker.accounts()) == 2
            clock.advance(timedelta(minutes=16))
            assert broker.balances().account == ACCOUNT
        # No credentials at all: the served emulator's own app logs in.
        with bl.connect("tastytrade:emulator", base_url=handle.url) as anonymous:
            assert isinstance(anonymous._connection.auth, EmulatorLogin)
            assert len(anonymous.accounts()) == 2
    assert front.oauth.token_requests == 2 + 1


def test_no_secret_reaches_a_log_line_or_an_error(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    clock = Clock()
    front = tt_front(clock)
    transport = EmulatorTransport(front, front.engine)
    store = MemoryTokenStore()
    login = login_at(clock, transport, store=store)
    broker = bl.connect("tastytrade:emulator", auth=login, transport=transport)
    broker.accounts()
    secrets = {APP_SECRET, login.tokens.refresh_token, login.tokens.access_token}
    clock.advance(timedelta(minutes=16))
    broker.accounts()
    secrets.add(login.tokens.access_token)
    revoked, deleted = logout(login.spec, profile="tt", store=store, transport=transport)
    assert (revoked, deleted) == (False, True)  # nothing to revoke at tastytrade
    # The app's secret is regenerated on tastytrade's page: the next refresh is refused.
    renewed = EmulatedClient(client_id=APP_ID, client_secret="renewed", redirect_uris=(REDIRECT,))
    front.oauth.config = attrs.evolve(front.oauth.config, clients=(renewed,))
    clock.advance(timedelta(minutes=16))
    with pytest.raises(bl.UnauthorizedError) as caught:
        broker.accounts()
    shown = caplog.text + str(caught.value) + repr(login) + repr(login.tokens)
    assert caplog.records  # the flow did log
    for secret in secrets:
        assert secret
        assert secret not in shown
