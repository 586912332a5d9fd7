"""Account endpoints answer the documented shapes, one-item objects and ``"null"`` included."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from brokerlink_tradier.emulator import emulator_transport
from tradier_emu import ACCOUNT, AUTH, BASE, CASH_ACCOUNT, body, load_documented, place

from brokerlink._http import Client
from brokerlink.emulator import AccountSpec, EmulatorConfig, Engine


def _buy(client: Client, symbol: str = "AAPL", quantity: str = "10") -> Any:
    return place(client, **{"class": "equity", "symbol": symbol, "side": "buy",
                            "quantity": quantity, "type": "market", "duration": "day"})  # fmt: skip


def test_profile_lists_every_account_with_the_documented_fields(client: Client) -> None:
    documented = load_documented("GET_v1_user_profile.json")["profile"]
    profile = body(client.get("/user/profile"))["profile"]
    assert set(profile) == set(documented)
    assert [a["account_number"] for a in profile["account"]] == [ACCOUNT, CASH_ACCOUNT]
    assert [a["type"] for a in profile["account"]] == ["margin", "cash"]
    for account in profile["account"]:
        assert set(account) == set(documented["account"][0])


def test_a_user_with_one_account_gets_an_object_not_a_list() -> None:
    engine = Engine(EmulatorConfig(accounts=(AccountSpec("SOLO0001"),)))
    with Client(transport=emulator_transport(engine), base_url=BASE, headers=AUTH) as client:
        account = body(client.get("/user/profile"))["profile"]["account"]
    assert isinstance(account, dict)
    assert account["account_number"] == "SOLO0001"


def test_balances_have_the_margin_or_the_cash_part(client: Client) -> None:
    documented = load_documented("GET_v1_accounts_ID_balances.jsonc")["balances"]
    common = set(documented) - {"margin", "cash", "pdt"}
    margin = body(client.get(f"/accounts/{ACCOUNT}/balances"))["balances"]
    assert set(margin) == common | {"margin"}
    assert set(margin["margin"]) == set(documented["margin"])
    assert margin["account_type"] == "margin"
    assert margin["total_cash"] == Decimal("100000.00")
    assert margin["margin"]["stock_buying_power"] == 2 * margin["margin"]["option_buying_power"]
    cash = body(client.get(f"/accounts/{CASH_ACCOUNT}/balances"))["balances"]
    assert set(cash) == common | {"cash"}
    assert set(cash["cash"]) == set(documented["cash"])
    assert cash["account_type"] == "cash"


def test_balances_follow_positions_and_working_orders(client: Client) -> None:
    _buy(client)
    place(client, **{"class": "equity", "symbol": "MSFT", "side": "buy", "quantity": "1",
                     "type": "limit", "price": "100.00", "duration": "day"})  # fmt: skip
    balances = body(client.get(f"/accounts/{ACCOUNT}/balances"))["balances"]
    assert balances["stock_long_value"] > 0
    assert balances["long_market_value"] == balances["stock_long_value"]
    assert balances["pending_orders_count"] == 1


def test_positions_are_null_then_one_object_then_a_list(client: Client) -> None:
    documented = load_documented("GET_v1_accounts_ID_positions.json")["positions"]["position"][0]
    assert body(client.get(f"/accounts/{ACCOUNT}/positions")) == {"positions": "null"}
    _buy(client)
    one = body(client.get(f"/accounts/{ACCOUNT}/positions"))["positions"]["position"]
    assert isinstance(one, dict)
    assert set(one) == set(documented)
    assert one["symbol"] == "AAPL"
    assert one["quantity"] == Decimal("10.00000000")
    assert str(one["quantity"]) == "10.00000000"  # spelled as the docs spell quantities
    _buy(client, "MSFT", "2")
    many = body(client.get(f"/accounts/{ACCOUNT}/positions"))["positions"]["position"]
    assert [p["symbol"] for p in many] == ["AAPL", "MSFT"]


def test_history_lists_trades_newest_first(client: Client, engine: Engine) -> None:
    assert body(client.get(f"/accounts/{ACCOUNT}/history")) == {"history": "null"}
    _buy(client)
    engine.advance(timedelta(days=1))
    _buy(client, "MSFT", "1")
    events = body(client.get(f"/accounts/{ACCOUNT}/history"))["history"]["event"]
    assert [e["trade"]["symbol"] for e in events] == ["MSFT", "AAPL"]
    first = events[1]
    assert set(first) == {"amount", "date", "type", "trade"}
    assert set(first["trade"]) == {"commission", "description", "price", "quantity", "symbol",
                                   "trade_type"}  # fmt: skip
    assert first["amount"] == -first["trade"]["price"] * 10
    assert first["date"].endswith("T00:00:00Z")
    only_msft = body(client.get(f"/accounts/{ACCOUNT}/history", params={"symbol": "MSFT"}))
    assert only_msft["history"]["event"]["trade"]["symbol"] == "MSFT"
    assert body(client.get(f"/accounts/{ACCOUNT}/history", params={"type": "dividend"})) == {
        "history": "null"
    }


def test_gainloss_pairs_the_opening_and_closing_trades(client: Client, engine: Engine) -> None:
    documented = load_documented("GET_v1_accounts_ID_gainloss.json")["gainloss"]
    assert body(client.get(f"/accounts/{ACCOUNT}/gainloss")) == {"gainloss": "null"}
    _buy(client)
    engine.advance(timedelta(days=2))  # Wednesday (Thursday 9 January 2025 was a holiday)
    sold = place(client, **{"class": "equity", "symbol": "AAPL", "side": "sell",
                            "quantity": "10", "type": "market", "duration": "day"})  # fmt: skip
    assert sold["order"]["status"] == "ok"
    closed = body(client.get(f"/accounts/{ACCOUNT}/gainloss"))["gainloss"]["closed_position"]
    assert isinstance(closed, dict)
    assert set(closed) == set(documented["closed_position"][0])
    assert closed["symbol"] == "AAPL"
    assert closed["quantity"] == 10
    assert closed["term"] == 2
    assert closed["gain_loss"] == closed["proceeds"] - closed["cost"]


def test_an_unknown_account_is_unauthorized(client: Client) -> None:
    answer = client.get("/accounts/NOPE1234/balances")
    assert answer.status_code == 401
    assert answer.text == "Unauthorized Account"


def test_documented_examples_load(documented: Callable[[str], Any]) -> None:
    # The jsonc loader must turn every published example with elisions into data.
    for name in ("GET_v1_markets_options_chains.greeks.jsonc", "GET_v1_markets_calendar.jsonc",
                 "GET_v1_markets_history.daily.jsonc", "GET_v1_markets_timesales.1min.jsonc"):  # fmt: skip
        assert documented(name)
