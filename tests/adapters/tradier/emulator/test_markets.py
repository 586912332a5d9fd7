"""Market data: quotes, history, time & sales, options, clock, calendar, reference data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from brokerlink_tradier.emulator import TradierOptions
from tradier_emu import body, load_documented

from brokerlink._http import Client

DOC_QUOTES = load_documented("GET_v1_markets_quotes.json")["quotes"]["quote"]


def _get(client: Client, path: str, **params: str) -> Any:
    answer = client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return body(answer)


def _expiration(client: Client, symbol: str = "AAPL") -> str:
    dates: list[str] = _get(client, "/markets/options/expirations", symbol=symbol)["expirations"][
        "date"
    ]
    return dates[2]


def test_quotes_many_one_and_unmatched(client: Client) -> None:
    many = _get(client, "/markets/quotes", symbols="AAPL,SPY")["quotes"]["quote"]
    assert [q["symbol"] for q in many] == ["AAPL", "SPY"]
    assert set(many[0]) == set(DOC_QUOTES[0])
    assert (many[0]["type"], many[1]["type"]) == ("stock", "etf")
    one = _get(client, "/markets/quotes", symbols="AAPL")["quotes"]["quote"]
    assert isinstance(one, dict)
    assert one["bid"] < one["ask"]
    assert one["trade_date"] > 1_000_000_000_000  # epoch milliseconds
    mixed = _get(client, "/markets/quotes", symbols="AAPL,SEFDF")["quotes"]
    assert mixed["unmatched_symbols"] == {"symbol": "SEFDF"}
    assert mixed["quote"]["symbol"] == "AAPL"
    none = _get(client, "/markets/quotes", symbols="SEFDF,XXXXX")["quotes"]
    assert none == {"unmatched_symbols": {"symbol": ["SEFDF", "XXXXX"]}}


def test_quotes_by_post_and_indices(client: Client) -> None:
    answer = body(client.post("/markets/quotes", data={"symbols": "SPX,AAPL"}))
    first, second = answer["quotes"]["quote"]
    assert (first["symbol"], first["type"]) == ("SPX", "index")
    assert second["symbol"] == "AAPL"


def test_option_quotes_with_greeks(client: Client) -> None:
    day = _expiration(client)
    chain = _get(client, "/markets/options/chains", symbol="AAPL", expiration=day, greeks="true")
    option = chain["options"]["option"][0]
    documented = load_documented("GET_v1_markets_options_chains.greeks.jsonc")
    doc_option = documented["options"]["option"][0]
    assert set(option) == set(doc_option)
    assert set(option["greeks"]) == set(doc_option["greeks"])
    quote = _get(client, "/markets/quotes", symbols=option["symbol"], greeks="true")
    contract = quote["quotes"]["quote"]
    assert set(contract) == set(DOC_QUOTES[1]) | {"greeks"}
    assert contract["option_type"] in ("call", "put")
    assert -1 <= contract["greeks"]["delta"] <= 1
    assert (
        "greeks" not in _get(client, "/markets/quotes", symbols=option["symbol"])["quotes"]["quote"]
    )


def test_expirations_plain_and_detailed(client: Client) -> None:
    plain = _get(client, "/markets/options/expirations", symbol="AAPL")["expirations"]["date"]
    assert plain == sorted(plain)
    detailed = _get(client, "/markets/options/expirations", symbol="AAPL", strikes="true",
                    contractSize="true", expirationType="true")["expirations"]["expiration"]  # fmt: skip
    documented = load_documented(
        "GET_v1_markets_options_expirations.strikes_contractSize_expirationType.json"
    )["expirations"]["expiration"][0]
    assert set(detailed[0]) == set(documented)
    assert {e["expiration_type"] for e in detailed} == {"weeklys", "standard"}
    assert _get(client, "/markets/options/expirations", symbol="NOSUCH") == {"expirations": None}


def test_strikes_and_option_lookup(client: Client) -> None:
    day = _expiration(client)
    strikes = _get(client, "/markets/options/strikes", symbol="AAPL", expiration=day)
    values = strikes["strikes"]["strike"]
    assert values == sorted(values)
    assert all(str(v).count(".") == 1 for v in values)  # 170.0, 172.5: as the docs write them
    lookup = _get(client, "/markets/options/lookup", underlying="SPY")
    assert lookup["symbols"][0]["rootSymbol"] == "SPY"
    assert lookup["symbols"][0]["options"][0].startswith("SPY")
    assert " " not in lookup["symbols"][0]["options"][0]  # OCC without padding
    assert _get(client, "/markets/options/lookup", underlying="NOSUCH") == {"symbols": None}
    assert _get(client, "/markets/options/chains", symbol="NOSUCH", expiration=day) == {
        "options": None
    }


def test_daily_weekly_monthly_history(client: Client) -> None:
    documented = load_documented("GET_v1_markets_history.daily.jsonc")["history"]["day"][0]
    daily = _get(client, "/markets/history", symbol="AAPL", start="2024-12-02", end="2024-12-31")
    days = daily["history"]["day"]
    assert set(days[0]) == set(documented)
    assert days[0]["date"] == "2024-12-02"
    assert "2024-12-25" not in [d["date"] for d in days]
    weekly = _get(client, "/markets/history", symbol="AAPL", interval="weekly",
                  start="2024-12-02", end="2024-12-31")["history"]["day"]  # fmt: skip
    assert len(weekly) == 5
    monthly = _get(client, "/markets/history", symbol="AAPL", interval="monthly",
                   start="2024-12-01", end="2024-12-31")["history"]["day"]  # fmt: skip
    assert isinstance(monthly, dict)
    assert _get(client, "/markets/history", symbol="NOSUCH") == {"history": None}


def test_time_and_sales(client: Client) -> None:
    documented = load_documented("GET_v1_markets_timesales.1min.jsonc")["series"]["data"][0]
    bars = _get(client, "/markets/timesales", symbol="AAPL", interval="5min",
                start="2025-01-03 09:30", end="2025-01-03 10:00",
                session_filter="open")["series"]["data"]  # fmt: skip
    assert len(bars) == 6
    assert set(bars[0]) == set(documented)
    assert bars[0]["time"] == "2025-01-03T09:30:00"
    assert bars[0]["price"] == (bars[0]["high"] + bars[0]["low"]) / 2
    ticks = _get(client, "/markets/timesales", symbol="AAPL", interval="tick",
                 start="2025-01-03 09:30", end="2025-01-03 09:35")["series"]["data"]  # fmt: skip
    assert len(ticks) > 1
    assert set(ticks[0]) == {"time", "timestamp", "price", "volume"}
    empty = _get(client, "/markets/timesales", symbol="AAPL", interval="1min",
                 start="2025-01-04 09:30", end="2025-01-04 10:00")  # a Saturday  # fmt: skip
    assert empty == {"series": "null"}
    too_old = client.get("/markets/timesales", params={"symbol": "AAPL", "interval": "1min",
                                                       "start": "2024-06-03 09:30"})  # fmt: skip
    assert too_old.status_code == 400
    assert "must be on or after" in body(too_old)["errors"]["error"]


def test_the_sandbox_has_no_tick_time_and_sales(make_client: Any) -> None:
    with make_client(TradierOptions.sandbox_like()) as sandbox:
        answer = sandbox.get("/markets/timesales", params={"symbol": "AAPL", "interval": "tick"})
    assert answer.status_code == 400


def test_clock_and_calendar(client: Client) -> None:
    documented = load_documented("GET_v1_markets_clock.json")["clock"]
    clock = _get(client, "/markets/clock")["clock"]
    assert set(clock) == set(documented)
    assert (clock["state"], clock["next_state"], clock["next_change"]) == (
        "open", "postmarket", "16:00")  # fmt: skip
    calendar = _get(client, "/markets/calendar", month="01", year="2025")["calendar"]
    days = calendar["days"]["day"]
    assert (calendar["month"], calendar["year"], len(days)) == (1, 2025, 31)
    doc_day = load_documented("GET_v1_markets_calendar.jsonc")["calendar"]["days"]["day"][0]
    open_day = next(d for d in days if d["date"] == "2025-01-02")
    assert set(open_day) == set(doc_day)
    assert open_day["open"] == {"start": "09:30", "end": "16:00"}
    assert next(d for d in days if d["date"] == "2025-01-09")["status"] == "closed"


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        ("/markets/search", {"q": "alphabet"}, ["GOOGL", "GOOG"]),
        ("/markets/lookup", {"q": "GOOG"}, ["GOOGL", "GOOG"]),
        ("/markets/lookup", {"q": "SP", "types": "etf"}, ["SPY"]),
    ],
)
def test_search_and_lookup(
    client: Client, path: str, params: dict[str, str], expected: list[str]
) -> None:
    documented = load_documented("GET_v1_markets_search.json")["securities"]["security"][0]
    found = _get(client, path, **params)["securities"]["security"]
    rows = found if isinstance(found, list) else [found]
    assert [r["symbol"] for r in rows] == expected
    assert set(rows[0]) == set(documented)


def test_easy_to_borrow_and_empty_searches(client: Client) -> None:
    etb = _get(client, "/markets/etb")["securities"]["security"]
    assert {"AAPL", "SPY"} <= {s["symbol"] for s in etb}
    assert _get(client, "/markets/search", q="zzzzzz") == {"securities": None}


def test_numbers_keep_their_decimals(client: Client) -> None:
    raw = client.get("/markets/quotes", params={"symbols": "AAPL"}).text
    quote = body(client.get("/markets/quotes", params={"symbols": "AAPL"}))["quotes"]["quote"]
    assert isinstance(quote["bid"], Decimal)
    assert f'"bid":{quote["bid"]}' in raw
