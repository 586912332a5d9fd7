"""Static cases: every documented tastytrade example, run through the adapter's parse code.

Each ``cases/*.json`` names its ``source`` (a file under ``refs/tastytrade/examples/``) and holds
the documented payload or request body as it is in refs, except where the file's ``note`` says
otherwise (OCC padding restored where the HTML docs collapsed it; doc comments and trailing
commas removed from ``.jsonc`` files; documented doc bugs called out). Kinds:

- ``order_body``: a NewOrder / OrderGroup / notional / replace built from ``input`` must give
  exactly the documented JSON body (numbers compared by value: the docs write ``0.85`` and
  ``"1.09"`` alike, and tastytrade accepts both);
- ``parse``: a documented payload must give exactly the ``expected`` models (as the core
  converter writes them, ``raw`` left out);
- ``error``: a documented error answer must map onto the expected error class and code;
- ``message``: a websocket message our clients send must be exactly the documented one.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from brokerlink_tastytrade import dxlink, market_stream, parse, parse_market, parse_orders, streamer
from brokerlink_tastytrade.errors import error_from_tastytrade
from brokerlink_tastytrade.symbology import instrument_from_tastytrade
from brokerlink_tastytrade.wire import WireOrder, tastytrade_converter

import brokerlink as bl
from brokerlink import _http
from brokerlink.adapter import OrderChanges
from brokerlink.instruments import instrument
from brokerlink.wire import make_converter

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))
NUMERIC_KEYS = {"price", "quantity", "value", "stop-trigger"}


def load(path: Path) -> dict[str, Any]:
    """One case file."""
    case: dict[str, Any] = json.loads(path.read_text())
    return case


def new_order(spec: dict[str, Any]) -> bl.NewOrder:
    """A NewOrder from a case's JSON description."""
    legs = [
        bl.Leg(
            instrument=leg["symbol"],
            side=leg["side"],
            quantity=leg["quantity"],
            effect=leg.get("effect", "auto"),
        )
        for leg in spec["legs"]
    ]
    expires = spec.get("expires_at")
    return bl.NewOrder(
        legs=legs,
        type=spec["type"],
        time_in_force=spec.get("time_in_force", "day"),
        limit_price=spec.get("limit_price"),
        stop_price=spec.get("stop_price"),
        expires_at=None if expires is None else datetime.fromisoformat(expires),
        client_id=spec["client_id"],
    )


def group(spec: dict[str, Any]) -> bl.OrderGroup:
    """An OrderGroup from a case's JSON description."""
    orders = [new_order(o) for o in spec["orders"]]
    if spec["kind"] == "bracket":
        return bl.OrderGroup(kind=bl.GroupKind.BRACKET, orders=tuple(orders))
    return bl.OrderGroup(kind=bl.GroupKind(spec["kind"]), orders=tuple(orders))


def build_body(case: dict[str, Any]) -> Any:
    """The request body the adapter writes for the case's input."""
    given = case["input"]
    if "order" in given:
        return parse_orders.order_to_tastytrade(new_order(given["order"]))
    if "group" in given:
        return parse_orders.group_to_tastytrade(group(given["group"]))
    if "notional" in given:
        n = given["notional"]
        return parse_orders.notional_to_tastytrade(
            instrument(n["symbol"]),
            bl.Side(n["side"]),
            Decimal(n["amount"]),
            effect=bl.PositionEffect(n["effect"]),
            time_in_force=bl.TimeInForce(n["time_in_force"]),
            client_id=n["client_id"],
        )
    current = tastytrade_converter().structure(given["replace"]["current"], WireOrder)
    changes = {k: Decimal(v) for k, v in given["replace"]["changes"].items()}
    return parse_orders.changes_to_tastytrade(current, OrderChanges(**changes))


def run_parse(case: dict[str, Any]) -> Any:
    """The models the adapter makes of the case's payload, as the core converter writes them."""
    conv = tastytrade_converter()
    payload = case["payload"]
    today = date.fromisoformat(case.get("today", "2025-01-02"))
    # The case's clock: what an order the broker did not stamp is stamped with.
    now = datetime.combine(today, time(14, 30), UTC)
    parser = case["parser"]
    if parser == "accounts":
        found: Any = parse.accounts_from_tastytrade(conv, payload)
    elif parser == "balance":
        found = parse.balance_from_tastytrade(conv, parse.data_of(payload))
    elif parser == "snapshots":
        found = parse.snapshots_from_tastytrade(conv, payload)
    elif parser == "positions":
        found = parse.positions_from_tastytrade(conv, payload, today=today)
    elif parser == "transactions":
        found = parse.transactions_from_tastytrade(conv, payload, today=today)
    elif parser == "orders":
        found = [
            parse_orders.order_from_tastytrade(conv, raw, today=today, now=now)
            for raw in parse.items_of(payload)
        ]
    elif parser == "order":
        found = parse_orders.order_from_tastytrade(
            conv, parse.data_of(payload), today=today, now=now
        )
    elif parser == "placed":
        found = parse_orders.orders_from_placed(conv, parse.data_of(payload), today=today, now=now)
    elif parser == "preview":
        preview = parse_orders.preview_from_tastytrade(
            conv, parse.data_of(payload), new_order(case["order"])
        )
        found = {k: v for k, v in make_converter().unstructure(preview).items() if k != "order"}
    elif parser == "quotes":
        found = parse_market.quotes_from_tastytrade(conv, payload, today=today)
    elif parser == "chain":
        found = parse_market.chain_from_tastytrade(
            payload, instrument(case["underlying"]), expiration=None, today=today
        )
    elif parser == "futures_chain":
        found = parse_market.futures_chain_from_tastytrade(
            payload, instrument(case["underlying"]), expiration=None, today=today
        )
    elif parser == "instrument":
        detailed = parse_market.details_from_tastytrade(payload, instrument(case["symbol"]))
        found = {
            "symbol": str(detailed),
            "details": detailed.details,
            "streamer_symbol": payload["data"].get("streamer-symbol"),
        }
    elif parser == "symbols":
        found = [
            {
                "symbol": str(
                    instrument_from_tastytrade(
                        raw["symbol"], raw.get("instrument-type"), reference=today
                    )
                ),
                "streamer_symbol": raw.get("streamer-symbol"),
            }
            for raw in parse.items_of(payload)
        ]
    elif parser == "notification":
        found = streamer.event_from_frame(conv, payload, today=today)
    elif parser == "feed_data":
        fields = {k: tuple(v) for k, v in case["fields"].items()}
        found = dxlink.decode_feed_data(payload["data"], fields)
    elif parser == "candles":
        frame = bl.Timeframe.parse(case["timeframe"])
        snapshot = market_stream.CandleSnapshot(frame)
        for event in dxlink.decode_feed_data(payload["data"], {"Candle": tuple(case["fields"])}):
            snapshot.add(event)
        found = {"done": snapshot.done, "bars": snapshot.result(None, None, None)}
    else:
        raise AssertionError(f"unknown parser {parser}")
    return json.loads(json.dumps(make_converter().unstructure(found), default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def numbers_by_value(value: Any, key: str | None = None) -> Any:
    """Numeric body fields as Decimals, so ``0.85`` and ``"0.85"`` compare equal."""
    if isinstance(value, dict):
        return {k: numbers_by_value(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [numbers_by_value(v, key) for v in value]
    if key in NUMERIC_KEYS and isinstance(value, str | int | float | Decimal):
        return Decimal(str(value))
    return value


def build_message(given: dict[str, Any]) -> Any:
    """The websocket message a client builder writes for the case's input."""
    builder = given["builder"]
    if builder == "connect":
        text = streamer.connect_message(given["accounts"], given["auth_token"], given["id"])
    elif builder == "heartbeat":
        text = streamer.heartbeat_message(given["auth_token"], given["id"])
    elif builder == "setup":
        text = dxlink.setup_message()
    elif builder == "auth":
        text = dxlink.auth_message(given["token"])
    elif builder == "keepalive":
        text = dxlink.keepalive_message()
    elif builder == "channel_request":
        text = dxlink.channel_request_message(given["channel"], given["contract"])
    elif builder == "feed_setup":
        text = dxlink.feed_setup_message(given["channel"], given["fields"])
    else:
        subscriptions = {
            key: [
                dxlink.Subscription(type=s["type"], symbol=s["symbol"], from_time=s.get("fromTime"))
                for s in given.get(key, [])
            ]
            for key in ("add", "remove")
        }
        text = dxlink.subscription_message(
            given["channel"], reset=given.get("reset", False), **subscriptions
        )
    return json.loads(text)


def run_error(case: dict[str, Any]) -> dict[str, Any]:
    """The brokerlink error the adapter's table makes of the documented error answer."""
    request = _http.Request("POST", "https://api.tastyworks.com" + case.get("path", "/"))
    response = _http.Response(case["status"], json=case["payload"], request=request)
    error = error_from_tastytrade(response)
    assert error is not None
    return {"class": type(error).__name__, "code": error.code}


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_documented_case(path: Path) -> None:
    case = load(path)
    assert case["source"].startswith(("examples/docs/", "examples/lean/", "examples/streaming/"))
    if case["kind"] == "order_body":
        body = json.loads(json.dumps(build_body(case)))
        assert numbers_by_value(body) == numbers_by_value(case["expected"])
    elif case["kind"] == "parse":
        assert run_parse(case) == case["expected"]
    elif case["kind"] == "error":
        assert run_error(case) == case["expected"]
    elif case["kind"] == "message":
        assert build_message(case["input"]) == case["expected"]
    else:
        raise AssertionError(f"unknown case kind {case['kind']}")


def test_there_is_a_case_for_every_kind() -> None:
    kinds = {load(p)["kind"] for p in CASES}
    assert kinds == {"order_body", "parse", "error", "message"}
