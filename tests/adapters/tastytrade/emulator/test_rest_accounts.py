"""Customer and account endpoints answer the documented shapes; requests are checked as
tastytrade checks them (Bearer token, User-Agent, Accept-Version)."""

from __future__ import annotations

from datetime import timedelta

from brokerlink._http import Client
from brokerlink.emulator import Engine

from .conftest import ACCOUNT, BASE, CASH_ACCOUNT, HEADERS, data, error, fixture


def _buy(client: Client, symbol: str = "AAPL", quantity: int = 10) -> dict:
    body = fixture("docs_POST_accounts_N_orders.request.aapl-market.json")
    body["legs"][0].update(symbol=symbol, quantity=quantity)
    return data(client.post(f"/accounts/{ACCOUNT}/orders", json=body), 201)["order"]


def test_customer_and_accounts(client: Client) -> None:
    me = data(client.get("/customers/me"))
    assert me["id"] == "me"
    items = data(client.get("/customers/me/accounts"))["items"]
    documented = fixture("docs_GET_customers_me_accounts.response.json")["data"]["items"][0]
    assert [set(i) for i in items] == [set(documented)] * 2
    assert set(items[0]["account"]) >= set(documented["account"]) - {
        "funding-date",
        "investment-objective",
        "futures-account-purpose",
    }
    assert [(i["account"]["account-number"], i["account"]["margin-or-cash"]) for i in items] == [
        (ACCOUNT, "Margin"),
        (CASH_ACCOUNT, "Cash"),
    ]
    one = client.get(f"/customers/me/accounts/{ACCOUNT}").json()
    assert one["data"]["account-number"] == ACCOUNT
    assert one["context"] == f"/customers/me/accounts/{ACCOUNT}"


def test_balances_carry_every_documented_field_as_decimal_strings(client: Client) -> None:
    balance = data(client.get(f"/accounts/{ACCOUNT}/balances"))
    for name in (
        "docs_GET_accounts_N_balances.response.json",
        "lean_GET_accounts_N_balances.response.sandbox.json",
    ):
        assert set(fixture(name)["data"]) <= set(balance)
    assert balance["cash-balance"] == "100000.0"
    assert balance["net-liquidating-value"] == "100000.0"
    assert balance["pending-cash-effect"] == "None"
    assert balance["updated-at"].endswith("+00:00")


def test_positions_after_a_fill(client: Client) -> None:
    assert data(client.get(f"/accounts/{ACCOUNT}/positions"))["items"] == []
    order = _buy(client)
    fill = order["legs"][0]["fills"][0]
    positions = data(client.get(f"/accounts/{ACCOUNT}/positions"))["items"]
    documented = fixture("docs_GET_accounts_N_positions.response.json")["data"]["items"][0]
    assert len(positions) == 1
    assert set(positions[0]) == set(documented)
    assert positions[0]["symbol"] == "AAPL"
    assert positions[0]["quantity"] == 10
    assert positions[0]["quantity-direction"] == "Long"
    assert positions[0]["average-open-price"] == fill["fill-price"]
    assert positions[0]["multiplier"] == 1


def test_transactions_one_trade_per_execution(client: Client) -> None:
    order = _buy(client, quantity=3)
    page = client.get(f"/accounts/{ACCOUNT}/transactions").json()
    assert set(page["pagination"]) == set(
        fixture("docs_GET_accounts_N_transactions.response.json")["pagination"]
    )
    (row,) = page["data"]["items"]
    assert row["transaction-type"] == "Trade"
    assert row["action"] == "Buy to Open"
    assert row["order-id"] == order["id"]
    assert row["quantity"] == "3.0"
    assert row["value-effect"] == "Debit"
    one = data(client.get(f"/accounts/{ACCOUNT}/transactions/{row['id']}"))
    assert one == row
    fees = data(client.get(f"/accounts/{ACCOUNT}/transactions/total-fees"))
    assert fees == {"total-fees": "0.0", "total-fees-effect": "None"}


def test_balance_snapshots_are_paginated(client: Client) -> None:
    page = client.get(
        f"/accounts/{ACCOUNT}/balance-snapshots", params={"time-of-day": "BOD"}
    ).json()
    assert page["pagination"]["total-items"] == 1
    assert page["data"]["items"][0]["time-of-day"] == "BOD"


def test_requests_without_a_bearer_token_are_401(client: Client) -> None:
    response = client.get("/customers/me", headers={"Authorization": ""})
    assert error(response, 401)["code"] == "unauthorized"
    response = client.get(
        "/customers/me", headers={"Authorization": "session-token-without-scheme"}
    )
    assert response.status_code == 401


def test_a_missing_user_agent_is_401(engine: Engine, front: object) -> None:
    from brokerlink.emulator.http import EmulatorTransport

    headers = {"Authorization": "Bearer t"}
    with Client(transport=EmulatorTransport(front, engine), base_url=BASE, headers=headers) as raw:  # type: ignore[arg-type]
        response = raw.get("/customers/me", headers={"User-Agent": ""})
    assert response.status_code == 401


def test_an_unsupported_version_is_the_documented_406(client: Client) -> None:
    for version in ("20200101", "latest"):
        response = client.get("/customers/me", headers={"Accept-Version": version})
        assert response.status_code == 406
        assert response.json() == fixture("docs_error.406.version-not-supported.json")
    assert client.get("/customers/me", headers={"Accept-Version": "20300101"}).status_code == 200


def test_someone_elses_account_is_not_permitted(client: Client) -> None:
    for path in (
        "/accounts/5WT00001/balances",
        "/accounts/5WT00001/positions",
        "/customers/me/accounts/5WT00001",
    ):
        body = error(client.get(path), 403)
        assert body == {"code": "not_permitted", "message": "User not permitted access"}


def test_unknown_paths_answer_the_error_envelope(client: Client) -> None:
    body = error(client.get("/no/such/thing"), 404)
    assert set(body) == {"code", "message"}


def test_daily_reset_option_wipes_orders_and_positions(engine: Engine) -> None:
    from brokerlink_tastytrade.emulator import SandboxOptions, emulator_front

    from brokerlink.emulator.http import EmulatorTransport

    front = emulator_front(engine, SandboxOptions(daily_reset=True))
    with Client(transport=EmulatorTransport(front, engine), base_url=BASE, headers=HEADERS) as c:
        _buy(c)
        assert len(data(c.get(f"/accounts/{ACCOUNT}/positions"))["items"]) == 1
        engine.advance(timedelta(hours=16))  # 01:30 the next day in New York
        assert data(c.get(f"/accounts/{ACCOUNT}/positions"))["items"] == []
        assert data(c.get(f"/accounts/{ACCOUNT}/transactions"))["items"] == []
        assert data(c.get(f"/accounts/{ACCOUNT}/orders/live"))["items"] == []
        assert data(c.get(f"/accounts/{ACCOUNT}/balances"))["cash-balance"] == "100000.0"
