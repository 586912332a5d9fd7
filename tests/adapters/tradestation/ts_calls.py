"""Run one named call of the TradeStation adapter against scripted replies (static cases).

``run_call(call, args, replies)`` returns the requests the call sent (method, URL, JSON body)
and its result as plain JSON (an error as ``{"error": class, "message": text}``). The call names
are the adapter's operations and the ``tradestation`` extension's.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from brokerlink_tradestation import placing
from brokerlink_tradestation.requests import order_to_ts
from tskit import Script, adapter, drive, extension, json_reply, order_from, plain

from brokerlink import errors
from brokerlink.adapter import OrderChanges
from brokerlink.instruments import instrument
from brokerlink.runtime.operation import Operation
from brokerlink.timeframes import Timeframe
from brokerlink.timeutil import utcnow

ACCOUNT = "123456782"


def _operation(call: str, args: dict[str, Any]) -> Operation[Any]:
    ts = adapter()
    ext = extension(ts)
    conv = ts.converter
    simple = {
        "accounts": ts.accounts,
        "crypto_pairs": ext.crypto_pairs,
        "option_spread_types": ext.option_spread_types,
        "routes": ext.routes,
        "activation_triggers": ext.activation_triggers,
    }
    if call in simple:
        return simple[call]()
    if call == "balances":
        return ts.balances(args["account"])
    if call == "bod_balances":
        return ext.bod_balances(args["accounts"])
    if call == "positions":
        return ts.positions(args["account"])
    if call == "positions_matching":
        return ext.positions_matching(args["symbols"], args["account"])
    if call == "orders":
        return ts.orders(args["account"], status=args["status"], since=None)
    if call == "history":
        return ts.orders(
            args["account"], status="all", since=utcnow() - timedelta(days=args["days"])
        )
    if call == "orders_by_id":
        return ext.orders_by_id(args["ids"], args["account"])
    if call == "order":
        return ts.order(args["account"], args["order_id"])
    if call == "quotes":
        return ts.quotes([instrument(s) for s in args["symbols"]])
    if call == "bars":
        return ts.bars(
            instrument(args["symbol"]),
            Timeframe.parse(args["timeframe"]),
            start=None,
            end=None,
            limit=args["limit"],
        )
    if call == "symbol_details":
        return ext.symbol_details(args["symbols"])
    if call == "instrument":
        return ts.instrument(instrument(args["symbol"]))
    if call == "option_expirations":
        return ext.option_expirations(args["underlying"])
    if call == "option_strikes":
        return ext.option_strikes(args["underlying"], spread_type=args["spread_type"])
    if call == "option_risk_reward":
        return ext.option_risk_reward(
            Decimal(args["spread_price"]), [(s, q) for s, q in args["legs"]]
        )
    if call == "preview":
        return ts.preview(ACCOUNT, order_from(args["order"]))
    if call == "place_request":
        order = order_from(args["order"])
        return placing.place_request(
            conv, "/orderexecution/orders", order_to_ts(order, ACCOUNT), order.client_id
        )
    if call == "replace":
        changes = OrderChanges(**{k: Decimal(v) for k, v in args["changes"].items()})
        return ts.replace(ACCOUNT, args["order_id"], changes)
    if call == "cancel":
        return ts.cancel(ACCOUNT, args["order_id"])
    raise AssertionError(f"no call {call!r}")


def _masked(item: dict[str, Any]) -> dict[str, Any]:
    # "since" depends on today's date: the cases record its shape, not its value.
    url: str = item["url"]
    if "since=" in url:
        head, _, tail = url.partition("since=")
        item["url"] = head + "since=<date>" + tail[10:]
    return item


def run_call(
    call: str, args: dict[str, Any], replies: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], Any]:
    """The requests ``call`` sent and its result, both as plain JSON."""
    script = Script([json_reply(r["status"], r["json"]) for r in replies])
    try:
        found = drive(_operation(call, args), script)
        result = plain(found)
        if call == "instrument":  # an instrument writes as its symbol: show its details too
            result = {"instrument": result, "details": plain(found.details)}
    except errors.BrokerError as exc:
        result = plain(exc)
    return [_masked(r) for r in script.described()], result
