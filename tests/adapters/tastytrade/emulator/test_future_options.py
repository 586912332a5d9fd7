"""Options on futures at the emulator: chains, instruments, products and REST quotes in the
documented shapes (fixtures ``docs_GET_futures-option-chains_ES*``,
``docs_GET_instruments_future-option*``), and orders on them filled by the engine."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import quote

from brokerlink._http import Client

from .conftest import ACCOUNT, data, error, fixture


def _path(symbol: str) -> str:
    return "/instruments/future-options/" + quote(symbol, safe="")


def _nested(client: Client) -> dict[str, Any]:
    body: dict[str, Any] = data(client.get("/futures-option-chains/ES/nested"))
    return body


def test_nested_chain_has_the_documented_shape(client: Client) -> None:
    nested = _nested(client)
    documented = fixture("docs_GET_futures-option-chains_ES_nested.response.json")["data"]
    assert set(nested) == set(documented) == {"futures", "option-chains"}
    assert set(nested["futures"][0]) == set(documented["futures"][0])
    chain = nested["option-chains"][0]
    assert set(chain) == set(documented["option-chains"][0])
    doc_expiration = documented["option-chains"][0]["expirations"][0]
    for expiration in chain["expirations"]:
        assert set(expiration) == set(doc_expiration)
        assert set(expiration["strikes"][0]) == set(doc_expiration["strikes"][0])
        assert expiration["tick-sizes"] == doc_expiration["tick-sizes"]
    # The front contract has weeklies (EW<week>) and each contract its quarterly (root ES).
    roots = [(e["underlying-symbol"], e["option-root-symbol"]) for e in chain["expirations"]]
    assert ("/ESH5", "ES") in roots
    assert ("/ESM5", "ES") in roots
    assert {r for u, r in roots if u == "/ESH5"} >= {"EW2", "EW3", "ES"}
    weekly = chain["expirations"][0]
    assert weekly["expiration-date"] == "2025-01-10"  # the first Friday after 2025-01-06
    strike = weekly["strikes"][0]
    price = strike["strike-price"].removesuffix(".0")
    assert strike["call"] == f"./ESH5 EW2F5 250110C{price}"
    assert strike["put"] == f"./ESH5 EW2F5 250110P{price}"
    assert strike["call-streamer-symbol"] == f"./EW2F25C{price}:XCME"


def test_every_listed_contract_has_its_instrument(client: Client) -> None:
    documented = fixture("docs_GET_instruments_future-options_SYMBOL.response.json")["data"]
    weekly = _nested(client)["option-chains"][0]["expirations"][0]
    for strike in weekly["strikes"][:3]:
        for side in ("call", "put"):
            found = data(client.get(_path(strike[side])))
            # The documented instrument leaves out streamer-symbol; the chain's items have it.
            assert set(found) == set(documented) | {"streamer-symbol"}
            assert set(found["future-option-product"]) == set(documented["future-option-product"])
            assert found["symbol"] == strike[side]
            assert found["streamer-symbol"] == strike[f"{side}-streamer-symbol"]
            assert found["notional-value"] == "0.5"  # ES: 50 a point, as documented
            assert found["option-type"] == side[0].upper()
    off_grid = weekly["strikes"][0]["call"].replace("C", "C1", 1) + "1"
    assert error(client.get(_path(off_grid)), 404)["code"] == "invalid_symbol"
    no_such_day = weekly["strikes"][0]["call"].replace("250110", "250111")
    assert error(client.get(_path(no_such_day)), 404)["code"] == "invalid_symbol"


def test_full_chain_and_products(client: Client) -> None:
    items = data(client.get("/futures-option-chains/ES"))["items"]
    documented = fixture("docs_GET_futures-option-chains_ES.response.json")["data"]["items"][0]
    assert {frozenset(i) for i in items} == {frozenset(documented)}
    nested = _nested(client)["option-chains"][0]["expirations"]
    listed = {s[side] for e in nested for s in e["strikes"] for side in ("call", "put")}
    assert {i["symbol"] for i in items} == listed
    products = data(client.get("/instruments/future-option-products"))["items"]
    doc_product = fixture("docs_GET_instruments_future-option-products.response.json")["data"][
        "items"
    ][0]
    es = [p for p in products if p["future-product"]["root-symbol"] == "/ES"]
    assert {p["root-symbol"] for p in es} >= {"ES", "EW2"}
    assert all(set(p) == set(doc_product) for p in products)
    assert error(client.get("/futures-option-chains/NOPE"), 404)["code"] == "invalid_symbol"


def test_rest_quotes_price_calls_down_and_puts_up_the_strikes(client: Client) -> None:
    strikes = _nested(client)["option-chains"][0]["expirations"][0]["strikes"]
    symbols = [s["call"] for s in strikes] + [s["put"] for s in strikes]
    body = client.get("/market-data/by-type", params={"future-option": ",".join(symbols)}).json()
    items = body["data"]["items"]
    assert [i["symbol"] for i in items] == symbols
    for item in items:
        assert item["instrument-type"] == "Future Option"
        bid, ask = Decimal(item["bid"]), Decimal(item["ask"])
        assert bid < ask
        # ES options trade on the root's 0.25 grid (the engine's option tick for /ES).
        assert bid % Decimal("0.25") == 0
        assert ask % Decimal("0.25") == 0
        assert Decimal(item["mid"]) == (bid + ask) / 2
        assert isinstance(item["bid-size"], str)
    calls = [Decimal(i["mid"]) for i in items[: len(strikes)]]
    puts = [Decimal(i["mid"]) for i in items[len(strikes) :]]
    assert calls == sorted(calls, reverse=True)
    assert calls[0] > calls[-1]
    assert puts == sorted(puts)
    assert puts[0] < puts[-1]


def test_orders_on_future_options_fill_at_the_engine_price(client: Client) -> None:
    symbol = _nested(client)["option-chains"][0]["expirations"][0]["strikes"][8]["call"]
    quote = client.get("/market-data/by-type", params={"future-option": symbol}).json()
    ask = Decimal(quote["data"]["items"][0]["ask"])
    body = {
        "time-in-force": "Day",
        "order-type": "Market",
        "legs": [
            {
                "instrument-type": "Future Option",
                "symbol": symbol,
                "quantity": 1,
                "action": "Buy to Open",
            }
        ],
    }
    placed = data(client.post(f"/accounts/{ACCOUNT}/orders", json=body), 201)["order"]
    assert placed["status"] == "Filled"
    assert placed["underlying-symbol"] == "/ESH5"
    fill = placed["legs"][0]["fills"][0]
    assert Decimal(fill["fill-price"]) == ask  # a market buy lifts the offer
    positions = data(client.get(f"/accounts/{ACCOUNT}/positions"))["items"]
    held = [p for p in positions if p["symbol"] == symbol]
    assert len(held) == 1
    assert held[0]["instrument-type"] == "Future Option"
    assert held[0]["multiplier"] == 50
    assert held[0]["quantity-direction"] == "Long"
