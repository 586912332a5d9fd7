"""Stream events: what ``stream_quotes``, ``stream_bars``, ``stream_orders`` and
``stream_positions`` yield. Each carries the model it is about and when it happened, in UTC."""

from __future__ import annotations

from datetime import datetime
from typing import TypeAlias

import attrs

from brokerlink.instruments import Instrument
from brokerlink.models._common import utc
from brokerlink.models.account import Position
from brokerlink.models.market import Bar, Quote
from brokerlink.models.order import Fill, Order
from brokerlink.timeframes import Timeframe

__all__ = ["BarEvent", "OrderEvent", "PositionEvent", "QuoteEvent", "StreamEvent"]


# No __weakref__ slot, as for Quote: _QuoteEventSlots shares the layout.
@attrs.frozen(kw_only=True, weakref_slot=False)
class QuoteEvent:
    """A new quote. ``received_at`` is when brokerlink received it (``quote.time`` is the
    broker's stamp), so the difference is the feed's latency."""

    quote: Quote
    received_at: datetime = attrs.field(validator=utc)

    @classmethod
    def _trusted(cls, quote: Quote, received_at: datetime, /) -> QuoteEvent:
        """An event from a quote and an aware UTC receipt time, skipping the validator.

        For adapters' stream parse boundaries only (``received_at`` straight from
        :func:`~brokerlink.timeutil.utcnow`); equal to ``QuoteEvent(...)`` with the same values.
        """
        self = _QuoteEventSlots()
        self.quote = quote
        self.received_at = received_at
        self.__class__ = cls  # type: ignore[assignment]
        return self  # type: ignore[return-value]

    @property
    def instrument(self) -> Instrument:
        """The quoted instrument."""
        return self.quote.instrument


class _QuoteEventSlots:
    """The mutable twin of :class:`QuoteEvent`, for its ``_trusted`` (see ``_QuoteSlots``)."""

    __slots__ = tuple(field.name for field in attrs.fields(QuoteEvent))

    quote: Quote
    received_at: datetime


@attrs.frozen(kw_only=True)
class BarEvent:
    """A bar update. ``complete`` is False while the interval is still forming (the bar may
    change and will be sent again) and True once it is closed."""

    instrument: Instrument
    timeframe: Timeframe
    bar: Bar
    complete: bool


@attrs.frozen(kw_only=True)
class OrderEvent:
    """An order changed: its new state, and the execution that changed it when there was one.

    ``time`` is the broker's time of the change (or of receipt, when the broker gives none).
    """

    order: Order
    fill: Fill | None
    time: datetime = attrs.field(validator=utc)


@attrs.frozen(kw_only=True)
class PositionEvent:
    """A position changed (opened, resized, closed: a closed position has quantity zero)."""

    position: Position
    time: datetime = attrs.field(validator=utc)


StreamEvent: TypeAlias = QuoteEvent | BarEvent | OrderEvent | PositionEvent
"""Any event a stream yields; ``match`` on the class to handle each kind."""
