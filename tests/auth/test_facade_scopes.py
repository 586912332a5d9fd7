"""The facades check scopes before sending: a call needing a scope the token lacks raises
``ScopeError`` naming it, and no request leaves (TradeStation emulator, neutral scope map)."""

from __future__ import annotations

import pytest
from authkit import Clock
from ts_oauthkit import login_at, ts_front

import brokerlink as bl
from brokerlink import _http
from brokerlink.emulator.http import EmulatorTransport

DATA_ONLY = ("openid", "offline_access", "MarketData")


class Counting(_http.BaseTransport, _http.AsyncBaseTransport):
    """Counts the API requests (not the sign-in server's) reaching the emulator."""

    def __init__(self, inner: EmulatorTransport) -> None:
        self.inner = inner
        self.api_calls = 0

    def _count(self, request: _http.Request) -> None:
        if request.url.path.startswith("/v3/"):
            self.api_calls += 1

    def handle_request(self, request: _http.Request) -> _http.Response:
        self._count(request)
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: _http.Request) -> _http.Response:
        self._count(request)
        return await self.inner.handle_async_request(request)


def _setup(scopes: tuple[str, ...]) -> tuple[bl.Broker, Counting]:
    clock = Clock()
    front = ts_front(clock)
    inner = EmulatorTransport(front, front.engine)
    login = login_at(clock, inner, scopes=scopes)
    counting = Counting(inner)
    return bl.connect("tradestation:emulator", auth=login, transport=counting), counting


def test_a_call_needing_a_missing_scope_fails_before_any_request() -> None:
    broker, counting = _setup(DATA_ONLY)
    with pytest.raises(bl.ScopeError, match="'ReadAccount'") as caught:
        broker.accounts()
    assert caught.value.scope == "ReadAccount"
    with pytest.raises(bl.ScopeError) as placing:
        broker.place(bl.NewOrder.market("MSFT", bl.BUY, 1, account="EMU00001"))
    assert placing.value.scope == "Trade"
    with pytest.raises(bl.ScopeError, match="'ReadAccount'"):
        broker.stream_orders("EMU00001")
    assert counting.api_calls == 0
    assert set(broker.quotes(["MSFT"])) == {"MSFT"}  # MarketData was granted
    assert counting.api_calls == 1


async def test_the_async_facade_checks_too() -> None:
    clock = Clock()
    front = ts_front(clock)
    inner = EmulatorTransport(front, front.engine)
    login = login_at(clock, inner, scopes=("openid", "ReadAccount"))
    counting = Counting(inner)
    async with bl.connect_async("tradestation:emulator", auth=login, transport=counting) as broker:
        with pytest.raises(bl.ScopeError, match="'MarketData'"):
            await broker.quotes(["MSFT"])
        with pytest.raises(bl.ScopeError, match="'MarketData'"):
            broker.stream_quotes(["MSFT"])
        assert counting.api_calls == 0
        assert len(await broker.accounts()) == 2


def test_tokens_with_unknown_scopes_are_left_to_the_broker() -> None:
    front = ts_front(Clock(), strict=False)
    counting = Counting(EmulatorTransport(front, front.engine))
    broker = bl.connect("tradestation:emulator", auth=bl.StaticToken("fixed"), transport=counting)
    assert len(broker.accounts()) == 2
    assert counting.api_calls == 1
