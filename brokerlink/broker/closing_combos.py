"""The closing combo's parts: which positions close together, and how the order is priced.

Options close together per underlying, as multi-leg orders of at most the broker's ``max_legs``
legs (:func:`option_groups`). Such a combo is a market order where the broker takes a market
combo, else a net limit at the legs' mid rounded to the tick towards a fill
(:func:`combo_pricing`, :func:`net_mid_price`).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING

from brokerlink import errors
from brokerlink.capabilities import Capabilities, Feature
from brokerlink.enums import OrderType, Side
from brokerlink.instruments import FutureOption, Instrument, Option
from brokerlink.models import Leg, Position, Quote

if TYPE_CHECKING:
    from brokerlink.broker.core import BrokerCore
    from brokerlink.runtime.operation import Operation

__all__ = ["ComboPricing", "combo_pricing", "net_mid_price", "option_groups"]


class ComboPricing(enum.StrEnum):
    """How a closing multi-leg order is priced."""

    MARKET = "market"
    """A market combo: fills at the net touch."""
    MID_LIMIT = "mid_limit"
    """A net limit at the mid of the legs' quotes, rounded to the tick towards a fill."""


_DEFAULT_TICK = Decimal("0.01")


def combo_pricing(capabilities: Capabilities) -> ComboPricing:
    """How a closing combo is priced where ``capabilities`` hold: a market combo where the broker
    takes one (Tradier NOTES §4.2, TradeStation NOTES §7.1: a market close also avoids the
    combo-limit credit/debit sign trouble of its NOTES §9), else a net limit at the mid
    (tastytrade NOTES §5.4: "Market: one leg only")."""
    if OrderType.MARKET in capabilities.multi_leg_order_types:
        return ComboPricing.MARKET
    return ComboPricing.MID_LIMIT


def _group_key(position: Position) -> str | None:
    """Options close together per underlying; anything else alone (``None``)."""
    inst = position.instrument
    if isinstance(inst, Option):
        return f"option:{inst.underlying}"
    if isinstance(inst, FutureOption):
        return f"future_option:{inst.future}"
    return None


def option_groups(positions: Sequence[Position], max_legs: int) -> list[list[Position]]:
    """Single positions, and option positions by underlying in chunks of at most ``max_legs``."""
    alone: list[list[Position]] = []
    by_underlying: dict[str, list[Position]] = {}
    for position in positions:
        key = _group_key(position)
        if key is None or max_legs < 2:
            alone.append([position])
        else:
            by_underlying.setdefault(key, []).append(position)
    grouped: list[list[Position]] = []
    for legs in by_underlying.values():
        # Canonical order keeps an expiration's strikes together, so verticals share an order.
        legs.sort(key=lambda p: str(p.instrument))
        grouped.extend(legs[i : i + max_legs] for i in range(0, len(legs), max_legs))
    return alone + grouped


def net_mid_price(core: BrokerCore, legs: Sequence[Leg]) -> Operation[Decimal]:
    """The net mid of one unit of ``legs`` (debit positive, credit negative), on the tick.

    The mid is rounded up (towards +infinity) to the coarsest tick of the legs: paying a little
    more or taking a little less credit, so the close is not left working for a fraction of a
    tick.
    """
    quotes = yield from core.quotes([leg.instrument for leg in legs])
    units = Decimal(math.gcd(*(int(leg.quantity) for leg in legs)))
    net = Decimal(0)
    for leg in legs:
        mid = _mid(quotes.get(str(leg.instrument)), leg.instrument)
        sign = 1 if leg.side is Side.BUY else -1
        net += sign * leg.quantity / units * mid
    tick = _DEFAULT_TICK
    for leg in legs:
        tick = max(tick, (yield from _tick(core, leg.instrument)))
    return (net / tick).to_integral_value(rounding=ROUND_CEILING) * tick


def _mid(quote: Quote | None, inst: Instrument) -> Decimal:
    if quote is not None and quote.ask is not None:
        # No bid (a far out-of-the-money option) means nobody pays anything for it.
        return (quote.ask + (quote.bid or Decimal(0))) / 2
    if quote is not None and quote.last is not None:
        return quote.last
    raise errors.InvalidOrderError(
        f"no quote for {inst} to price the closing spread; close it with "
        "NewOrder.multi_leg(..., limit_price=...) instead",
        field="limit_price",
    )


def _tick(core: BrokerCore, inst: Instrument) -> Operation[Decimal]:
    """The instrument's tick: from its details, looked up when the broker offers that."""
    details = inst.details
    if details is None and core.capabilities.supports(Feature.INSTRUMENT):
        details = (yield from core.instrument(inst)).details
    if details is None or details.tick_size is None or details.tick_size <= 0:
        return _DEFAULT_TICK
    return details.tick_size
