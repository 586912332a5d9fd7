"""Market data, account reads, rate limits and capabilities against a scripted Tradier."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from brokerlink_tradier.capabilities import tradier_capabilities
from tradier_support import Broker, json_response, load_case

import brokerlink as bl
from brokerlink import _http
from brokerlink.capabilities import StreamKind
from brokerlink.config import Profile
from brokerlink.runtime.ratelimit import RateLimiter

QUOTES = load_case("quotes.json")["body"]


def test_quotes_skip_unmatched_symbols_and_fail_only_when_none_matched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = {
        "quotes": {
            "quote": {"symbol": "AAPL", "bid": 1, "ask": 2},
            "unmatched_symbols": {"symbol": "NOPE"},
        }
    }
    scripted = Broker({"GET /markets/quotes": body})
    broker = scripted.connect(monkeypatch=monkeypatch)
    assert list(broker.quotes(["AAPL", "NOPE"])) == ["AAPL"]
    assert scripted.requests[0].url.params["symbols"] == "AAPL,NOPE"
    scripted.routes["GET /markets/quotes"] = {"quotes": {"unmatched_symbols": {"symbol": "NOPE"}}}
    with pytest.raises(bl.SymbolNotFoundError, match="NOPE"):
        broker.quotes("NOPE")


def test_quotes_key_options_and_indexes_by_canonical_text(monkeypatch: pytest.MonkeyPatch) -> None:
    index = {"symbol": "SPX", "type": "index", "last": 4000.5}
    scripted = Broker(
        {
            "GET /markets/quotes": lambda request: json_response(
                200,
                {"quotes": {"quote": [*_documented_quotes(), index]}},
            )
        }
    )
    found = scripted.connect(monkeypatch=monkeypatch).quotes(["AAPL", "VXX190517P00016000", "$SPX"])
    assert sorted(found) == ["$SPX", "AAPL", "VXX   190517P00016000"]
    assert scripted.requests[0].url.params["symbols"] == "AAPL,VXX190517P00016000,SPX"
    assert found["$SPX"].last == Decimal("4000.5")


def _documented_quotes() -> list[object]:
    import orjson

    return orjson.loads(QUOTES)["quotes"]["quote"]  # type: ignore[no-any-return]


def test_quotes_are_asked_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    from brokerlink_tradier.operations_market import QUOTE_BATCH

    def answer(request: _http.Request) -> object:
        symbols = request.url.params["symbols"].split(",")
        return {"quotes": {"quote": [{"symbol": s, "bid": 1} for s in symbols]}}

    scripted = Broker({"GET /markets/quotes": answer})
    names = [f"S{i:03d}" for i in range(QUOTE_BATCH + 5)]
    assert len(scripted.connect(monkeypatch=monkeypatch).quotes(names)) == QUOTE_BATCH + 5
    assert len(scripted.requests) == 2


def test_daily_bars_read_history_with_date_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted = Broker({"GET /markets/history": load_case("history_daily.json")["body"]})
    scripted.routes["GET /markets/history"] = lambda request: _http.Response(
        200, content=load_case("history_daily.json")["body"].encode()
    )
    bars = scripted.connect(monkeypatch=monkeypatch).bars(
        "AAPL", "1d", start=datetime(2019, 1, 2, tzinfo=UTC), end=datetime(2019, 1, 5, tzinfo=UTC)
    )
    assert [b.time.date() for b in bars] == [date(2019, 1, 2), date(2019, 1, 3), date(2019, 1, 4)]
    params = scripted.requests[0].url.params
    assert (params["interval"], params["start"], params["end"]) == (
        "daily",
        "2019-01-01",
        "2019-01-04",
    )


def test_weekly_and_monthly_bars_use_their_intervals(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = {"clock": {"date": "2019-05-06", "state": "open", "timestamp": 1557156988}}
    scripted = Broker({"GET /markets/history": {"history": "null"}, "GET /markets/clock": clock})
    broker = scripted.connect(monkeypatch=monkeypatch)
    assert broker.bars("AAPL", "1w", limit=3) == []
    assert broker.bars("AAPL", "1mo", limit=3) == []
    history = [r.url.params for r in scripted.requests if r.url.path == "/v1/markets/history"]
    assert [p["interval"] for p in history] == ["weekly", "monthly"]
    # an open range ends at Tradier's own clock (2019-05-06 here), not this machine's
    assert {p["end"] for p in history} == {"2019-05-06"}


def test_intraday_bars_read_time_and_sales_in_new_york_minutes_window_by_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = load_case("timesales_1min.json")["body"]
    scripted = Broker({})
    scripted.routes["GET /markets/timesales"] = lambda request: _http.Response(
        200,
        content=body.encode()
        if request.url.params["start"].startswith("2019-05-09")
        else b'{"series": "null"}',
    )
    start = datetime(2019, 5, 9, 13, 30, tzinfo=UTC)
    bars = scripted.connect(monkeypatch=monkeypatch).bars(
        "AAPL", "1min", start=start, end=start + timedelta(days=7)
    )
    assert [b.time for b in bars] == [start + timedelta(minutes=i) for i in range(3)]
    first = scripted.requests[0].url.params
    assert (first["interval"], first["start"], first["session_filter"]) == (
        "1min",
        "2019-05-09 09:30",
        "all",
    )
    assert len(scripted.requests) == 2  # 7 days in 5-day windows


def test_intraday_bars_with_a_limit_and_no_start_are_the_last_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    body = load_case("timesales_1min.json")["body"]
    scripted = Broker({})
    scripted.routes["GET /markets/timesales"] = lambda request: _http.Response(
        200, content=body.encode()
    )
    end = datetime(2019, 5, 9, 14, 0, tzinfo=UTC)
    bars = scripted.connect(monkeypatch=monkeypatch).bars("AAPL", "1min", end=end, limit=2)
    assert [b.time.minute for b in bars] == [31, 32]


def test_sandbox_has_no_tick_bars(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted = Broker({})
    with pytest.raises(bl.NotSupportedError, match="tick"):
        scripted.connect(monkeypatch=monkeypatch).bars("AAPL", "tick")
    assert "tick" in tradier_capabilities("live").history.timeframes


def test_option_chain_for_one_expiration_and_for_all(monkeypatch: pytest.MonkeyPatch) -> None:
    chains = load_case("chains.json")["body"]
    lookup = load_case("options_lookup_chain.json")["body"]
    scripted = Broker({})
    scripted.routes["GET /markets/options/chains"] = lambda r: _http.Response(
        200, content=chains.encode()
    )
    scripted.routes["GET /markets/options/lookup"] = lambda r: _http.Response(
        200, content=lookup.encode()
    )
    broker = scripted.connect(monkeypatch=monkeypatch)
    one = broker.option_chain("VXX", date(2019, 5, 17))
    put = one.expiration("2019-05-17").strike(16).put
    assert put is not None
    assert put.details is not None
    assert put.details.multiplier == 100
    assert put.details.exchange == "Z"
    assert scripted.requests[0].url.params["expiration"] == "2019-05-17"
    every = broker.option_chain("SPY")
    assert len(every.dates) == 5
    assert scripted.requests[1].url.params["underlying"] == "SPY"


def test_instrument_details_come_from_the_quote(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted = Broker({})
    scripted.routes["GET /markets/quotes"] = lambda r: _http.Response(200, content=QUOTES.encode())
    found = scripted.connect(monkeypatch=monkeypatch).instrument("AAPL")
    assert found.details is not None
    assert found.details.description == "Apple Inc"


def test_accounts_balances_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    routes = {
        "GET /user/profile": load_case("profile.json")["body"],
        "GET /accounts/VA000001/balances": load_case("balances_cash.json")["body"],
        "GET /accounts/VA000001/positions": load_case("positions_single.json")["body"],
    }
    scripted = Broker(
        {
            k: (lambda b: lambda r: _http.Response(200, content=b.encode()))(v)
            for k, v in routes.items()
        }
    )
    broker = scripted.connect(monkeypatch=monkeypatch)
    assert [a.id for a in broker.accounts()] == ["VA000001", "VA000002", "VA000003"]
    assert broker.balances().buying_power == Decimal("4343.38")
    assert broker.positions()[0].average_price == Decimal("207.01")
    assert all(r.headers["accept"] == "application/json" for r in scripted.requests)


def test_rate_limit_headers_hold_the_class_until_the_window_resets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from brokerlink_tradier import TradierAdapter

    adapter = TradierAdapter(TradierAdapter.environments["sandbox"], _profile())
    limiter = RateLimiter(tradier_capabilities("sandbox").rate_limits, clock=lambda: 100.0)
    request = _quotes_request()
    expiry = int((time.time() + 30) * 1000)
    headers = {
        "X-Ratelimit-Available": "0",
        "X-Ratelimit-Expiry": str(expiry),
        "X-Ratelimit-Allowed": "60",
    }
    adapter.observe_response(_http.Response(200, headers=headers, request=request), limiter)
    assert 25 < limiter.reserve("market_data") <= 30
    assert limiter.reserve("account") == 0.0


def _quotes_request() -> _http.Request:
    from brokerlink.runtime.operation import CallPolicy, call

    return call(
        "GET",
        "https://sandbox.tradier.com/v1/markets/quotes",
        policy=CallPolicy(rate_class="market_data"),
    )


def _profile() -> Profile:
    return Profile(name="tradier:sandbox", broker="tradier", environment="sandbox")


def test_a_429_on_a_read_is_retried_after_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [
        json_response(429, {}, {"Retry-After": "0"}),
        json_response(
            200, {"clock": {"date": "2019-05-06", "state": "open", "timestamp": 1557156988}}
        ),
    ]
    scripted = Broker({"GET /markets/clock": lambda r: answers.pop(0)})
    clock = scripted.connect(monkeypatch=monkeypatch).extension("tradier").clock()
    assert clock.state == "open"
    assert len(scripted.requests) == 2


def test_capabilities_per_environment() -> None:
    live, sandbox, emulator = (tradier_capabilities(e) for e in ("live", "sandbox", "emulator"))
    limits = {
        e.environment: {r.rate_class: r.requests for r in e.rate_limits} for e in (live, sandbox)
    }
    assert limits == {
        "live": {"account": 120, "market_data": 120, "trading": 60},
        "sandbox": {"account": 60, "market_data": 60, "trading": 60},
    }
    assert "stream" in live.streams[StreamKind.QUOTES].note
    assert "polled" in sandbox.streams[StreamKind.QUOTES].note
    assert emulator.streams[StreamKind.ORDERS].reliable is False
    assert bl.TimeInForce.DAY_EXT not in sandbox.time_in_force[bl.AssetClass.OPTION]
