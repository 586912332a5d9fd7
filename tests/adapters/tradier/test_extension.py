"""The ``tradier`` extension's reads: the exact query each sends and the typed models back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tradier_support import Broker, load_case

from brokerlink import _http


def _raw(name: str) -> object:
    body = load_case(name)["body"].encode()
    return lambda request: _http.Response(200, content=body)


def test_history_and_gainloss(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted = Broker(
        {
            "GET /accounts/VA000001/history": _raw("history.json"),
            "GET /accounts/VA000001/gainloss": _raw("gainloss.json"),
        }
    )
    tradier = scripted.connect(monkeypatch=monkeypatch).extension("tradier")
    events = tradier.history(type="trade", start=date(2018, 1, 1), symbol="GE")
    assert events[0].amount == Decimal("10.06")
    assert dict(scripted.requests[0].url.params) == {
        "page": "1",
        "limit": "25",
        "type": "trade",
        "start": "2018-01-01",
        "symbol": "GE",
    }
    closed = tradier.gainloss(descending=False)
    assert closed[0].close_date == datetime(2018, 10, 31, tzinfo=UTC)
    assert scripted.requests[1].url.params["sort"] == "asc"
    with pytest.raises(ValueError, match="type"):
        tradier.history(type="bogus")


def test_orders_with_tradiers_own_filters(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted = Broker({"GET /accounts/VA000001/orders": _raw("orders.json")})
    tradier = scripted.connect(monkeypatch=monkeypatch).extension("tradier")
    found = tradier.orders(filter="all", start=date(2018, 6, 1), end=date(2018, 6, 30))
    assert [o.id for o in found] == ["228175", "228749", "229063", "229123"]
    params = scripted.requests[0].url.params
    assert (params["filter"], params["start"], params["end"], params["includeTags"]) == (
        "all",
        "2018-06-01",
        "2018-06-30",
        "true",
    )
    with pytest.raises(ValueError, match="filter='all'"):
        tradier.orders(start=date(2018, 6, 1))


def test_market_reference_data(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted = Broker(
        {
            "GET /markets/search": _raw("search.json"),
            "GET /markets/lookup": _raw("lookup.json"),
            "GET /markets/etb": _raw("etb.json"),
            "GET /markets/calendar": _raw("calendar.json"),
            "GET /markets/options/expirations": _raw("expirations.json"),
            "GET /markets/options/strikes": _raw("strikes.json"),
            "GET /markets/options/lookup": _raw("options_lookup.json"),
        }
    )
    tradier = scripted.connect(monkeypatch=monkeypatch).extension("tradier")
    assert [s.symbol for s in tradier.search("alphabet")] == ["GOOGL", "GOOG"]
    assert tradier.lookup("GOO", exchanges=["Q"], types=["stock", "etf"])[0].exchange == "Q"
    assert len(tradier.easy_to_borrow()) == 6
    assert tradier.calendar(month=4, year=2019)[0].open is not None
    assert tradier.expirations("SPY", strikes=True)[0].expiration_type == "weeklys"
    assert tradier.strikes("SPY", date(2019, 5, 17))[0] == Decimal("22.5")
    assert tradier.option_roots("SPY")[0].root == "SPY"
    sent = {r.url.path.removeprefix("/v1"): dict(r.url.params) for r in scripted.requests}
    assert sent["/markets/lookup"] == {"q": "GOO", "exchanges": "Q", "types": "stock,etf"}
    assert sent["/markets/calendar"] == {"month": "04", "year": "2019"}
    assert sent["/markets/options/expirations"]["strikes"] == "true"
    assert sent["/markets/options/strikes"] == {"symbol": "SPY", "expiration": "2019-05-17"}
