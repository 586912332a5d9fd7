"""Tradier stream payloads -> core events (pure functions; NOTES §4.6).

Market events are mixed-typed: in a ``quote`` the prices and sizes are numbers and the dates
epoch-millisecond strings; in ``trade``, ``tradex``, ``summary`` and ``timesale`` prices and
sizes are strings. :class:`QuoteBook` folds them into one running :class:`~brokerlink.models.Quote`
per symbol (bid/ask from quotes, last and volume from trades and time and sales), so every event
yields a complete snapshot. Account events carry no symbol or side; :func:`order_event_stub`
reads what they do carry, and the stream completes it by fetching the order.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from brokerlink.instruments import Instrument
from brokerlink.models import Bar, BarEvent, Fill, Order, OrderEvent, Quote, QuoteEvent
from brokerlink.timeframes import Timeframe
from brokerlink.timeutil import utcnow
from brokerlink_tradier.quirks import opt_dec, when
from brokerlink_tradier.symbols import instrument_from_tradier
from brokerlink_tradier.wire import STATUSES

__all__ = [
    "MARKET_EVENTS",
    "AccountEvent",
    "BarBuilder",
    "QuoteBook",
    "account_event",
    "order_event",
]

MARKET_EVENTS = ("quote", "trade", "summary", "timesale", "tradex")
"""The market event types Tradier streams."""


class QuoteBook:
    """The latest quote per symbol, updated by market events."""

    def __init__(self, wanted: dict[str, Instrument]) -> None:
        self._wanted = wanted
        self._quotes: dict[str, Quote] = {}

    def apply(self, frame: dict[str, Any], received: datetime | None = None) -> QuoteEvent | None:
        """Fold one frame in; the new snapshot as an event, or ``None`` (summaries, others)."""
        kind = frame.get("type")
        symbol = str(frame.get("symbol") or "")
        if kind not in ("quote", "trade", "tradex", "timesale") or not symbol:
            return None
        target = self._wanted.get(symbol) or instrument_from_tradier(symbol)
        current = self._quotes.get(symbol) or Quote(
            instrument=target,
            bid=None,
            ask=None,
            last=None,
            bid_size=None,
            ask_size=None,
            time=None,
        )
        if kind == "quote":
            stamps = [t for t in (when(frame.get("biddate")), when(frame.get("askdate"))) if t]
            updated = attrs.evolve(
                current,
                bid=opt_dec(frame.get("bid")),
                ask=opt_dec(frame.get("ask")),
                bid_size=opt_dec(frame.get("bidsz")),
                ask_size=opt_dec(frame.get("asksz")),
                time=max(stamps) if stamps else current.time,
                raw=frame,
            )
        else:
            size = opt_dec(frame.get("size"))
            if kind != "timesale" and size == 0:
                return None  # Tradier sometimes sends zero-size trades; they are not prints
            if kind == "timesale" and (
                frame.get("cancel") is True or frame.get("correction") is True
            ):
                return None
            price = (
                opt_dec(frame.get("price")) if kind != "timesale" else opt_dec(frame.get("last"))
            )
            volume = opt_dec(frame.get("cvol"))
            updated = attrs.evolve(
                current,
                last=price if price is not None else current.last,
                volume=volume if volume is not None else current.volume,
                time=when(frame.get("date")) or current.time,
                raw=frame,
            )
            if kind == "timesale":
                updated = attrs.evolve(
                    updated,
                    bid=opt_dec(frame.get("bid")) or current.bid,
                    ask=opt_dec(frame.get("ask")) or current.ask,
                )
        self._quotes[symbol] = updated
        return QuoteEvent(quote=updated, received_at=received or utcnow())


class BarBuilder:
    """Intraday bars of one instrument from ``timesale`` prints (canceled and corrected ones
    skipped): each print updates the forming bar; a print in a later interval completes it."""

    def __init__(self, target: Instrument, timeframe: Timeframe) -> None:
        self._target = target
        self._timeframe = timeframe
        self._bar: Bar | None = None

    def apply(self, frame: dict[str, Any]) -> list[BarEvent]:
        """The events one frame causes: none, a forming update, or a completed bar and a new one."""
        if frame.get("type") != "timesale" or frame.get("cancel") is True:
            return []
        if frame.get("correction") is True:
            return []
        price, size, stamp = (
            opt_dec(frame.get("last")),
            opt_dec(frame.get("size")),
            when(frame.get("date")),
        )
        if price is None or stamp is None:
            return []
        start = self._timeframe.floor(stamp)
        events: list[BarEvent] = []
        current = self._bar
        if current is not None and start < current.time:
            return []  # a late print for a closed interval
        if current is not None and start > current.time:
            events.append(self._event(current, complete=True))
            current = None
        if current is None:
            current = Bar(
                time=start,
                open=price,
                high=price,
                low=price,
                close=price,
                volume=size or Decimal(0),
            )
        else:
            current = Bar(
                time=current.time,
                open=current.open,
                high=max(current.high, price),
                low=min(current.low, price),
                close=price,
                volume=current.volume + (size or Decimal(0)),
            )
        self._bar = current
        events.append(self._event(current, complete=False))
        return events

    def _event(self, bar: Bar, *, complete: bool) -> BarEvent:
        return BarEvent(
            instrument=self._target, timeframe=self._timeframe, bar=bar, complete=complete
        )


@attrs.frozen(kw_only=True)
class AccountEvent:
    """What an account ``order`` event says (no symbol, side or quantity: fetch the order)."""

    order_id: str
    account: str | None
    status: str
    filled_quantity: Decimal
    average_fill_price: Decimal | None
    last_fill_quantity: Decimal
    time: datetime | None


def account_event(frame: dict[str, Any]) -> AccountEvent | None:
    """The order event in ``frame``, or ``None`` (heartbeats and other events)."""
    if frame.get("event") != "order" or frame.get("id") is None:
        return None
    return AccountEvent(
        order_id=str(frame["id"]),
        account=str(frame["account"]) if frame.get("account") else None,
        status=str(frame.get("status") or ""),
        filled_quantity=opt_dec(frame.get("exec_quantity", frame.get("executed_quantity")))
        or Decimal(0),
        average_fill_price=opt_dec(frame.get("avg_fill_price")),
        last_fill_quantity=opt_dec(frame.get("last_fill_quantity")) or Decimal(0),
        time=when(frame.get("transaction_date")),
    )


def order_event(event: AccountEvent, order: Order) -> OrderEvent:
    """The core event: the fetched order (symbol, side, legs) in the state *the event* reports
    (status, fills), with a fill when the event reports one."""
    fill = None
    raw = order.raw if isinstance(order.raw, dict) else {}
    stamp = event.time or order.updated_at or utcnow()
    order = attrs.evolve(
        order,
        status=STATUSES.parse(event.status, path="$.status"),
        filled_quantity=event.filled_quantity,
        average_fill_price=event.average_fill_price if event.filled_quantity else None,
        updated_at=stamp,
    )
    price = opt_dec(raw.get("last_fill_price")) or order.average_fill_price
    if event.last_fill_quantity > 0 and price is not None and len(order.legs) == 1:
        leg = order.legs[0]
        fill = Fill(
            order_id=order.id,
            instrument=leg.instrument,
            side=leg.side,
            quantity=event.last_fill_quantity,
            price=price,
            time=stamp,
        )
    return OrderEvent(order=order, fill=fill, time=stamp)
