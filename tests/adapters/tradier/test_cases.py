"""The static cases in ``cases/``: documented payloads -> exact models, calls -> exact requests,
every list endpoint in every shape, and the error table. Each case names its ``source`` in refs.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import orjson
import pytest
from brokerlink_tradier import parse, parse_extras, parse_market, quirks, streams, wire
from brokerlink_tradier.errors import error_from_tradier
from tradier_support import ACCOUNT, Broker, all_cases, dump, load_case

import brokerlink as bl
from brokerlink import _http, errors
from brokerlink.instruments import instrument

CONVERTER = wire.tradier_converter()


def new_order(spec: dict[str, Any]) -> bl.NewOrder:
    """A NewOrder from a case's order spec."""
    legs = [
        bl.Leg(instrument=symbol, side=side, quantity=quantity, effect=effect)
        for symbol, side, quantity, effect in spec["legs"]
    ]
    return bl.NewOrder(
        legs=legs,
        type=spec["type"],
        time_in_force=spec.get("time_in_force", "day"),
        limit_price=spec.get("limit_price"),
        stop_price=spec.get("stop_price"),
        client_id=spec.get("client_id"),
    )


def run_parse(kind: str, payload: dict[str, Any], args: dict[str, Any]) -> Any:
    """The parse function a case names, applied to ``payload``."""
    table = {
        "accounts": lambda: parse.accounts_from_tradier(payload),
        "balance": lambda: parse.balance_from_tradier(payload, ACCOUNT),
        "positions": lambda: parse.positions_from_tradier(payload, ACCOUNT),
        "orders": lambda: parse.orders_from_tradier(payload, ACCOUNT),
        "order_id": lambda: parse.order_id_from_tradier(payload),
        "preview": lambda: parse.preview_from_tradier(payload, new_order(args["order"])),
        "quotes": lambda: parse_market.quotes_from_tradier(payload),
        "daily_bars": lambda: parse_market.daily_bars_from_tradier(payload),
        "timesales": lambda: parse_market.timesales_from_tradier(payload),
        "chain": lambda: parse_market.chain_from_tradier(payload, instrument(args["underlying"])),
        "chain_lookup": lambda: parse_market.chain_from_tradier_lookup(
            payload, instrument(args["underlying"])
        ),
        "history": lambda: parse_extras.history_from_tradier(payload),
        "gainloss": lambda: parse_extras.gainloss_from_tradier(CONVERTER, payload),
        "securities": lambda: parse_extras.securities_from_tradier(payload),
        "clock": lambda: parse_extras.clock_from_tradier(payload),
        "calendar": lambda: parse_extras.calendar_from_tradier(payload),
        "calendar_days": lambda: parse_extras.calendar_from_tradier({"calendar": payload}),
        "expirations": lambda: parse_extras.expirations_from_tradier(payload),
        "strikes": lambda: parse_extras.strikes_from_tradier(payload),
        "option_roots": lambda: parse_extras.option_roots_from_tradier(payload),
        "watchlists": lambda: parse_extras.watchlists_from_tradier(payload),
        "watchlist_items": lambda: (
            parse_extras.watchlist_from_tradier(
                {"watchlist": {"id": "w", "name": "w", **payload}}
            ).symbols
        ),
        "stream_session": lambda: _session_of(payload),
        "order_legs": lambda: (
            parse.orders_from_tradier(
                {"orders": {"order": {**_MULTILEG_PARENT, **payload}}}, ACCOUNT
            )[0].legs
        ),
    }
    return table[kind]()


def _session_of(payload: dict[str, Any]) -> tuple[str, str]:
    """Run the session-creating operation against ``payload`` as the answer."""
    operation = streams.create_session("/markets/events/session", "unused")
    request = next(operation)
    assert (request.method, request.headers["accept"]) == ("POST", "application/json")
    try:
        operation.send(_http.Response(200, content=orjson.dumps(payload)))
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    raise AssertionError("the operation asked for more than one request")


_MULTILEG_PARENT = {
    "id": 229123,
    "type": "credit",
    "symbol": "SPY",
    "side": "buy",
    "quantity": 1.0,
    "status": "expired",
    "duration": "pre",
    "price": 0.8,
    "create_date": "2018-06-13T16:54:39.812Z",
    "class": "multileg",
}

PAYLOAD_CASES = [name for name in all_cases() if "body" in load_case(name)]


@pytest.mark.parametrize("name", PAYLOAD_CASES)
def test_a_documented_payload_becomes_exact_models(name: str) -> None:
    case = load_case(name)
    assert case["source"]
    result = dump(run_parse(case["parse"], quirks.load(case["body"]), case.get("args", {})))
    if case["parse"] == "preview":
        result = {key: result[key] for key in case["expected"]}
    assert result == case["expected"]


def _request_cases() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name in all_cases("request_"):
        case = load_case(name)
        for index, sub in enumerate(case.get("cases", [case])):
            found.append((f"{name}[{index}]", {"source": case["source"], **sub}))
    return found


def _order_body(order_id: str, klass: str = "equity") -> dict[str, Any]:
    return {
        "order": {
            "id": int(order_id),
            "type": "market",
            "symbol": "SPY",
            "side": "buy",
            "quantity": 1.0,
            "status": "open",
            "duration": "day",
            "exec_quantity": 0.0,
            "create_date": "2019-05-14T15:56:47.371Z",
            "class": klass,
        }
    }


def _scripted(case: dict[str, Any]) -> Broker:
    held = [
        {"cost_basis": 100.0, "id": i, "quantity": q, "symbol": s, "date_acquired": None}
        for i, (s, q) in enumerate(case.get("held", []))
    ]
    watchlist = {"watchlist": {"id": "my-watchlist", "name": "My Watchlist", "items": "null"}}
    return Broker(
        {
            "POST /accounts/VA000001/orders": lambda request: (
                {"order": {"status": "ok", "commission": 0, "cost": 1, "fees": 0, "order_cost": 1}}
                if b"preview=true" in request.content
                else {"order": {"id": 257459, "status": "ok"}}
            ),
            "PUT /accounts/VA000001/orders/257459": {"order": {"id": 257459, "status": "ok"}},
            "GET /accounts/VA000001/orders/257459": _order_body("257459"),
            "GET /accounts/VA000001/positions": {
                "positions": {"position": held} if held else "null"
            },
            "GET /markets/clock": {
                "clock": {
                    "date": "2019-05-06",
                    "state": case.get("clock_state", "open"),
                    "timestamp": 1557130000,
                    "description": "",
                }
            },
            "POST /watchlists": watchlist,
            "PUT /watchlists/my-watchlist": watchlist,
            "POST /watchlists/my-watchlist/symbols": watchlist,
        }
    )


@pytest.mark.parametrize(("name", "case"), _request_cases(), ids=[c[0] for c in _request_cases()])
def test_a_call_sends_the_exact_documented_request(
    name: str, case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert case["source"]
    scripted = _scripted(case)
    broker = scripted.connect("sandbox", monkeypatch)
    call = case["call"]
    if call in ("place", "preview"):
        getattr(broker, call)(new_order(case["order"]))
    elif call == "place_group" and "bracket" in case:
        spec = case["bracket"]
        group = bl.OrderGroup.bracket(
            new_order(spec["entry"]), take_profit=spec["take_profit"], stop_loss=spec["stop_loss"]
        )
        broker.place(group)
    elif call == "place_group":
        kind = case["group"]["kind"]
        orders = [new_order(o) for o in case["group"]["orders"]]
        broker.place(bl.OrderGroup(kind=bl.GroupKind(kind), orders=orders))
    elif call == "replace":
        broker.replace(case["order_id"], **case["changes"])
    else:
        getattr(broker.extension("tradier"), call)(*case.get("args", []), **case.get("kwargs", {}))
    expected = case["expected"]
    sent = [
        r
        for r in scripted.requests
        if r.method == expected["method"] and r.url.path == expected["path"]
    ]
    assert len(sent) == 1
    request = sent[0]
    assert request.headers["accept"] == "application/json"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["authorization"] == "Bearer test-token"
    form = scripted.form(scripted.requests.index(request))
    pairs = [tuple(pair) for pair in expected["form"]]
    assert (form if expected["ordered"] else sorted(form)) == (
        pairs if expected["ordered"] else sorted(pairs)
    )


SHAPES = load_case("shapes.json")["endpoints"]


def _wrap(endpoint: dict[str, Any], inner: object) -> dict[str, Any]:
    """``{wrapper: {element: inner}}`` (``wrapper`` empty: ``{element: inner}``)."""
    if endpoint["wrapper"] is None:
        return {endpoint["element"]: inner}
    if not endpoint["wrapper"]:
        return {endpoint["element"]: inner}
    return {endpoint["wrapper"]: {endpoint["element"]: inner}}


def _parse_shape(endpoint: dict[str, Any], payload: dict[str, Any]) -> Any:
    exact = orjson.loads(orjson.dumps(payload))
    return run_parse(endpoint["parse"], quirks.load(orjson.dumps(exact)), endpoint.get("args", {}))


def _empties(endpoint: dict[str, Any]) -> list[dict[str, Any]]:
    wrapper, element = endpoint["wrapper"], endpoint["element"]
    if not wrapper:  # the collection sits straight on the object
        return [{element: "null"}, {element: None}, {}, {element: []}]
    return [
        {wrapper: "null"},
        {wrapper: None},
        {},
        {wrapper: {element: "null"}},
        {wrapper: {element: []}},
        {wrapper: {}},
    ]


@pytest.mark.parametrize("endpoint", SHAPES, ids=[f"{e['parse']}-{e['element']}" for e in SHAPES])
def test_every_list_endpoint_reads_one_object_as_a_one_item_list(endpoint: dict[str, Any]) -> None:
    assert endpoint["source"]
    item = endpoint["item"]
    as_list = dump(_parse_shape(endpoint, _wrap(endpoint, [item])))
    as_object = dump(_parse_shape(endpoint, _wrap(endpoint, copy.deepcopy(item))))
    assert as_object == as_list
    two = dump(_parse_shape(endpoint, _wrap(endpoint, [item, copy.deepcopy(item)])))
    assert len(two) in (1, 2)  # keyed results (quotes) collapse duplicates
    assert as_list  # the item was read


@pytest.mark.parametrize("endpoint", SHAPES, ids=[f"{e['parse']}-{e['element']}" for e in SHAPES])
def test_every_list_endpoint_reads_null_and_missing_as_empty(endpoint: dict[str, Any]) -> None:
    for payload in _empties(endpoint):
        result = _parse_shape(endpoint, payload)
        if isinstance(result, bl.OptionChain):
            result = result.expirations
        assert dump(result) in ([], {}), payload


def test_unmatched_symbols_are_skipped_unless_nothing_matched() -> None:
    # ATR fixtures (NOTES §3.1 item 5): unmatched beside a quote, and alone.
    item = SHAPES[5]["item"]
    mixed = {"quotes": {"quote": item, "unmatched_symbols": {"symbol": "SEFDF"}}}
    assert list(parse_market.quotes_from_tradier(quirks.load(orjson.dumps(mixed)))) == ["AAPL"]
    alone = {"quotes": {"unmatched_symbols": {"symbol": ["SEFDF", "XXXX"]}}}
    with pytest.raises(bl.SymbolNotFoundError, match="SEFDF, XXXX"):
        parse_market.quotes_from_tradier(quirks.load(orjson.dumps(alone)))


ERRORS = load_case("errors.json")["cases"]


@pytest.mark.parametrize("case", ERRORS, ids=[c["note"] for c in ERRORS])
def test_the_error_table(case: dict[str, Any]) -> None:
    request = _http.Request("GET", "https://sandbox.tradier.com" + case["path"])
    content = orjson.dumps(case["body"]) if "body" in case else case["text"].encode()
    response = _http.Response(
        case["status"],
        content=content,
        headers={"content-type": "application/json", **case.get("headers", {})},
        request=request,
    )
    found = error_from_tradier(response)
    if case["error"] is None:
        assert found is None
        return
    kind = getattr(errors, case["error"])
    assert isinstance(found, kind), found
    if case.get("exact_class"):
        assert type(found) is kind
    if "code" in case:
        assert found.code == case["code"]
    if "retry_after_above" in case:
        assert isinstance(found, errors.OperationFailedError)
        assert found.retry_after is not None
        assert found.retry_after > case["retry_after_above"]
    if "message_contains" in case:
        assert case["message_contains"] in str(found)


def test_decimals_keep_every_digit_the_documents_send() -> None:
    body = load_case("balances_margin.json")["body"]
    total = quirks.load(body)["balances"]["total_equity"]
    assert total == Decimal("17798.360000000000000000000000")
