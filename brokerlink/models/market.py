"""Market data: quotes, bars and option chains."""

from __future__ import annotations

import datetime as _dt
from datetime import date, datetime
from decimal import Decimal

import attrs

from brokerlink.instruments import FutureOption, Instrument, Option
from brokerlink.models._common import optional_utc
from brokerlink.money import DecimalLike, as_decimal

__all__ = ["Bar", "OptionChain", "OptionContract", "OptionExpiration", "OptionStrike", "Quote"]

OptionContract = Option | FutureOption
"""A contract in an :class:`OptionChain`: an equity/index option or an option on a future."""

_TWO = Decimal(2)


# No __weakref__ slot: it would keep _QuoteSlots (below) from sharing the layout.
@attrs.frozen(kw_only=True, weakref_slot=False)
class Quote:
    """The latest bid, ask and last trade of an instrument.

    Prices and sizes are ``None`` when the broker has none (no bid on a far out-of-the-money
    option, no trade yet today). ``time`` is when the broker stamped the quote, in UTC (``None``
    when it did not say).
    """

    instrument: Instrument
    bid: Decimal | None
    ask: Decimal | None
    last: Decimal | None
    bid_size: Decimal | None
    ask_size: Decimal | None
    time: datetime | None = attrs.field(validator=optional_utc)
    volume: Decimal | None = None
    raw: object = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def _trusted(
        cls,
        instrument: Instrument,
        bid: Decimal | None,
        ask: Decimal | None,
        last: Decimal | None,
        bid_size: Decimal | None,
        ask_size: Decimal | None,
        time: datetime | None,
        volume: Decimal | None,
        raw: object,
        /,
    ) -> Quote:
        """A quote from values a parser has already checked, skipping the validator.

        For adapters' parse boundaries only (quote streams run at thousands of frames a
        second, and the attrs ``__init__`` costs more than the decode): ``time`` must already
        be an aware UTC datetime or ``None``, the numbers finite Decimals or ``None``. The
        result is equal to ``Quote(...)`` with the same values. Everyone else uses the
        constructor, which checks.
        """
        self = _QuoteSlots()
        self.instrument = instrument
        self.bid = bid
        self.ask = ask
        self.last = last
        self.bid_size = bid_size
        self.ask_size = ask_size
        self.time = time
        self.volume = volume
        self.raw = raw
        self.__class__ = cls  # type: ignore[assignment]
        return self  # type: ignore[return-value]

    @property
    def mid(self) -> Decimal | None:
        """Midpoint of bid and ask, or ``None`` unless both are present."""
        if self.bid is None or self.ask is None:
            return None
        return (self.bid + self.ask) / _TWO

    @property
    def spread(self) -> Decimal | None:
        """``ask - bid``, or ``None`` unless both are present."""
        if self.bid is None or self.ask is None:
            return None
        return self.ask - self.bid


class _QuoteSlots:
    """A mutable twin of :class:`Quote` (the same slots, in the same order) for
    :meth:`Quote._trusted`: it is filled with plain attribute stores, then its ``__class__`` is
    set to ``Quote``, which CPython allows between classes of one layout. A frozen class's
    stores go through its raising ``__setattr__`` (``object.__setattr__`` around it, or the
    slot descriptors called one by one, cost three times as much); a quote stream builds one
    quote per frame, by the thousand a second.
    """

    __slots__ = tuple(field.name for field in attrs.fields(Quote))  # Quote's order

    instrument: Instrument
    bid: Decimal | None
    ask: Decimal | None
    last: Decimal | None
    bid_size: Decimal | None
    ask_size: Decimal | None
    time: datetime | None
    volume: Decimal | None
    raw: object


@attrs.frozen(kw_only=True)
class Bar:
    """One OHLCV bar.

    ``time`` is the start of the interval in UTC for intraday bars, and 00:00 UTC of the trading
    date for daily and longer bars (so ``bar.time.date()`` is that date). No converters or
    validators: bar history is decoded by the hundred thousand, and adapters pass exact types.
    """

    time: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


@attrs.frozen(kw_only=True)
class OptionStrike:
    """One strike of an expiration, with its call and put (``None`` when not listed)."""

    strike: Decimal
    call: OptionContract | None = None
    put: OptionContract | None = None

    def contracts(self) -> tuple[OptionContract, ...]:
        """The listed contracts at this strike: call first, then put."""
        return tuple(c for c in (self.call, self.put) if c is not None)


@attrs.frozen(kw_only=True)
class OptionExpiration:
    """One expiration date of a chain, its strikes in ascending order."""

    date: _dt.date  # the module alias: a field named `date` shadows the type in the class body
    strikes: tuple[OptionStrike, ...]

    def nearest(self, strike: DecimalLike) -> OptionStrike:
        """The listed strike closest to ``strike`` (the lower one on a tie).

        Raises ``ValueError`` when the expiration lists no strikes.
        """
        if not self.strikes:
            raise ValueError(f"expiration {self.date} lists no strikes")
        target = as_decimal(strike)
        return min(self.strikes, key=lambda s: (abs(s.strike - target), s.strike))

    def strike(self, strike: DecimalLike) -> OptionStrike:
        """The strike exactly equal to ``strike``; ``KeyError`` naming the nearest when absent."""
        target = as_decimal(strike)
        for listed in self.strikes:
            if listed.strike == target:
                return listed
        hint = f"; nearest is {self.nearest(target).strike}" if self.strikes else ""
        raise KeyError(f"no strike {target} on {self.date}{hint}")

    def contracts(self) -> tuple[OptionContract, ...]:
        """Every listed contract of this expiration, by strike, call before put."""
        return tuple(c for s in self.strikes for c in s.contracts())


@attrs.frozen(kw_only=True)
class OptionChain:
    """The listed options of an underlying, by expiration (ascending)."""

    underlying: Instrument
    expirations: tuple[OptionExpiration, ...]
    raw: object = attrs.field(default=None, eq=False, repr=False)

    @property
    def dates(self) -> tuple[date, ...]:
        """The expiration dates, ascending."""
        return tuple(e.date for e in self.expirations)

    def expiration(self, when: date | str) -> OptionExpiration:
        """The expiration on ``when`` (a date or ISO text); ``KeyError`` lists the dates."""
        day = when if isinstance(when, date) else date.fromisoformat(when)
        for expiration in self.expirations:
            if expiration.date == day:
                return expiration
        listed = ", ".join(d.isoformat() for d in self.dates) or "none"
        raise KeyError(f"{self.underlying} has no expiration on {day}; listed: {listed}")

    def contracts(self) -> tuple[OptionContract, ...]:
        """Every listed contract of the chain, by expiration, then strike, call before put."""
        return tuple(c for e in self.expirations for c in e.contracts())
