"""New orders, legs and order groups: builders, client ids, and every construction-time check."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from brokerlink.enums import GroupKind, OrderType, PositionEffect, Side, TimeInForce
from brokerlink.errors import InvalidOrderError
from brokerlink.instruments import Equity, Future, FutureOption, Option
from brokerlink.models import Leg, NewOrder, OrderGroup, new_client_id

C175 = Option("AAPL", date(2025, 3, 21), "C", "175")
C180 = Option("AAPL", date(2025, 3, 21), "C", "180")
P170 = Option("AAPL", date(2025, 3, 21), "P", "170")
P165 = Option("AAPL", date(2025, 3, 21), "P", "165")
MSFT_C = Option("MSFT", date(2025, 3, 21), "C", "400")
ES = Future("ES", 12, 2024)
ES_OPT = FutureOption(ES, "EW3", date(2024, 12, 20), "C", "5000")
EXPIRY = datetime(2025, 1, 31, 21, tzinfo=UTC)


def raises(field: str, build: Callable[[], object], match: str | None = None) -> str:
    """Assert ``build`` raises InvalidOrderError for ``field``; return the message."""
    with pytest.raises(InvalidOrderError) as caught:
        build()
    assert caught.value.field == field, str(caught.value)
    message = str(caught.value)
    assert field in message  # every message names its field
    if match is not None:
        assert re.search(match, message), message
    return message


# -- builders --------------------------------------------------------------------------------


def test_limit_builder_reads_well_and_converts() -> None:
    order = NewOrder.limit("AAPL", Side.BUY, 10, "187.50")
    assert order.type is OrderType.LIMIT
    assert order.legs == (Leg(instrument=Equity("AAPL"), side=Side.BUY, quantity=Decimal(10)),)
    assert order.limit_price == Decimal("187.50")
    assert isinstance(order.limit_price, Decimal)
    assert order.stop_price is None
    assert order.time_in_force is TimeInForce.DAY
    assert order.legs[0].effect is PositionEffect.AUTO
    assert order.quantity == 10
    assert order.instrument == Equity("AAPL")
    assert order.side is Side.BUY
    assert not order.is_multi_leg
    assert order.account is None


def test_market_stop_stop_limit_and_trailing_builders() -> None:
    market = NewOrder.market(
        "/ESZ24", "sell", "2", effect="open", time_in_force="gtc", account="SIM1234567M"
    )
    assert market.type is OrderType.MARKET
    assert market.instrument == ES
    assert market.side is Side.SELL
    assert market.legs[0].effect is PositionEffect.OPEN
    assert market.time_in_force is TimeInForce.GTC
    assert market.account == "SIM1234567M"
    stop = NewOrder.stop("AAPL", Side.SELL, 10, Decimal("180"), effect=PositionEffect.CLOSE)
    assert (stop.type, stop.stop_price, stop.limit_price) == (OrderType.STOP, Decimal(180), None)
    stop_limit = NewOrder.stop_limit("AAPL", Side.BUY, 10, "190", "190.50")
    assert stop_limit.type is OrderType.STOP_LIMIT
    assert (stop_limit.stop_price, stop_limit.limit_price) == (Decimal(190), Decimal("190.50"))
    trail = NewOrder.trailing_stop("AAPL", Side.SELL, 10, trail_percent="2.5")
    assert (trail.trail_percent, trail.trail_amount) == (Decimal("2.5"), None)
    trail = NewOrder.trailing_stop("AAPL", Side.SELL, 10, trail_amount="1.25")
    assert trail.trail_amount == Decimal("1.25")


def test_multi_leg_builder_and_net_prices() -> None:
    debit = NewOrder.multi_leg([Leg.buy(C175, 1), Leg.sell(C180, 1)], "limit", limit_price="1.25")
    assert debit.is_multi_leg
    assert debit.type is OrderType.LIMIT
    assert [leg.side for leg in debit.legs] == [Side.BUY, Side.SELL]
    assert debit.limit_price == Decimal("1.25")
    credit = debit.evolve(limit_price="-0.80")
    assert credit.limit_price == Decimal("-0.80")
    even = debit.evolve(limit_price=0)
    assert even.limit_price == 0
    market = NewOrder.multi_leg((Leg.buy(C175, 1), Leg.sell(C180, 1)), OrderType.MARKET)
    assert market.limit_price is None
    condor = NewOrder.multi_leg(
        [Leg.sell(P170, 1), Leg.buy(P165, 1), Leg.sell(C175, 1), Leg.buy(C180, 1)],
        OrderType.LIMIT,
        limit_price="-2.10",
    )
    assert len(condor.legs) == 4


def test_multi_leg_quantity_is_the_gcd() -> None:
    ratio = NewOrder.multi_leg([Leg.buy(C175, 2), Leg.sell(C180, 4)], OrderType.MARKET)
    assert ratio.quantity == 2
    assert isinstance(ratio.quantity, Decimal)
    three = NewOrder.multi_leg([Leg.buy(C175, 3), Leg.sell(C180, 3)], OrderType.MARKET)
    assert three.quantity == 3


def test_single_leg_properties_refuse_multi_leg_orders() -> None:
    spread = NewOrder.multi_leg([Leg.buy(C175, 1), Leg.sell(C180, 1)], OrderType.MARKET)
    with pytest.raises(ValueError, match="2-leg order has no single instrument"):
        _ = spread.instrument
    with pytest.raises(ValueError, match="no single side"):
        _ = spread.side


def test_leg_helpers_and_conversions() -> None:
    leg = Leg.sell("AAPL  250321C00180000", "1", "close")
    assert leg == Leg(instrument=C180, side=Side.SELL, quantity=Decimal(1), effect="close")
    assert leg.effect is PositionEffect.CLOSE
    assert Leg.buy("AAPL", "0.5").quantity == Decimal("0.5")  # fractional equity
    assert Leg.buy("BTC/USD", "0.00012345").quantity == Decimal("0.00012345")


def test_expires_at_is_converted_to_utc() -> None:
    local = datetime(2025, 1, 31, 16, tzinfo=timezone(timedelta(hours=-5)))
    order = NewOrder.limit("AAPL", Side.BUY, 1, "10", time_in_force="gtd", expires_at=local)
    assert order.expires_at == EXPIRY
    assert order.expires_at is not None
    assert order.expires_at.tzinfo is UTC


# -- client ids ------------------------------------------------------------------------------


def test_client_id_is_generated() -> None:
    ids = {NewOrder.market("AAPL", Side.BUY, 1).client_id for _ in range(50)}
    assert len(ids) == 50
    for client_id in ids:
        assert re.fullmatch(r"bl-[0-9a-f]{20}", client_id)
    assert re.fullmatch(r"bl-[0-9a-f]{20}", new_client_id())


def test_client_id_given_is_kept() -> None:
    order = NewOrder.market("AAPL", Side.BUY, 1, client_id="my-Order-42")
    assert order.client_id == "my-Order-42"
    assert order.with_account("ACC123456").client_id == "my-Order-42"
    assert order.evolve(time_in_force="gtc").client_id == "my-Order-42"
    assert order.evolve(client_id=None).client_id != "my-Order-42"


@pytest.mark.parametrize("client_id", ["", "a" * 41, "has space", "under_score", "é", "a/b"])
def test_bad_client_ids(client_id: str) -> None:
    raises("client_id", lambda: NewOrder.market("AAPL", Side.BUY, 1, client_id=client_id))


def test_client_id_of_40_chars_is_fine() -> None:
    assert NewOrder.market("AAPL", Side.BUY, 1, client_id="A-" * 20).client_id == "A-" * 20


# -- quantity --------------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [0, -1, "0", "-0.5"])
def test_non_positive_quantity(quantity: Any) -> None:
    raises("quantity", lambda: NewOrder.market("AAPL", Side.BUY, quantity), "not positive")


@pytest.mark.parametrize("symbol", [C175, ES, ES_OPT])
def test_fractional_quantity_only_for_equities_and_crypto(symbol: Any) -> None:
    raises("quantity", lambda: NewOrder.market(symbol, Side.BUY, "1.5"), "whole contracts")


def test_float_and_bool_quantities_are_rejected() -> None:
    raises("quantity", lambda: NewOrder.market("AAPL", Side.BUY, 1.0), "float")  # type: ignore[arg-type]
    raises("quantity", lambda: NewOrder.market("AAPL", Side.BUY, True), "bool")


# -- prices ----------------------------------------------------------------------------------


def _legs(symbol: Any = "AAPL") -> tuple[Leg, ...]:
    return (Leg.buy(symbol, 1),)


def test_limit_types_need_a_limit_price() -> None:
    raises("limit_price", lambda: NewOrder(legs=_legs(), type=OrderType.LIMIT), "needs a limit")
    raises(
        "limit_price",
        lambda: NewOrder(legs=_legs(), type=OrderType.STOP_LIMIT, stop_price="10"),
        "STOP_LIMIT order needs",
    )


def test_stop_types_need_a_stop_price() -> None:
    raises("stop_price", lambda: NewOrder(legs=_legs(), type="stop"), "needs a stop_price")
    raises(
        "stop_price",
        lambda: NewOrder(legs=_legs(), type=OrderType.STOP_LIMIT, limit_price="10"),
    )


@pytest.mark.parametrize(
    ("type_", "field", "prices"),
    [(OrderType.MARKET, "limit_price", {"limit_price": "10"}),
     (OrderType.MARKET, "stop_price", {"stop_price": "10"}),
     (OrderType.LIMIT, "stop_price", {"limit_price": "10", "stop_price": "9"}),
     (OrderType.STOP, "limit_price", {"stop_price": "10", "limit_price": "9"}),
     (OrderType.TRAILING_STOP, "limit_price", {"trail_amount": "1", "limit_price": "9"})],
)  # fmt: skip
def test_prices_a_type_does_not_use(type_: OrderType, field: str, prices: Any) -> None:
    raises(field, lambda: NewOrder(legs=_legs(), type=type_, **prices), "takes no")


@pytest.mark.parametrize("price", ["0", "-1", -5])
def test_single_leg_prices_must_be_positive(price: Any) -> None:
    raises("limit_price", lambda: NewOrder.limit("AAPL", Side.BUY, 1, price), "not positive")
    raises("stop_price", lambda: NewOrder.stop("AAPL", Side.SELL, 1, price), "not positive")


def test_float_prices_are_rejected_with_the_fix() -> None:
    message = raises("limit_price", lambda: NewOrder.limit("AAPL", Side.BUY, 1, 187.5))  # type: ignore[arg-type]
    assert "pass a str or Decimal such as '187.50'" in message
    assert "floats cannot hold prices exactly" in message
    raises("stop_price", lambda: NewOrder.stop("AAPL", Side.BUY, 1, float("nan")))  # type: ignore[arg-type]
    raises("trail_amount", lambda: NewOrder.trailing_stop("AAPL", Side.BUY, 1, trail_amount=0.5))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("symbol", "good", "bad"),
    [("AAPL", "187.51", "187.505"),          # equity at or above $1: cents
     ("AAPL", "1.00", "1.001"),
     ("SNDL", "0.1234", "0.12345"),          # equity below $1: 4 decimals
     (C175, "1.25", "1.255"),                # options: cents
     (ES, "4500.1234567", "4500.12345678"),  # futures: 7 decimals
     (ES_OPT, "12.0000001", "12.00000001"),
     ("BTC/USD", "0.00000001", "0.000000001")],  # crypto: 8 decimals
)  # fmt: skip
def test_price_decimals_per_asset_class(symbol: Any, good: str, bad: str) -> None:
    assert NewOrder.limit(symbol, Side.BUY, 1, good).limit_price == Decimal(good)
    raises("limit_price", lambda: NewOrder.limit(symbol, Side.BUY, 1, bad), "decimals")
    raises("stop_price", lambda: NewOrder.stop(symbol, Side.SELL, 1, bad), "decimals")


def test_trailing_zeros_do_not_count_as_decimals() -> None:
    assert NewOrder.limit("AAPL", Side.BUY, 1, "187.5000").limit_price == Decimal("187.5")


def test_multi_leg_net_price_decimals() -> None:
    raises(
        "limit_price",
        lambda: NewOrder.multi_leg(
            [Leg.buy(C175, 1), Leg.sell(C180, 1)], "limit", limit_price="-1.255"
        ),
        "at most 2",
    )


# -- trailing stops --------------------------------------------------------------------------


def test_trailing_stop_needs_exactly_one_trail() -> None:
    raises("trail_amount", lambda: NewOrder.trailing_stop("AAPL", Side.SELL, 1), "trail_percent")
    raises(
        "trail_percent",
        lambda: NewOrder.trailing_stop("AAPL", Side.SELL, 1, trail_amount="1", trail_percent="2"),
        "not both",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("trail_amount", "0"), ("trail_amount", "-1"), ("trail_amount", "1.001"),
     ("trail_percent", "0"), ("trail_percent", "-2"), ("trail_percent", "100")],
)  # fmt: skip
def test_trail_must_be_positive_and_sane(field: str, value: str) -> None:
    options: dict[str, Any] = {field: value}
    raises(field, lambda: NewOrder.trailing_stop("AAPL", Side.SELL, 1, **options))


@pytest.mark.parametrize("field", ["trail_amount", "trail_percent"])
def test_only_trailing_stops_take_a_trail(field: str) -> None:
    options: dict[str, Any] = {field: "1"}
    raises(field, lambda: NewOrder(legs=_legs(), type=OrderType.MARKET, **options))


# -- time in force ---------------------------------------------------------------------------


def test_gtd_needs_expires_at_and_only_gtd_takes_it() -> None:
    raises("expires_at", lambda: NewOrder.limit("AAPL", Side.BUY, 1, "10", time_in_force="gtd"))
    raises(
        "expires_at",
        lambda: NewOrder.limit("AAPL", Side.BUY, 1, "10", expires_at=EXPIRY),
        "only a GTD",
    )
    order = NewOrder.limit("AAPL", Side.BUY, 1, "10", time_in_force="GTD", expires_at=EXPIRY)
    assert order.time_in_force is TimeInForce.GTD


def test_naive_expires_at_is_rejected() -> None:
    naive = datetime(2025, 1, 31, 16)
    raises(
        "expires_at",
        lambda: NewOrder.limit("AAPL", Side.BUY, 1, "10", time_in_force="gtd", expires_at=naive),
        "attach a timezone",
    )


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [("side", {"side": "long"}), ("type", {"type": "market_on_close"}),
     ("time_in_force", {"time_in_force": "forever"})],
)  # fmt: skip
def test_bad_enum_text_lists_the_choices(field: str, kwargs: dict[str, str]) -> None:
    base: dict[str, Any] = {"side": Side.BUY, "type": OrderType.MARKET}
    base.update(kwargs)
    side, rest = base.pop("side"), base
    raises(field, lambda: NewOrder(legs=(Leg(instrument="AAPL", side=side, quantity=1),), **rest))


def test_bad_symbol_is_a_symbol_error() -> None:
    raises("symbol", lambda: NewOrder.market("not a symbol!", Side.BUY, 1))


# -- legs ------------------------------------------------------------------------------------


def test_no_legs_and_too_many_legs() -> None:
    raises("legs", lambda: NewOrder(legs=(), type=OrderType.MARKET), "no legs")
    strikes = [Option("AAPL", date(2025, 3, 21), "C", str(s)) for s in range(170, 195, 5)]
    five = [Leg.buy(o, 1) for o in strikes]
    raises("legs", lambda: NewOrder.multi_leg(five, OrderType.MARKET), "at most 4")


@pytest.mark.parametrize(
    ("legs", "match"),
    [([Leg.buy(C175, 1), Leg.sell(C175, 1)], "twice"),
     ([Leg.buy(C175, 1), Leg.buy(Option("aapl", "2025-03-21", "call", "175.00"), 1)], "twice"),
     ([Leg.buy("BTC/USD", 1), Leg.sell("ETH/USD", 1)], "crypto"),
     ([Leg.buy("BTC/USD", 1), Leg.sell("AAPL", 1)], "crypto"),
     ([Leg.buy(ES, 1), Leg.sell(C175, 1)], "futures"),
     ([Leg.buy(ES_OPT, 1), Leg.sell("AAPL", 100)], "futures")],
)  # fmt: skip
def test_leg_mixes_that_make_no_sense(legs: list[Leg], match: str) -> None:
    raises("legs", lambda: NewOrder.multi_leg(legs, OrderType.MARKET), match)


def test_allowed_leg_mixes() -> None:
    # A covered call (buy-write), a diagonal across underlyings, and a futures calendar.
    NewOrder.multi_leg([Leg.buy("AAPL", 100), Leg.sell(C180, 1)], "limit", limit_price="170")
    NewOrder.multi_leg([Leg.buy(C175, 1), Leg.sell(MSFT_C, 1)], OrderType.MARKET)
    NewOrder.multi_leg([Leg.buy(ES, 1), Leg.sell("/ESH25", 1)], OrderType.MARKET)
    NewOrder.multi_leg([Leg.buy(ES, 1), Leg.sell(ES_OPT, 1)], OrderType.MARKET)


@pytest.mark.parametrize(
    ("type_", "prices"),
    [(OrderType.STOP, {"stop_price": "1"}),
     (OrderType.STOP_LIMIT, {"stop_price": "1", "limit_price": "1"}),
     (OrderType.TRAILING_STOP, {"trail_amount": "1"})],
)  # fmt: skip
def test_multi_leg_orders_cannot_be_stops(type_: OrderType, prices: Any) -> None:
    legs = (Leg.buy(C175, 1), Leg.sell(C180, 1))
    raises("legs", lambda: NewOrder(legs=legs, type=type_, **prices), type_.name)


def test_multi_leg_quantities_must_be_whole() -> None:
    legs = [Leg.buy("AAPL", "0.5"), Leg.sell(C180, 1)]
    raises("quantity", lambda: NewOrder.multi_leg(legs, OrderType.MARKET), "whole")


def test_index_legs_are_not_tradable() -> None:
    raises("legs", lambda: NewOrder.market("$SPX", Side.BUY, 1), "index")
    raises("legs", lambda: Leg.buy("$SPX", 1), "not traded|can be quoted")


def test_legs_must_be_leg_objects() -> None:
    raises("legs", lambda: NewOrder(legs=[("AAPL", "buy", 1)], type=OrderType.MARKET))  # type: ignore[list-item]


# -- copies ----------------------------------------------------------------------------------


def test_evolve_revalidates() -> None:
    order = NewOrder.limit("AAPL", Side.BUY, 10, "187.50")
    assert order.evolve(limit_price="188").limit_price == 188
    raises("limit_price", lambda: order.evolve(limit_price=None))
    raises("limit_price", lambda: order.evolve(type=OrderType.MARKET))
    raises("limit_price", lambda: order.evolve(limit_price=188.0))


def test_with_account_and_masked_repr() -> None:
    order = NewOrder.market("AAPL", Side.BUY, 1).with_account("SIM1234567M")
    assert order.account == "SIM1234567M"
    assert "SIM1234567M" not in repr(order)
    assert "****567M" in repr(order)


# -- groups ----------------------------------------------------------------------------------


def test_oco_and_oto() -> None:
    a = NewOrder.limit("AAPL", Side.SELL, 10, "200")
    b = NewOrder.stop("AAPL", Side.SELL, 10, "180")
    c = NewOrder.limit("MSFT", Side.BUY, 1, "400")
    oco = OrderGroup.oco(a, b, c)
    assert oco.kind is GroupKind.OCO
    assert oco.orders == (a, b, c)
    assert oco.all_orders == (a, b, c)
    oto = OrderGroup.oto(c, a, b)
    assert oto.kind is GroupKind.OTO
    assert oto.primary == c
    assert oto.children == (a, b)
    raises("orders", lambda: OrderGroup(kind=GroupKind.OCO, orders=(a,)), "at least 2")
    raises("orders", lambda: OrderGroup.oto(a), "at least 1 child")
    raises("orders", lambda: OrderGroup(kind=GroupKind.OCO, orders=(a, "b")))  # type: ignore[arg-type]


def test_bracket_from_prices() -> None:
    entry = NewOrder.limit("AAPL", Side.BUY, 10, "187.50", account="ACC987654")
    group = OrderGroup.bracket(entry, take_profit="200", stop_loss=Decimal("180"))
    assert group.kind is GroupKind.BRACKET
    assert group.primary is entry
    take_profit, stop_loss = group.children
    assert group.orders == (entry, take_profit, stop_loss)
    assert (take_profit.type, take_profit.limit_price) == (OrderType.LIMIT, Decimal(200))
    assert (stop_loss.type, stop_loss.stop_price) == (OrderType.STOP, Decimal(180))
    for exit_ in (take_profit, stop_loss):
        assert exit_.side is Side.SELL
        assert exit_.instrument == entry.instrument
        assert exit_.quantity == entry.quantity
        assert exit_.legs[0].effect is PositionEffect.CLOSE
        assert exit_.time_in_force is TimeInForce.DAY
        assert exit_.account == "ACC987654"
        assert exit_.client_id != entry.client_id
    gtc = OrderGroup.bracket(entry, take_profit="200", stop_loss="180", exit_time_in_force="gtc")
    assert {o.time_in_force for o in gtc.children} == {TimeInForce.GTC}


def test_bracket_short_entry_mirrors_the_rules() -> None:
    entry = NewOrder.limit("AAPL", Side.SELL, 10, "187.50", effect="open")
    group = OrderGroup.bracket(entry, take_profit="170", stop_loss="195")
    assert [o.side for o in group.children] == [Side.BUY, Side.BUY]
    raises("take_profit", lambda: OrderGroup.bracket(entry, take_profit="190", stop_loss="195"))
    raises("stop_loss", lambda: OrderGroup.bracket(entry, take_profit="170", stop_loss="185"))


def test_bracket_with_ready_exits() -> None:
    entry = NewOrder.market("AAPL", Side.BUY, 10)
    trail = NewOrder.trailing_stop("AAPL", Side.SELL, 10, trail_percent="3", effect="close")
    group = OrderGroup.bracket(entry, take_profit="200", stop_loss=trail)
    assert group.children[1] is trail
    # A ready-made exit without an account follows the entry's account.
    placed = OrderGroup.bracket(
        entry.with_account("ACC5555555"), take_profit="200", stop_loss=trail
    )
    assert placed.children[1].account == "ACC5555555"
    assert placed.children[1].client_id == trail.client_id


@pytest.mark.parametrize(
    ("field", "take_profit", "stop_loss", "match"),
    [("take_profit", "180", "190", "above stop_loss"),      # target below the stop
     ("take_profit", "187", "180", "above the entry"),      # target below a buy entry
     ("stop_loss", "200", "188", "below the entry"),        # stop above a buy entry
     ("take_profit", NewOrder.limit("AAPL", Side.BUY, 10, "200"), "180", "opposite side"),
     ("stop_loss", "200", NewOrder.stop("MSFT", Side.SELL, 10, "180"), "instrument"),
     ("take_profit", NewOrder.stop("AAPL", Side.SELL, 10, "200"), "180", "LIMIT"),
     ("stop_loss", "200", NewOrder.limit("AAPL", Side.SELL, 10, "180"), "STOP"),
     ("stop_loss", "200", NewOrder.stop("AAPL", Side.SELL, 11, "180"), "exceeds")],
)  # fmt: skip
def test_bracket_errors(field: str, take_profit: Any, stop_loss: Any, match: str) -> None:
    entry = NewOrder.limit("AAPL", Side.BUY, 10, "187.50")
    raises(
        field,
        lambda: OrderGroup.bracket(entry, take_profit=take_profit, stop_loss=stop_loss),
        match,
    )


def test_bracket_structure_errors() -> None:
    entry = NewOrder.limit("AAPL", Side.BUY, 10, "187.50")
    spread = NewOrder.multi_leg([Leg.buy(C175, 1), Leg.sell(C180, 1)], "limit", limit_price="1")
    raises("orders", lambda: OrderGroup.bracket(spread, take_profit="2", stop_loss="0.5"))
    raises("orders", lambda: OrderGroup(kind=GroupKind.BRACKET, orders=(entry,)), "exactly")
    raises("take_profit", lambda: OrderGroup.bracket(entry, take_profit=200.0, stop_loss="180"))  # type: ignore[arg-type]


def test_group_orders_share_one_account() -> None:
    a = NewOrder.limit("AAPL", Side.SELL, 10, "200", account="ACC1111111")
    b = NewOrder.stop("AAPL", Side.SELL, 10, "180", account="ACC2222222")
    raises("orders", lambda: OrderGroup.oco(a, b), "different accounts")
    moved = OrderGroup.oco(a.with_account(None), b.with_account(None)).with_account("ACC3333333")
    assert {o.account for o in moved.orders} == {"ACC3333333"}
    assert [o.client_id for o in moved.orders] == [a.client_id, b.client_id]


def test_bracket_exits_take_client_ids_derived_from_the_entry() -> None:
    entry = NewOrder.limit("AAPL", Side.BUY, 1, "100", client_id="entry-1")
    group = OrderGroup.bracket(entry, take_profit="110", stop_loss="90")
    assert [o.client_id for o in group.orders] == ["entry-1", "entry-1-tp", "entry-1-sl"]
    long_entry = entry.evolve(client_id="x" * 40)
    exits = OrderGroup.bracket(long_entry, take_profit="110", stop_loss="90").children
    assert [len(o.client_id) for o in exits] == [40, 40]
    assert exits[0].client_id.endswith("-tp")
