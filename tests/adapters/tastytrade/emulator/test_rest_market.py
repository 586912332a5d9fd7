"""Instruments, option chains, REST quotes and the DxLink quote token in their documented shapes."""

from __future__ import annotations

from brokerlink._http import Client

from .conftest import data, error, fixture


def test_equities(client: Client) -> None:
    spy = data(client.get("/instruments/equities/SPY"))
    assert set(spy) == set(fixture("docs_GET_instruments_equities_SPY.response.json")["data"])
    assert (spy["symbol"], spy["streamer-symbol"], spy["is-etf"]) == ("SPY", "SPY", True)
    items = data(client.get("/instruments/equities", params={"symbol[]": ["AAPL", "SPX"]}))["items"]
    assert [(i["symbol"], i["is-index"]) for i in items] == [("AAPL", False), ("SPX", True)]
    brk = data(client.get("/instruments/equities/BRK%2FB"))
    assert brk["symbol"] == "BRK/B"
    active = client.get("/instruments/equities/active", params={"per-page": 10}).json()
    assert active["pagination"]["per-page"] == 10
    assert len(active["data"]["items"]) == 10
    assert error(client.get("/instruments/equities/NOPE"), 404)["code"] == "invalid_symbol"
    future_option = "/instruments/future-options/" + "./ESZ9 EW4U9 190927P2975".replace(" ", "%20")
    assert error(client.get(future_option), 404)["code"] == "invalid_symbol"  # long expired


def test_equity_options_by_padded_symbol(client: Client) -> None:
    strike = data(client.get("/option-chains/SPY/nested"))["items"][0]["expirations"][0]["strikes"][
        0
    ]
    symbol = strike["call"]
    option = data(client.get("/instruments/equity-options/" + symbol.replace(" ", "%20")))
    documented = fixture("docs_GET_instruments_equity-options_SYMBOL.response.json")["data"]
    assert set(option) == set(documented)
    assert option["symbol"] == symbol
    assert option["streamer-symbol"] == strike["call-streamer-symbol"]
    assert option["streamer-symbol"].startswith(".SPY")


def test_nested_and_compact_chains(client: Client) -> None:
    nested = client.get("/option-chains/AAPL/nested").json()
    item = nested["data"]["items"][0]
    documented = fixture("docs_GET_option-chains_SPY_nested.response.json")["data"]["items"][0]
    assert set(item) == set(documented)
    expiration = item["expirations"][0]
    assert set(expiration) == set(documented["expirations"][0])
    assert set(expiration["strikes"][0]) == set(documented["expirations"][0]["strikes"][0])
    compact = data(client.get("/option-chains/AAPL/compact"))["items"][0]
    assert set(fixture("docs_GET_option-chains_SPY_compact.response.json")["data"]["items"][0]) - {
        "deliverables"
    } <= set(compact)
    assert expiration["strikes"][0]["call"] in compact["symbols"]


def test_futures_and_products(client: Client) -> None:
    items = data(client.get("/instruments/futures", params={"product-code[]": "ES"}))["items"]
    documented = fixture("docs_GET_instruments_futures_ESU3.response.json")["data"]
    first = items[0]
    assert set(first) >= set(documented) - {
        "future-etf-equivalent",
        "spread-tick-sizes",
        "option-tick-sizes",
        "back-month-first-calendar-symbol",
    }
    assert first["symbol"] == "/ESH5"
    assert first["streamer-symbol"] == "/ESH25:XCME"
    one = data(client.get("/instruments/futures/%2FESH5"))
    assert one["symbol"] == "/ESH5"
    assert one["active-month"] is True
    assert data(client.get("/instruments/futures/ESH5"))["symbol"] == "/ESH5"
    product = data(client.get("/instruments/future-products/CME/ES"))
    assert product["root-symbol"] == "/ES"
    assert product["streamer-exchange-code"] == "XCME"
    nested = data(client.get("/futures-option-chains/ES/nested"))
    assert set(nested) == {"futures", "option-chains"}
    assert nested["futures"][0]["symbol"] == "/ESH5"
    assert nested["option-chains"][0]["underlying-symbol"] == "/ES"  # see test_future_options


def test_cryptocurrencies(client: Client) -> None:
    btc = data(client.get("/instruments/cryptocurrencies/BTC%2FUSD"))
    assert set(btc) == set(
        fixture("docs_GET_instruments_cryptocurrencies_BTC-USD.response.json")["data"]
    )
    assert btc["streamer-symbol"] == "BTC/USD:CXTALP"
    listed = data(client.get("/instruments/cryptocurrencies"))["items"]
    assert [c["symbol"] for c in listed] == ["BTC/USD", "ETH/USD"]


def test_market_data_by_type(client: Client) -> None:
    body = client.get(
        "/market-data/by-type", params={"equity": "AAPL,SPY", "cryptocurrency": "BTC/USD"}
    ).json()
    assert body["pagination"] is None
    items = body["data"]["items"]
    assert [i["symbol"] for i in items] == ["AAPL", "SPY", "BTC/USD"]
    documented = fixture("docs_GET_market-data_by-type.response.json")["data"]["items"][0]
    common = {
        "symbol",
        "instrument-type",
        "updated-at",
        "bid",
        "ask",
        "mid",
        "mark",
        "last",
        "bid-size",
        "ask-size",
        "prev-close",
    }
    assert common <= set(documented)
    for item in items:
        assert common <= set(item)
        assert float(item["bid"]) <= float(item["ask"])
        assert item["updated-at"].endswith("Z")
    too_many = ",".join(["AAPL"] * 101)
    assert client.get("/market-data/by-type", params={"equity": too_many}).status_code == 400


def test_quote_token_points_at_the_emulators_dxlink(client: Client) -> None:
    body = client.get("/api-quote-tokens").json()
    documented = fixture("streaming_GET_api-quote-tokens.response.json")
    assert set(body) == set(documented)
    # The documented example plus the OpenAPI schema's issued-at / expires-at (NOTES §DxLink).
    assert set(body["data"]) == set(documented["data"]) | {"issued-at", "expires-at"}
    assert body["data"]["issued-at"] == "2025-01-06T14:30:00.000+00:00"
    assert body["data"]["expires-at"] == "2025-01-07T14:30:00.000+00:00"
    assert body["data"]["dxlink-url"] == "ws://tastytrade.emulator/dxlink"
    assert body["data"]["level"] == "api"
    assert client.get("/api-quote-tokens").json()["data"]["token"] != body["data"]["token"]
