"""Operations against scripted TradeStation answers: batching, chunking, paging, placement and
its reconciliation, the error table, and the checks made before any request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from brokerlink_tradestation import operations
from brokerlink_tradestation.capabilities import tradestation_capabilities
from brokerlink_tradestation.requests import confirm_id, order_to_ts
from tskit import Script, adapter, drive, extension, json_reply

import brokerlink as bl
from brokerlink import _http
from brokerlink.instruments import Equity, Option
from brokerlink.models import Leg
from brokerlink.timeframes import Timeframe

ORDER = {
    "AccountID": "123456782", "Duration": "DAY", "OrderID": "286179831", "OrderType": "Market",
    "OpenedDateTime": "2026-11-20T15:00:00Z", "Status": "ACK",
    "Legs": [{"AssetType": "STOCK", "BuyOrSell": "Buy", "ExecQuantity": "0", "OpenOrClose": "Open",
              "QuantityOrdered": "1", "QuantityRemaining": "1", "Symbol": "MSFT"}],
}  # fmt: skip


def _bars_for(request: _http.Request) -> _http.Response:
    """Minute bars stamped at their end, one per 10 000 minutes of the asked range, plus the
    range's last minute (so consecutive chunks overlap on purpose)."""
    first = datetime.fromisoformat(request.url.params["firstdate"])
    last = datetime.fromisoformat(request.url.params["lastdate"])
    stamps = [
        first + timedelta(minutes=m)
        for m in range(1, int((last - first).total_seconds() // 60), 10_000)
    ]
    stamps += [last + timedelta(minutes=1)]  # a bar that starts exactly at the chunk edge
    bars = [
        {
            "TimeStamp": s.isoformat().replace("+00:00", "Z"),
            "Open": "1",
            "High": "2",
            "Low": "0.5",
            "Close": "1.5",
            "TotalVolume": "10",
        }
        for s in stamps
    ]
    return json_reply(200, {"Bars": bars})


def test_long_minute_ranges_are_split_into_57600_bar_chunks_and_merged() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    end = start + timedelta(minutes=57_600 * 2 + 100)
    script = Script([_bars_for] * 3)
    bars = drive(
        adapter().bars(Equity("SPY"), Timeframe.parse("1min"), start=start, end=end, limit=None),
        script,
    )
    windows = [(r.url.params["firstdate"], r.url.params["lastdate"]) for r in script.requests]
    assert windows == [
        ("2024-01-01T00:00:00Z", "2024-02-10T00:00:00Z"),
        ("2024-02-10T00:00:00Z", "2024-03-21T00:00:00Z"),
        ("2024-03-21T00:00:00Z", "2024-03-21T01:40:00Z"),
    ]
    times = [b.time for b in bars]
    assert times == sorted(set(times))  # oldest first, no duplicates across chunks
    assert times[0] == start  # stamped 00:01 (end) -> 00:00 (start)
    assert all(start <= t < end for t in times)
    assert {r.url.params["unit"] for r in script.requests} == {"Minute"}


def test_more_than_57600_bars_back_pages_backwards_by_lastdate() -> None:
    def page(request: _http.Request) -> _http.Response:
        last = request.url.params.get("lastdate")
        end = datetime.fromisoformat(last) if last else datetime(2024, 6, 1, tzinfo=UTC)
        count = int(request.url.params["barsback"])
        stamps = [end - timedelta(hours=h) for h in range(count)][::-1]
        bars = [
            {
                "TimeStamp": s.isoformat().replace("+00:00", "Z"),
                "Open": "1",
                "High": "1",
                "Low": "1",
                "Close": "1",
                "TotalVolume": "1",
            }
            for s in stamps
        ]
        return json_reply(200, {"Bars": bars})

    script = Script([page, page])
    bars = drive(
        adapter().bars(Equity("SPY"), Timeframe.parse("1h"), start=None, end=None, limit=60_000),
        script,
    )
    assert [r.url.params["barsback"] for r in script.requests] == ["57600", "2400"]
    assert script.requests[0].url.params["interval"] == "60"
    assert len(bars) == 60_000
    times = [b.time for b in bars]
    assert times == sorted(set(times))


def test_quotes_go_100_symbols_per_request() -> None:
    symbols = [Equity(f"S{n}") for n in range(120)]
    answer = lambda request: json_reply(200, {"Quotes": [], "Errors": []})  # noqa: E731
    script = Script([answer, answer])
    assert drive(adapter().quotes(symbols), script) == {}
    sizes = [len(r.url.path.rsplit("/", 1)[1].split(",")) for r in script.requests]
    assert sizes == [100, 20]


def test_order_ids_go_50_per_request_and_accounts_25() -> None:
    ids = [str(1000 + n) for n in range(75)]
    accounts = [f"A{n}" for n in range(30)]
    script = Script([json_reply(200, {"Orders": [], "Errors": []})] * 4)
    ts = adapter()
    assert drive(operations.orders_by_id(ts.converter, accounts, ids), script) == ([], [])
    shapes = [
        (len(r.url.path.split("/")[4].split(",")), len(r.url.path.split("/")[6].split(",")))
        for r in script.requests
    ]
    assert shapes == [(25, 50), (25, 25), (5, 50), (5, 25)]


def test_refusals_come_before_any_request() -> None:
    ts = adapter()
    with pytest.raises(bl.InvalidOrderError, match="digits only"):
        drive(ts.cancel("123456782", "1-2345-6789"), Script([]))
    with pytest.raises(bl.NotSupportedError, match="90 days"):
        drive(
            ts.orders("123456782", status="all", since=datetime.now(UTC) - timedelta(days=120)),
            Script([]),
        )
    option_order = bl.NewOrder.market("AAPL  250321C00175000", bl.BUY, 1)
    with pytest.raises(bl.InvalidOrderError, match="effect=OPEN or effect=CLOSE"):
        order_to_ts(option_order, "123456782")


def test_place_sends_a_confirm_id_then_reads_the_order_back() -> None:
    order = bl.NewOrder.market("MSFT", bl.BUY, 1, client_id="bl-0123456789abcdef0123")
    script = Script([
        json_reply(200, {"Orders": [{"Message": "Sent order: Buy 1 MSFT @ Market", "OrderID": "286179831"}]}),
        json_reply(200, {"Orders": [ORDER], "Errors": []}),
    ])  # fmt: skip
    placed = drive(adapter().place("123456782", order), script)
    body = script.described()[0]["json"]
    assert body["OrderConfirmID"] == confirm_id(order.client_id)
    assert len(body["OrderConfirmID"]) == 22
    assert (placed.id, placed.client_id, placed.status) == (
        "286179831",
        order.client_id,
        bl.OrderStatus.OPEN,
    )
    assert script.requests[1].url.path == "/v3/brokerage/accounts/123456782/orders/286179831"


def test_an_auto_option_leg_is_decided_from_the_positions() -> None:
    option = Option("MSFT", "2026-12-18", "C", "300")
    short = {"AccountID": "123456782", "AssetType": "STOCKOPTION", "Symbol": "MSFT 261218C300", "Quantity": "-2",
             "LongShort": "Short", "AveragePrice": "3.10"}  # fmt: skip
    script = Script([
        json_reply(200, {"Positions": [short], "Errors": []}),
        json_reply(200, {"Confirmations": [{"EstimatedCost": "620", "EstimatedCommission": "1.3"}]}),
    ])  # fmt: skip
    preview = drive(
        adapter().preview("123456782", bl.NewOrder.limit(option, bl.BUY, 2, "3.10")), script
    )
    assert script.described()[1]["json"]["TradeAction"] == "BUYTOCLOSE"
    assert (preview.estimated_cost, preview.commission) == (Decimal(620), Decimal("1.3"))


def _facade(handler: Any) -> bl.Broker:
    return bl.connect(
        "tradestation:sim",
        auth=bl.StaticToken("t"),
        transport=_http.MockTransport(handler),
        account="123456782",
    )


def test_an_ambiguous_placement_is_reconciled_by_content() -> None:
    calls: list[str] = []

    def handler(request: _http.Request) -> _http.Response:
        calls.append(f"{request.method} {request.url.path}")
        if request.method == "POST":
            raise _http.read_timeout("no answer", request)
        return json_reply(
            200,
            {"Orders": [{**ORDER, "OpenedDateTime": datetime.now(UTC).isoformat()}], "Errors": []},
        )

    with _facade(handler) as broker:
        placed = broker.place(bl.NewOrder.market("MSFT", bl.BUY, 1, client_id="bl-abc"))
    assert placed.id == "286179831"
    assert placed.client_id == "bl-abc"
    assert calls == [
        "POST /v3/orderexecution/orders",
        "GET /v3/brokerage/accounts/123456782/orders",
    ]


def test_an_unknown_outcome_without_a_match_stays_ambiguous() -> None:
    def handler(request: _http.Request) -> _http.Response:
        if request.method == "POST":
            return json_reply(503, {"Error": "ServiceUnavailable", "Message": "down"})
        return json_reply(200, {"Orders": [], "Errors": []})

    with _facade(handler) as broker, pytest.raises(bl.AmbiguousOrderError):
        broker.place(bl.NewOrder.market("MSFT", bl.BUY, 1))


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (401, {"Error": "Unauthorized", "Message": "Unauthorized"}, bl.UnauthorizedError),
        (403, {"Error": "Forbidden", "Message": "Forbidden"}, bl.AuthError),
        (429, {"Error": "TooManyRequests", "Message": "Rate quota exceeded"}, bl.RateLimitedError),
        (400, {"Error": "BadRequest", "Message": "Not an open order."}, bl.RejectedError),
        (404, {"Error": "NotFound", "Message": "Invalid order ID."}, bl.OrderNotFoundError),
        (504, {"Error": "GatewayTimeout", "Message": "timeout"}, bl.BrokerUnavailableError),
        (200, {"Error": "Failed", "Message": "Not entitled to data for this symbol"}, bl.AuthError),
    ],
)
def test_the_error_table(status: int, body: dict[str, str], error: type[bl.BrokerError]) -> None:
    response = json_reply(status, body, headers={"retry-after": "1"})
    response.request = _http.Request(
        "DELETE", "https://sim-api.tradestation.com/v3/orderexecution/orders/1"
    )
    found = adapter().check_response(response)
    assert type(found) is error
    assert body["Message"] in str(found)


def test_good_answers_are_not_errors() -> None:
    assert adapter().check_response(json_reply(200, {"Orders": [], "Errors": []})) is None


def test_a_continuous_contract_order_names_todays_contract() -> None:
    ts = adapter()
    details = {
        "Symbols": [{"AssetType": "FUTURE", "Symbol": "@ES", "Root": "ES", "Underlying": "ESH26"}],
        "Errors": [],
    }
    with pytest.raises(bl.InvalidOrderError, match="/ESH26"):
        drive(extension(ts).order_instrument("@ES"), Script([json_reply(200, details)]), ts)
    front = drive(extension(ts).front_contract("ES"), Script([json_reply(200, details)]), ts)
    assert str(front) == "/ESH26"


def test_capabilities_per_environment() -> None:
    sim, live, emulator = (tradestation_capabilities(e) for e in ("sim", "live", "emulator"))
    assert not sim.streams[bl.capabilities.StreamKind.ORDERS].reliable
    assert "drop" in sim.streams[bl.capabilities.StreamKind.ORDERS].note
    assert bl.AssetClass.FUTURE_OPTION in live.asset_classes
    assert bl.AssetClass.FUTURE_OPTION not in emulator.asset_classes
    assert bl.TimeInForce.DAY_EXT in sim.time_in_force[bl.AssetClass.EQUITY]
    assert bl.TimeInForce.DAY_EXT not in sim.time_in_force[bl.AssetClass.OPTION]
    assert sim.history.max_bars_per_request == 57_600
    assert "1440min" in sim.history.timeframes
    with pytest.raises(bl.NotSupportedError, match="time_in_force"):
        sim.require_replace(["time_in_force"])


def test_multi_leg_credit_keeps_its_negative_price() -> None:
    legs = [
        Leg.sell("SPY   251219C00420000", 1, "open"),
        Leg.buy("SPY   251219C00430000", 1, "open"),
    ]
    body = order_to_ts(bl.NewOrder.multi_leg(legs, "limit", limit_price="-2.10"), "1")
    assert body["LimitPrice"] == "-2.10"
    assert [leg["TradeAction"] for leg in body["Legs"]] == ["SELLTOOPEN", "BUYTOOPEN"]


def test_session_templates_reach_the_bar_request() -> None:
    ts = adapter()
    script = Script([json_reply(200, {"Bars": []})])
    operation = extension(ts).bars("SPY", "5min", limit=10, session="USEQPreAndPost")
    assert drive(operation, script, ts) == []
    params = script.requests[0].url.params
    assert (params["sessiontemplate"], params["unit"], params["interval"], params["barsback"]) == (
        "USEQPreAndPost", "Minute", "5", "10",
    )  # fmt: skip


def test_rate_limit_headers_hold_the_bucket() -> None:
    limiter = bl.runtime.ratelimit.RateLimiter(tradestation_capabilities("sim").rate_limits)
    response = json_reply(
        200, {}, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "30"}
    )
    response.request = _http.Request(
        "GET", "https://sim-api.tradestation.com/v3/brokerage/accounts"
    )
    adapter().observe_response(response, limiter)
    assert limiter.reserve("default") > 25
