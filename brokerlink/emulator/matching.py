"""Order matching: when a working order trades, how much, and at what price.

Two moments are evaluated:

- **immediately**, when an order is placed, replaced or activated in an open session: against the
  current quote (market orders take the touch: buy at the ask, sell at the bid; a limit that is
  already marketable fills at the touch, which is at least as good as its limit);
- **per minute**, while the engine advances: against that minute's range (``open, high, low,
  close`` of the seeded path) and the touch at the minute's end.

Per-minute rules for one leg: a buy limit fills at its limit when the low reaches it (at the open
when the minute opened through it); a buy stop triggers when the high reaches the stop and fills
at the stop (at the open after a gap), then like a market order; a stop-limit becomes a limit; a
trailing stop's stop follows the high-water mark (low-water for buys) at the trail distance.
Sells mirror buys. Each fill takes at most the displayed size at the touch (and the configured
``max_fill_per_step``), so large orders fill over several minutes.

Multi-leg orders fill all legs together, completely, when the net mid (debit positive, credit
negative) reaches the net limit; market combos take the net touch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import attrs

from brokerlink.emulator.marketdata import MarketData
from brokerlink.emulator.orders import LegState, OrderState
from brokerlink.emulator.pricer import epoch_minute, round_to_tick
from brokerlink.enums import OrderType, Side
from brokerlink.models.market import Quote

__all__ = ["Execution", "Matcher"]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


@attrs.frozen
class Execution:
    """A fill to book: ``units`` of the order at ``prices`` (one per leg) and net ``price``."""

    units: Decimal
    prices: tuple[Decimal, ...]
    price: Decimal


def _touch(quote: Quote, side: Side) -> tuple[Decimal, Decimal]:
    """The price and displayed size a marketable order of ``side`` meets."""
    price, size = (quote.ask, quote.ask_size) if side is Side.BUY else (quote.bid, quote.bid_size)
    if price is None or size is None:  # engine quotes are always complete
        raise AssertionError(f"incomplete emulator quote: {quote!r}")
    return price, size


class Matcher:
    """Evaluates orders against the emulator's market data."""

    def __init__(self, market: MarketData, max_fill_per_step: Decimal | None) -> None:
        self.market = market
        self.max_fill = max_fill_per_step

    # -- helpers ------------------------------------------------------------------------------

    def _size(self, order: OrderState, displayed: Decimal) -> Decimal:
        """How many units may fill now: the remainder, capped by the touch and the config."""
        units = min(order.remaining, displayed)
        if self.max_fill is not None:
            units = min(units, self.max_fill)
        leg = order.legs[0]
        if not _fractional_ok(leg):
            units = units.to_integral_value(rounding=ROUND_FLOOR)
        return max(units, _ZERO)

    def _single(self, order: OrderState, price: Decimal, displayed: Decimal) -> Execution | None:
        units = self._size(order, displayed)
        if units <= 0:
            return None
        return Execution(units=units, prices=(price,), price=price)

    def trail_stop(self, order: OrderState) -> Decimal | None:
        """The current stop of a trailing stop from its water mark, on the tick."""
        if order.water_mark is None:
            return None
        leg = order.legs[0]
        tick = self.market.pricer.tick(leg.instrument)
        mark = Decimal(repr(order.water_mark))
        if order.trail_amount is not None:
            distance = order.trail_amount
        else:
            distance = mark * (order.trail_percent or _ZERO) / _HUNDRED
        if leg.side is Side.SELL:
            return round_to_tick(mark - distance, tick, ROUND_FLOOR)
        return round_to_tick(mark + distance, tick, ROUND_CEILING)

    def _touch_at(self, order: OrderState, at: datetime) -> tuple[Decimal, Decimal]:
        """The touch price and displayed size for a single-leg order at ``at``."""
        leg = order.legs[0]
        return _touch(self.market.quote(leg.instrument, at), leg.side)

    # -- immediate ----------------------------------------------------------------------------

    def immediate(self, order: OrderState, now: datetime) -> Execution | None:
        """What the order gets right now against the live quote (``None``: nothing)."""
        if order.is_multi_leg:
            return self._combo_now(order, now)
        leg = order.legs[0]
        quote = self.market.quote(leg.instrument, now)
        price, displayed = _touch(quote, leg.side)
        buy = leg.side is Side.BUY
        kind = order.type
        if kind is OrderType.TRAILING_STOP and order.water_mark is None:
            mid = quote.mid
            order.water_mark = float(mid) if mid is not None else None
            order.stop_price = self.trail_stop(order)
            return None
        if (
            kind in (OrderType.STOP, OrderType.STOP_LIMIT, OrderType.TRAILING_STOP)
            and not order.triggered
        ):
            stop = order.stop_price
            if stop is None or (price < stop if buy else price > stop):
                return None
            order.triggered = True
        if kind is OrderType.LIMIT or (kind is OrderType.STOP_LIMIT and order.triggered):
            limit = order.limit_price
            if limit is None or (price > limit if buy else price < limit):
                return None
        return self._single(order, price, displayed)

    def _combo_now(self, order: OrderState, now: datetime) -> Execution | None:
        quotes = [self.market.quote(leg.instrument, now) for leg in order.legs]
        if order.type is OrderType.MARKET:
            prices = tuple(
                _touch(q, leg.side)[0] for q, leg in zip(quotes, order.legs, strict=True)
            )
            return Execution(units=order.remaining, prices=prices, price=_net(order.legs, prices))
        mids = [float(q.mid) if q.mid is not None else 0.0 for q in quotes]
        net_mid = sum(
            _sign(leg) * float(leg.ratio) * mid for leg, mid in zip(order.legs, mids, strict=True)
        )
        limit = order.limit_price
        if limit is None or net_mid > float(limit):
            return None
        net = min(limit, round_to_tick(net_mid, Decimal("0.01")))
        return self._combo_fill(order, net, mids)

    def _combo_fill(self, order: OrderState, net: Decimal, mids: Sequence[float]) -> Execution:
        ticks = [self.market.pricer.tick(leg.instrument) for leg in order.legs]
        prices = [
            max(round_to_tick(mid, tick), _ZERO) for mid, tick in zip(mids, ticks, strict=True)
        ]
        residual = net - _net(order.legs, prices)
        if residual:
            # Put the rounding/limit residual on the priciest whole-ratio leg, so every leg price
            # stays on its tick and the legs add up to the net price exactly.
            candidates = [i for i, leg in enumerate(order.legs) if leg.ratio == 1]
            pick = max(candidates or [0], key=lambda i: prices[i])
            adjusted = prices[pick] + residual * _sign(order.legs[pick]) / order.legs[pick].ratio
            prices[pick] = max(adjusted, _ZERO)
        return Execution(units=order.remaining, prices=tuple(prices), price=net)

    # -- per minute ---------------------------------------------------------------------------

    def on_minute(self, order: OrderState, minute_start: datetime) -> Execution | None:
        """What the order gets during the minute starting at ``minute_start``."""
        end = minute_start + timedelta(minutes=1)
        pricer = self.market.pricer
        minute = epoch_minute(minute_start)
        if order.is_multi_leg:
            return self._combo_minute(order, minute, end)
        leg = order.legs[0]
        tick = pricer.tick(leg.instrument)
        o, h, lo, _c = pricer.minute_ohlc(leg.instrument, minute)
        buy = leg.side is Side.BUY
        kind = order.type
        if kind is OrderType.MARKET or (
            kind in (OrderType.STOP, OrderType.TRAILING_STOP) and order.triggered
        ):
            touch, displayed = self._touch_at(order, end)
            return self._single(order, touch, displayed)
        if kind is OrderType.TRAILING_STOP:
            stop = order.stop_price
            if stop is not None and (h >= float(stop) if buy else lo <= float(stop)):
                order.triggered = True
                return self._single(
                    order, _through(stop, o, buy, tick), self._touch_at(order, end)[1]
                )
            mark = order.water_mark if order.water_mark is not None else o
            order.water_mark = min(mark, lo) if buy else max(mark, h)
            order.stop_price = self.trail_stop(order)
            return None
        if kind in (OrderType.STOP, OrderType.STOP_LIMIT) and not order.triggered:
            stop = order.stop_price
            if stop is None or not (h >= float(stop) if buy else lo <= float(stop)):
                return None
            order.triggered = True
            displayed = self._touch_at(order, end)[1]
            if kind is OrderType.STOP:
                return self._single(order, _through(stop, o, buy, tick), displayed)
            # A stop-limit fills in the trigger minute only if its limit is within reach.
            trigger = _through(stop, o, buy, tick)
            limit = order.limit_price
            assert limit is not None
            if (buy and (trigger <= limit or lo <= float(limit))) or (
                not buy and (trigger >= limit or h >= float(limit))
            ):
                return self._single(
                    order, min(trigger, limit) if buy else max(trigger, limit), displayed
                )
            return None
        limit = order.limit_price
        assert limit is not None
        if buy and lo <= float(limit):
            price = min(limit, round_to_tick(o, tick)) if o <= float(limit) else limit
        elif not buy and h >= float(limit):
            price = max(limit, round_to_tick(o, tick)) if o >= float(limit) else limit
        else:
            return None
        return self._single(order, price, self._touch_at(order, end)[1])

    def _combo_minute(self, order: OrderState, minute: int, end: datetime) -> Execution | None:
        if order.type is OrderType.MARKET:
            return self._combo_now(order, end)
        pricer = self.market.pricer
        ranges = [pricer.minute_ohlc(leg.instrument, minute) for leg in order.legs]
        net_open = sum(
            _sign(leg) * float(leg.ratio) * r[0] for leg, r in zip(order.legs, ranges, strict=True)
        )
        net_close = sum(
            _sign(leg) * float(leg.ratio) * r[3] for leg, r in zip(order.legs, ranges, strict=True)
        )
        limit = order.limit_price
        if limit is None or min(net_open, net_close) > float(limit):
            return None
        if net_open <= float(limit):
            net = min(limit, round_to_tick(net_open, Decimal("0.01")))
            return self._combo_fill(order, net, [r[0] for r in ranges])
        return self._combo_fill(order, limit, [r[3] for r in ranges])


def _sign(leg: LegState) -> int:
    return leg.side.sign


def _net(legs: Sequence[LegState], prices: Sequence[Decimal]) -> Decimal:
    """Net price per order unit: buys add, sells subtract (debit positive)."""
    return sum(
        (_sign(leg) * leg.ratio * price for leg, price in zip(legs, prices, strict=True)), _ZERO
    )


def _through(stop: Decimal, open_: float, buy: bool, tick: Decimal) -> Decimal:
    """A triggered stop's fill: the stop price, or the open when the minute gapped through it."""
    opened = round_to_tick(open_, tick)
    return max(stop, opened) if buy else min(stop, opened)


def _fractional_ok(leg: LegState) -> bool:
    details = leg.instrument.details
    return details is not None and details.quantity_increment < 1
