"""Tradier's OAuth end to end, offline: its declared spec, the emulated OAuth server, an
authorization-code login driven headlessly (in-process and served; Tradier documents no PKCE, so
none is sent), refresh at its own endpoint at expiry, and the emulator's token rules
(refs/tradier/NOTES.md §2)."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import attrs
import pytest
from authkit import Clock
from brokerlink_tradier import TradierAdapter
from brokerlink_tradier.auth import oauth_spec
from brokerlink_tradier.emulator import EMULATOR_APP, TradierFront, emulator_front, signin_server
from brokerlink_tradier.environments import ENVIRONMENTS

import brokerlink as bl
from brokerlink import _http
from brokerlink.adapter import Environment
from brokerlink.broker.connect import relocated
from brokerlink.config import resolve_profile
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
)

FIXTURES = Path(__file__).parent / "fixtures"
APP_ID = "tradier-test-app"
APP_SECRET = "tradier-app-secret-5c9a13"
REDIRECT = "http://localhost:3000"
EMULATOR = ENVIRONMENTS["emulator"]
ALL_SCOPES = frozenset({"read", "write", "market", "trade", "stream"})
ACCOUNTS = "http://tradier.emulator/v1/accounts/EMU00001/balances"
A_DAY = timedelta(hours=24)


class Recording(_http.BaseTransport):
    """Passes requests to the emulator, keeping each request and its answer's body."""

    def __init__(self, inner: EmulatorTransport) -> None:
        self.inner = inner
        self.seen: list[tuple[_http.Request, bytes]] = []

    def handle_request(self, request: _http.Request) -> _http.Response:
        response = self.inner.handle_request(request)
        self.seen.append((request, response.read()))
        return response

    def to(self, path: str) -> list[tuple[_http.Request, bytes]]:
        """The requests sent to ``path``, with their answers."""
        return [(request, body) for request, body in self.seen if request.url.path == path]


def tradier_front(
    clock: Clock,
    *,
    strict: bool = True,
    partner: bool = True,
    redirect_uris: tuple[str, ...] = (REDIRECT,),
) -> TradierFront:
    """The Tradier front whose OAuth server knows the test app (and the emulator's own) and
    runs on ``clock``."""
    app = EmulatedClient(client_id=APP_ID, client_secret=APP_SECRET, redirect_uris=redirect_uris)
    oauth = signin_server(clients=(app, EMULATOR_APP), partner=partner, clock=clock)
    return emulator_front(Engine(EmulatorConfig()), oauth=oauth, strict_tokens=strict)


def new_login(
    clock: Clock,
    *,
    environment: Environment = EMULATOR,
    secret: str = APP_SECRET,
    scopes: tuple[str, ...] | None = None,
    store: TokenStore | None = None,
) -> AuthorizationCode:
    """An authorization-code login of the test app (saved under ``"tr"`` with a store)."""
    spec = oauth_spec(environment)
    assert spec is not None
    return AuthorizationCode(
        spec,
        client_id=APP_ID,
        client_secret=secret,
        redirect_uri=REDIRECT,
        scopes=scopes,
        store=store,
        profile="tr" if store is not None else None,
        broker="tradier",
        clock=clock,
    )


def consent(login: AuthorizationCode, transport: _http.BaseTransport) -> str:
    """Open the authorize URL like a browser; the callback URL it redirects to."""
    with _http.Client(transport=transport) as browser:
        answer = browser.get(login.authorization_url())
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def login_at(clock: Clock, transport: _http.BaseTransport, **options: object) -> AuthorizationCode:
    """A finished login through ``transport``."""
    login = new_login(clock, **options)  # type: ignore[arg-type]
    login.finish(consent(login, transport), transport=transport)
    return login


def _raw_get(transport: _http.BaseTransport, token: str) -> _http.Response:
    with _http.Client(transport=transport) as client:
        return client.get(ACCOUNTS, headers={"Authorization": f"Bearer {token}"})


def _fault(text: str, code: str) -> dict[str, object]:
    return {"fault": {"faultstring": text, "detail": {"errorcode": code}}}


EXPIRED = _fault("Access Token expired", "keymanagement.service.access_token_expired")
INVALID = _fault("Invalid Access Token", "keymanagement.service.invalid_access_token")


# -- the declaration --------------------------------------------------------------------------------
def test_live_declares_the_documented_server() -> None:
    spec = oauth_spec(ENVIRONMENTS["live"])
    assert spec is not None
    assert spec.authorize_url == "https://api.tradier.com/v1/oauth/authorize"
    assert spec.token_url == "https://api.tradier.com/v1/oauth/accesstoken"
    assert spec.refresh_endpoint == "https://api.tradier.com/v1/oauth/refreshtoken"
    assert spec.revoke_url is None  # no revoke endpoint is documented
    assert spec.client_auth == "client_secret_basic"
    assert not spec.pkce
    assert not spec.send_redirect_uri
    assert spec.join_scopes(spec.default_scopes) == "read,write,market,trade,stream"
    assert spec.split_scopes("read write trade market stream") == ALL_SCOPES
    assert spec.broker_scopes("read") == ("read",)
    assert spec.broker_scopes("trade") == ("trade",)
    assert spec.broker_scopes("market_data") == ("market",)
    assert spec.broker_scopes("stream") == ("stream",)
    assert spec.access_token_lifetime == A_DAY
    assert spec.identity is None  # no id_token


def test_the_sandbox_has_no_oauth_server() -> None:
    assert oauth_spec(ENVIRONMENTS["sandbox"]) is None


def test_the_sandbox_refuses_a_refresh_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROKERLINK_TRADIER_SANDBOX_REFRESH_TOKEN", "rt-sandbox-1")
    with pytest.raises(bl.ConfigError, match="BROKERLINK_TRADIER_SANDBOX_ACCESS_TOKEN"):
        bl.connect("tradier:sandbox")


def test_the_emulator_declares_the_server_under_its_v1_and_moves_with_it() -> None:
    spec = oauth_spec(EMULATOR)
    assert spec is not None
    assert spec.authorize_url == "http://tradier.emulator/v1/oauth/authorize"
    assert spec.token_url == "http://tradier.emulator/v1/oauth/accesstoken"
    assert spec.refresh_endpoint == "http://tradier.emulator/v1/oauth/refreshtoken"
    served = oauth_spec(relocated(EMULATOR, "http://127.0.0.1:8080/v1"))
    assert served is not None
    assert served.authorize_url == "http://127.0.0.1:8080/v1/oauth/authorize"
    assert served.refresh_endpoint == "http://127.0.0.1:8080/v1/oauth/refreshtoken"


def test_the_authorize_url_has_the_documented_parameters_only() -> None:
    # examples/GET_v1_oauth_authorize.request.txt: client_id, scope, state (no redirect_uri).
    url = new_login(Clock(), environment=ENVIRONMENTS["live"]).authorization_url()
    assert url.startswith("https://api.tradier.com/v1/oauth/authorize?")
    query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    assert query.pop("response_type") == "code"  # the core's RFC 6749 parameter, harmless
    assert set(query) == {"client_id", "scope", "state"}
    assert query["client_id"] == APP_ID
    assert query["scope"] == "read,write,market,trade,stream"
    assert len(query["state"]) >= 32


# -- login, calls, expiry ---------------------------------------------------------------------------
def test_login_exchanges_the_code_with_basic_auth_and_the_documented_form() -> None:
    clock = Clock()
    front = tradier_front(clock)
    transport = Recording(EmulatorTransport(front, front.engine))
    login = new_login(clock)
    callback = consent(login, transport)
    assert callback.startswith(REDIRECT + "?")  # the registered callback: none was sent
    login.finish(callback, transport=transport)

    [(exchange, answer)] = transport.to("/v1/oauth/accesstoken")
    # examples/POST_v1_oauth_accesstoken.request.curl.txt
    assert exchange.headers["authorization"] == "Basic " + base64.b64encode(
        f"{APP_ID}:{APP_SECRET}".encode()
    ).decode("ascii")
    assert exchange.headers["accept"] == "application/json"
    assert exchange.headers["content-type"] == "application/x-www-form-urlencoded"
    form = parse_qs(exchange.content.decode())
    assert set(form) == {"grant_type", "code"}
    assert form["grant_type"] == ["authorization_code"]
    # The answer has the documented fields (fixtures/README.md: Tradier's access-token page),
    # plus refresh_token, issued to approved partners.
    documented = json.loads(
        (FIXTURES / "tradier.POST_v1_oauth_accesstoken.response.json").read_text()
    )
    body = json.loads(answer)
    assert list(body) == [*documented, "refresh_token"]
    assert body["expires_in"] == documented["expires_in"] == 86399
    assert body["status"] == "approved"
    assert datetime.fromisoformat(body["issued_at"]) == clock.now
    assert set(body["scope"].split(" ")) == ALL_SCOPES

    assert login.tokens.scopes == ALL_SCOPES
    assert login.tokens.refresh_token is not None
    assert login.user() is None  # Tradier issues no id_token


def test_calls_then_one_refresh_at_its_own_endpoint_at_expiry() -> None:
    clock = Clock()
    front = tradier_front(clock)
    transport = Recording(EmulatorTransport(front, front.engine))
    login = login_at(clock, transport)
    first_refresh = login.tokens.refresh_token
    broker = bl.connect("tradier:emulator", auth=login, transport=transport)
    assert [account.id for account in broker.accounts()] == ["EMU00001", "EMU00002"]
    assert front.oauth.token_requests == 1

    old_access = login.tokens.access_token
    assert old_access is not None
    clock.advance(A_DAY)
    expired = _raw_get(transport, old_access)
    assert expired.status_code == 401
    assert expired.json() == EXPIRED  # Tradier's gateway fault
    assert broker.balances().account == "EMU00001"
    assert front.oauth.token_requests == 2  # exactly one refresh
    [(refresh, _)] = transport.to("/v1/oauth/refreshtoken")
    assert parse_qs(refresh.content.decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": [first_refresh],
    }
    assert refresh.headers["authorization"].startswith("Basic ")
    assert login.tokens.refresh_token == first_refresh  # not rotated
    assert login.tokens.scopes == ALL_SCOPES
    broker.positions()
    assert front.oauth.token_requests == 2


async def test_tasks_at_expiry_make_one_refresh_request() -> None:
    clock = Clock()
    front = tradier_front(clock)
    transport = EmulatorTransport(front, front.engine)
    login = login_at(clock, transport)
    clock.advance(A_DAY)
    async with _http.AsyncClient(transport=transport, auth=login) as http:
        answers = await asyncio.gather(*(http.get(ACCOUNTS) for _ in range(20)))
    assert {answer.status_code for answer in answers} == {200}
    assert front.oauth.token_requests == 2


def test_a_non_partner_app_gets_no_refresh_token_and_must_log_in_again() -> None:
    clock = Clock()
    front = tradier_front(clock, partner=False)
    transport = EmulatorTransport(front, front.engine)
    login = login_at(clock, transport)
    assert login.tokens.refresh_token is None
    broker = bl.connect("tradier:emulator", auth=login, transport=transport)
    broker.accounts()
    clock.advance(A_DAY)
    with pytest.raises(bl.UnauthorizedError):
        broker.accounts()
    assert front.oauth.token_requests == 1  # nothing to refresh with


def test_refreshing_at_the_token_endpoint_is_refused() -> None:
    clock = Clock()
    front = tradier_front(clock)
    transport = EmulatorTransport(front, front.engine)
    login = login_at(clock, transport)
    spec = attrs.evolve(login.spec, refresh_url=None)  # a client that ignores /refreshtoken
    misrouted = bl.connect(
        "tradier:emulator",
        auth=bl.RefreshToken(
            spec,
            client_id=APP_ID,
            client_secret=APP_SECRET,
            refresh_token=login.tokens.refresh_token or "",
        ),
        transport=transport,
    )
    with pytest.raises(bl.UnauthorizedError) as caught:
        misrouted.accounts()
    assert caught.value.code == "unsupported_grant_type"


def test_a_state_mismatch_is_refused_before_any_token_request() -> None:
    clock = Clock()
    front = tradier_front(clock)
    transport = EmulatorTransport(front, front.engine)
    login = new_login(clock)
    forged = consent(login, transport).replace("state=", "state=forged")
    with pytest.raises(StateMismatchError, match="does not match"):
        login.finish(forged, transport=transport)
    assert front.oauth.token_requests == 0


def test_a_wrong_client_secret_is_refused() -> None:
    clock = Clock()
    front = tradier_front(clock)
    transport = EmulatorTransport(front, front.engine)
    login = new_login(clock, secret="not-the-secret")
    with pytest.raises(bl.UnauthorizedError) as caught:
        login.finish(consent(login, transport), transport=transport)
    assert caught.value.code == "invalid_client"
    assert "not-the-secret" not in str(caught.value)


def test_the_client_must_authenticate_with_basic_not_in_the_form() -> None:
    clock = Clock()
    front = tradier_front(clock)
    transport = EmulatorTransport(front, front.engine)
    login = new_login(clock)
    login.spec = attrs.evolve(login.spec, client_auth="client_secret_post")
    with pytest.raises(bl.UnauthorizedError) as caught:
        login.finish(consent(login, transport), transport=transport)
    assert caught.value.code == "invalid_client"


def test_a_call_outside_the_granted_scopes_is_refused_before_sending() -> None:
    clock = Clock()
    front = tradier_front(clock)
    transport = Recording(EmulatorTransport(front, front.engine))
    login = login_at(clock, transport, scopes=("read",))
    assert login.tokens.scopes == frozenset({"read"})
    broker = bl.connect("tradier:emulator", auth=login, transport=transport)
    sent = len(transport.seen)
    with pytest.raises(bl.ScopeError) as caught:
        broker.quotes("SPY")
    assert caught.value.scope == "market"
    assert len(transport.seen) == sent
    assert len(broker.accounts()) == 2


def test_logout_only_deletes_the_stored_tokens() -> None:
    clock = Clock()
    front = tradier_front(clock)
    transport = EmulatorTransport(front, front.engine)
    store = MemoryTokenStore()
    login = login_at(clock, transport, store=store)
    revoked, deleted = logout(login.spec, profile="tr", store=store, transport=transport)
    assert (revoked, deleted) == (False, True)  # nothing to revoke at Tradier
    assert store.load("tr") is None
    assert _raw_get(transport, login.tokens.access_token or "").status_code == 200


# -- which tokens the emulator accepts ------------------------------------------------------------
def test_open_mode_accepts_foreign_tokens_but_not_its_own_expired_ones() -> None:
    clock = Clock()
    front = tradier_front(clock, strict=False)
    transport = EmulatorTransport(front, front.engine)
    assert _raw_get(transport, "anything").status_code == 200  # cassettes, benchmarks
    login = login_at(clock, transport)
    access = login.tokens.access_token
    assert access is not None
    assert _raw_get(transport, access).status_code == 200
    clock.advance(A_DAY)
    assert _raw_get(transport, access).json() == EXPIRED


def test_strict_mode_refuses_tokens_it_did_not_issue() -> None:
    front = tradier_front(Clock())
    transport = EmulatorTransport(front, front.engine)
    answer = _raw_get(transport, "anything")
    assert answer.status_code == 401
    assert answer.json() == INVALID
    with _http.Client(transport=transport) as client:
        assert client.get(ACCOUNTS).json() == INVALID


def test_without_credentials_the_emulator_logs_in_by_itself() -> None:
    assert isinstance(bl.connect("tradier:emulator")._connection.auth, EmulatorLogin)
    front = tradier_front(Clock())
    broker = bl.connect("tradier:emulator", transport=EmulatorTransport(front, front.engine))
    assert len(broker.accounts()) == 2  # a strict front: only a token it issued gets through
    assert front.oauth.token_requests == 1


def test_a_personal_token_stays_a_static_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROKERLINK_TRADIER_EMULATOR_ACCESS_TOKEN", "personal-token-1")
    assert isinstance(bl.connect("tradier:emulator")._connection.auth, bl.StaticToken)
    monkeypatch.setenv("BROKERLINK_TRADIER_LIVE_ACCESS_TOKEN", "personal-token-2")
    live = TradierAdapter(ENVIRONMENTS["live"], resolve_profile("tradier:live"))
    assert isinstance(live.authenticate(), bl.StaticToken)


# -- served over real HTTP ------------------------------------------------------------------------
def test_served_login_and_calls_over_http() -> None:
    clock = Clock()
    front = tradier_front(clock)
    with serve(front) as handle:
        where = relocated(EMULATOR, handle.url + "/v1")
        login = new_login(clock, environment=where)
        assert login.authorization_url().startswith(handle.url + "/v1/oauth/authorize?")
        with _http.Client() as browser:
            answer = browser.get(login.authorization_url())
        login.finish(answer.headers["location"])
        with bl.connect("tradier:emulator", auth=login, base_url=handle.url + "/v1") as broker:
            assert len(broker.accounts()) == 2
            clock.advance(A_DAY)
            assert broker.balances().account == "EMU00001"
        # No credentials at all: the served emulator's own app logs in.
        with bl.connect("tradier:emulator", base_url=handle.url + "/v1") as anonymous:
            assert isinstance(anonymous._connection.auth, EmulatorLogin)
            assert len(anonymous.accounts()) == 2
    assert front.oauth.token_requests == 2 + 1


def test_no_secret_reaches_a_log_line_or_an_error(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    clock = Clock()
    front = tradier_front(clock)
    transport = EmulatorTransport(front, front.engine)
    store = MemoryTokenStore()
    login = login_at(clock, transport, store=store)
    broker = bl.connect("tradier:emulator", auth=login, transport=transport)
    broker.accounts()
    secrets = {APP_SECRET, login.tokens.refresh_token, login.tokens.access_token}
    clock.advance(A_DAY)
    broker.accounts()
    secrets.add(login.tokens.access_token)
    stranger = new_login(clock, secret="wrong-secret-4411")
    with pytest.raises(bl.UnauthorizedError) as caught:
        stranger.finish(consent(stranger, transport), transport=transport)
    secrets.add("wrong-secret-4411")
    shown = (
        caplog.text + str(caught.value) + repr(login) + repr(login.tokens) + repr(store.load("tr"))
    )
    assert caplog.records  # the flow did log
    for secret in secrets:
        assert secret
        assert secret not in shown
