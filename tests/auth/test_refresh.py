"""Refreshing: ahead of expiry, once on a 401, single-flight across threads and tasks, rotation."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from authkit import (
    CLIENT_ID,
    CLIENT_SECRET,
    ENVIRONMENTS,
    HOST,
    AuthTestFront,
    Clock,
    front,
    registry,
    spec_for,
)

import brokerlink as bl
from brokerlink._http import AsyncClient, Client
from brokerlink.emulator import Latency, TokenExpired
from brokerlink.emulator.http import EmulatorTransport
from brokerlink.oauth import (
    AuthorizationCode,
    MemoryTokenStore,
    OAuthStrategy,
    RefreshToken,
    StoredLogin,
)

ENV = ENVIRONMENTS["emulator"]
ACCOUNTS = f"{HOST}/api/accounts"
CONCURRENCY = 100


class RecordingStore(MemoryTokenStore):
    """A memory store that remembers every access token it was given, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.saved: list[StoredLogin] = []

    def save(self, profile: str, login: StoredLogin) -> None:
        self.saved.append(login)
        super().save(profile, login)


def _logged_in(
    clock: Clock, store: MemoryTokenStore | None = None, **server: object
) -> tuple[AuthorizationCode, EmulatorTransport, AuthTestFront]:
    fr = front(clock=clock, **server)
    transport = EmulatorTransport(fr, fr.engine)
    flow = AuthorizationCode(
        spec_for(ENV),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri="http://localhost:3000",
        store=store or MemoryTokenStore(),
        profile="authtest:emulator",
        clock=clock,
    )
    with Client(transport=transport) as http:
        location = http.get(flow.authorization_url()).headers["location"]
    flow.finish(location, transport=transport)
    return flow, transport, fr


def test_a_token_about_to_expire_is_refreshed_before_the_call() -> None:
    clock = Clock()
    flow, transport, fr = _logged_in(clock)
    first = flow.tokens.access_token
    clock.advance(timedelta(minutes=19, seconds=30))  # inside the 60 s leeway
    with Client(transport=transport, auth=flow) as http:
        assert http.get(ACCOUNTS).status_code == 200
    assert fr.oauth.token_requests == 2  # the code exchange, then one refresh
    assert flow.tokens.access_token != first
    assert fr.witness == [flow.tokens.access_token]


def test_100_threads_at_expiry_make_exactly_one_token_request() -> None:
    clock = Clock()
    store = RecordingStore()
    flow, transport, fr = _logged_in(clock, store)
    clock.advance(timedelta(minutes=21))
    # The token endpoint answers slowly, so every thread arrives while the refresh is in flight.
    fr.engine.faults.add(Latency(seconds=0.05), match="/oauth/token")
    start = threading.Barrier(CONCURRENCY)
    statuses: list[int] = []

    def call() -> None:
        with Client(transport=transport, auth=flow) as http:
            start.wait()
            statuses.append(http.get(ACCOUNTS).status_code)

    threads = [threading.Thread(target=call) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * CONCURRENCY
    assert fr.oauth.token_requests == 2  # the code exchange and ONE refresh
    assert len(store.saved) == 2
    assert set(fr.witness) == {store.saved[-1].tokens.access_token}


async def test_100_tasks_at_expiry_make_exactly_one_token_request() -> None:
    clock = Clock()
    store = RecordingStore()
    flow, transport, fr = _logged_in(clock, store)
    clock.advance(timedelta(minutes=21))
    fr.engine.faults.add(Latency(seconds=0.05), match="/oauth/token")
    async with AsyncClient(transport=transport, auth=flow) as http:
        answers = await asyncio.gather(*(http.get(ACCOUNTS) for _ in range(CONCURRENCY)))
    assert [answer.status_code for answer in answers] == [200] * CONCURRENCY
    assert fr.oauth.token_requests == 2
    assert set(fr.witness) == {store.saved[-1].tokens.access_token}


def test_100_threads_meeting_a_401_refresh_once() -> None:
    # The client does not know the lifetime: only the server's 401 tells it the token died.
    clock = Clock()
    flow, transport, fr = _logged_in(clock)
    strategy = RefreshToken(
        spec_for(ENV),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=flow.tokens.refresh_token or "",
        access_token=flow.tokens.access_token,
        clock=clock,
    )
    clock.advance(timedelta(minutes=21))
    fr.engine.faults.add(Latency(seconds=0.05), match="/oauth/token")
    start = threading.Barrier(CONCURRENCY)
    statuses: list[int] = []

    def call() -> None:
        with Client(transport=transport, auth=strategy) as http:
            start.wait()
            statuses.append(http.get(ACCOUNTS).status_code)

    threads = [threading.Thread(target=call) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * CONCURRENCY
    assert fr.oauth.token_requests == 2


def test_a_401_refreshes_once_and_resends_once() -> None:
    clock = Clock()
    flow, transport, fr = _logged_in(clock)
    fr.engine.faults.add(TokenExpired(), times=1, match="/api/accounts")
    broker = bl.connect("authtest:emulator", auth=flow, transport=transport, registry=registry())
    assert [account.id for account in broker.accounts()] == ["AT1001"]
    assert fr.oauth.token_requests == 2
    assert fr.api_calls == 1  # the first attempt was answered by the fault


def test_a_second_401_is_an_unauthorized_error_without_more_refreshes() -> None:
    clock = Clock()
    flow, transport, fr = _logged_in(clock)
    fr.engine.faults.add(TokenExpired(), times=3, match="/api/accounts")
    broker = bl.connect("authtest:emulator", auth=flow, transport=transport, registry=registry())
    with pytest.raises(bl.UnauthorizedError):
        broker.accounts()
    assert fr.oauth.token_requests == 2  # the code exchange and exactly one refresh
    taken = [fault for path, fault in fr.engine.faults.taken() if path == "/api/accounts"]
    assert len(taken) == 2  # the call and its single resend; the third fault is still planned


async def test_the_async_facade_refreshes_once_on_a_401_too() -> None:
    clock = Clock()
    flow, transport, fr = _logged_in(clock)
    fr.engine.faults.add(TokenExpired(), times=2, match="/api/accounts")
    async with bl.connect_async(
        "authtest:emulator", auth=flow, transport=transport, registry=registry()
    ) as broker:
        with pytest.raises(bl.UnauthorizedError):
            await broker.accounts()
    assert fr.oauth.token_requests == 2


def test_a_rotated_refresh_token_is_persisted_and_the_old_one_is_dead() -> None:
    clock = Clock()
    store = RecordingStore()
    flow, transport, _fr = _logged_in(clock, store)
    old = flow.tokens.refresh_token
    clock.advance(timedelta(minutes=21))
    with Client(transport=transport, auth=flow) as http:
        assert http.get(ACCOUNTS).status_code == 200
    saved = store.load("authtest:emulator")
    assert saved is not None
    assert saved.tokens.refresh_token not in (None, old)
    assert saved.tokens.refresh_token == flow.tokens.refresh_token
    stale = RefreshToken(
        spec_for(ENV),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=old or "",
        clock=clock,
    )
    with (
        Client(transport=transport, auth=stale) as http,
        pytest.raises(bl.UnauthorizedError) as caught,
    ):
        http.get(ACCOUNTS)
    assert caught.value.code == "invalid_grant"


def test_a_strategy_adopts_tokens_another_process_refreshed() -> None:
    clock = Clock()
    store = MemoryTokenStore()
    flow, transport, fr = _logged_in(clock, store)
    stored = store.load("authtest:emulator")
    assert stored is not None
    twin = OAuthStrategy(
        flow.spec,
        flow.client,
        tokens=stored.tokens,
        store=store,
        profile="authtest:emulator",
        clock=clock,
    )
    clock.advance(timedelta(minutes=21))
    with Client(transport=transport, auth=flow) as http:
        assert http.get(ACCOUNTS).status_code == 200
    with Client(transport=transport, auth=twin) as http:
        assert http.get(ACCOUNTS).status_code == 200
    # The twin found the fresh tokens in the store and never used the rotated-away refresh token.
    assert fr.oauth.token_requests == 2
    assert twin.tokens == flow.tokens


def test_without_a_refresh_token_an_expired_login_says_to_log_in_again() -> None:
    clock = Clock()
    flow, transport, _ = _logged_in(clock, issue_refresh_tokens=False)
    assert flow.tokens.refresh_token is None
    clock.advance(timedelta(minutes=21))
    with (
        Client(transport=transport, auth=flow) as http,
        pytest.raises(bl.UnauthorizedError, match="brokerlink login authtest:emulator"),
    ):
        http.get(ACCOUNTS)


def test_scope_errors_name_the_missing_broker_scope() -> None:
    from brokerlink.capabilities import Feature, StreamKind
    from brokerlink.oauth import require_scopes

    clock = Clock()
    flow, _, _ = _logged_in(clock)
    require_scopes(flow, Feature.ACCOUNTS)
    require_scopes(flow, Feature.PLACE)
    with pytest.raises(bl.ScopeError, match="'MarketData'") as caught:
        require_scopes(flow, Feature.QUOTES)
    assert caught.value.scope == "MarketData"
    with pytest.raises(bl.ScopeError):
        require_scopes(flow, StreamKind.QUOTES)
    require_scopes(bl.StaticToken("abc"), Feature.QUOTES)  # unknown scopes: the broker decides


async def test_a_fresh_access_token_for_websocket_messages_refreshes_once() -> None:
    clock = Clock()
    flow, transport, fr = _logged_in(clock)
    first = flow.tokens.access_token
    async with AsyncClient(transport=transport) as http:
        assert await flow.fresh_access_token(http) == first  # still fresh: no request
        assert fr.oauth.token_requests == 1
        clock.advance(timedelta(minutes=21))
        tokens = await asyncio.gather(*(flow.fresh_access_token(http) for _ in range(20)))
    assert set(tokens) == {flow.tokens.access_token}
    assert first not in tokens
    assert fr.oauth.token_requests == 2
    clock.advance(timedelta(minutes=21))
    with Client(transport=transport) as http:
        assert flow.fresh_access_token_sync(http) not in (first, tokens[0])
    assert fr.oauth.token_requests == 3
