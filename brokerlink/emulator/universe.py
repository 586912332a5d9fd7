"""The emulator's known universe: which symbols exist, and their contract details.

A :class:`SymbolSpec` describes one equity/ETF, index, futures root or crypto pair. Derived
instruments exist without being listed one by one:

- **options** on every optionable equity, ETF or index, for the listed expirations (weekly
  Fridays for 8 weeks plus third-Friday monthlies for 6 months, a holiday Friday moving to the
  Thursday) and strikes on a fixed grid per underlying;
- **futures** contracts of every root on its month cycle (quarterly ``HMUZ`` by default) for the
  next few contracts;
- **futures options** on every listed contract: a quarterly expiring with the future (option root
  = the futures root, option code = the future's: ``./ESH5 ESH5 250321C6000``), and on the front
  contract weeklies on the Fridays of the next four weeks (root ``<first letter>W<week of
  month>``, as CME's ``EW1``-``EW4``), strikes on the root's fixed grid.

Listing depends on "today" (the engine's clock), which only moves forward, so an instrument that
was tradable when an order was placed stays known until it expires.
"""

from __future__ import annotations

import calendar as _cal
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar, cast

import attrs

from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.defaults import DEFAULT_SYMBOLS, SymbolSpec, spec_from_text
from brokerlink.emulator.prices import text_key, unit
from brokerlink.enums import AssetClass, OptionRight
from brokerlink.errors import InvalidOrderError, SymbolNotFoundError
from brokerlink.instruments import (
    MONTH_CODES,
    Future,
    FutureOption,
    Instrument,
    InstrumentDetails,
    InstrumentLike,
    Option,
    instrument,
)

__all__ = [
    "FUTURE_OPTION_STRIKES_LISTED",
    "OPTION_ROOT_ALIASES",
    "Universe",
    "strike_increment",
    "third_friday",
]

InstrumentT = TypeVar("InstrumentT", bound=Instrument)

OPTION_ROOT_ALIASES: dict[str, str] = {"SPXW": "SPX", "NDXP": "NDX", "VIXW": "VIX"}
"""OCC roots that name another underlying's options (PM-settled weeklies)."""

_OPTION_STRIKES_LISTED = 30  # strikes each side of the money in a chain
_OPTION_STRIKE_BAND = 0.5  # strikes accepted for orders: within +/-50% of the current price
_FUTURE_OPTION_WEEKS = 4  # weeklies listed on the front futures contract

FUTURE_OPTION_STRIKES_LISTED = 8
"""Strikes each side of the money in a futures option chain."""


def third_friday(year: int, month: int) -> date:
    """The third Friday of a month (standard monthly option and index-future expiry)."""
    first = date(year, month, 1)
    offset = (4 - first.weekday()) % 7
    return first + timedelta(days=offset + 14)


def _previous_exchange_day(day: date) -> date:
    while day.weekday() >= 5 or day in mkt.NYSE_HOLIDAYS:
        day -= timedelta(days=1)
    return day


def strike_increment(price: float) -> Decimal:
    """The strike grid step for an underlying trading near ``price``."""
    for limit, step in ((25, "0.5"), (200, "1"), (500, "2.5"), (1000, "5"), (5000, "10")):
        if price < limit:
            return Decimal(step)
    return Decimal(25)


def _future_last_trade(root: str, year: int, month: int) -> date:
    """Approximate last trading day of a futures contract."""
    if root == "CL":
        # Crude: three business days before the 25th of the month before the contract month.
        prior = date(year, month, 1) - timedelta(days=1)
        day = date(prior.year, prior.month, 25)
        for _ in range(3):
            day = _previous_exchange_day(day - timedelta(days=1))
        return day
    if root == "GC":
        # Gold: third-last business day of the contract month.
        day = _previous_exchange_day(date(year, month, _cal.monthrange(year, month)[1]))
        for _ in range(2):
            day = _previous_exchange_day(day - timedelta(days=1))
        return day
    return _previous_exchange_day(third_friday(year, month))


@attrs.define
class Universe:
    """The set of known instruments, as of the date given to each lookup.

    ``fractional_equity`` makes equity details advertise a fractional quantity increment.
    """

    seed: int
    specs: dict[str, SymbolSpec]
    fractional_equity: bool = True

    @classmethod
    def build(
        cls,
        seed: int,
        symbols: tuple[SymbolSpec, ...] = DEFAULT_SYMBOLS,
        extra: tuple[SymbolSpec | str, ...] = (),
        *,
        fractional_equity: bool = True,
    ) -> Universe:
        """A universe of ``symbols`` plus ``extra`` (plain text becomes a seeded spec)."""
        specs: dict[str, SymbolSpec] = {}
        for item in (*symbols, *extra):
            spec = spec_from_text(item) if isinstance(item, str) else item
            specs[spec.key] = spec
        return cls(seed=seed, specs=specs, fractional_equity=fractional_equity)

    # -- specs --------------------------------------------------------------------------------

    def spec(self, key: str) -> SymbolSpec | None:
        """The spec under its key (``AAPL``, ``$SPX``, ``/ES``, ``BTC/USD``) or ``None``."""
        return self.specs.get(key)

    def spec_of(self, inst: Instrument) -> SymbolSpec:
        """The spec behind ``inst`` (for an option, its underlying's; a future, its root's)."""
        key: str
        if isinstance(inst, Option):
            key = self.option_underlying_key(inst.underlying) or ""
        elif isinstance(inst, Future):
            key = f"/{inst.root}"
        elif isinstance(inst, FutureOption):
            key = f"/{inst.future.root}"
        else:
            key = str(inst)
        spec = self.specs.get(key)
        if spec is None:
            raise SymbolNotFoundError(f"symbol {str(inst).strip()!r} is not known to the emulator")
        return spec

    def option_underlying_key(self, root: str) -> str | None:
        """The spec key an OCC root refers to (``SPXW`` -> ``$SPX``, ``AAPL`` -> ``AAPL``)."""
        root = OPTION_ROOT_ALIASES.get(root, root)
        for key in (root, f"${root}"):
            spec = self.specs.get(key)
            if spec is not None and spec.has_options:
                return key
        # OCC roots drop the class-share dot: BRKB is BRK.B's root.
        for key, spec in self.specs.items():
            if spec.has_options and key.replace(".", "") == root:
                return key
        return None

    def underlying_of(self, option: Option) -> Instrument:
        """The instrument an option is written on."""
        return self.resolve(self.option_underlying_key(option.underlying) or option.underlying)

    def option_root_for(self, underlying: Instrument) -> str:
        """The OCC root used for options listed on ``underlying``."""
        text = str(underlying)
        return text.removeprefix("$").replace(".", "")

    # -- listing ------------------------------------------------------------------------------

    def expirations(self, today: date) -> list[date]:
        """Listed option expirations on ``today``: 8 weekly Fridays plus 6 monthly third Fridays."""
        found: set[date] = set()
        friday = today + timedelta(days=(4 - today.weekday()) % 7)
        for week in range(8):
            found.add(_previous_exchange_day(friday + timedelta(weeks=week)))
        year, month = today.year, today.month
        for _ in range(7):
            found.add(_previous_exchange_day(third_friday(year, month)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return sorted(day for day in found if day >= today)

    def futures(self, root: str, today: date) -> list[Future]:
        """The listed contracts of ``root`` on ``today``, nearest first."""
        spec = self.specs.get(f"/{root}")
        if spec is None or spec.kind is not AssetClass.FUTURE:
            return []
        listed: list[Future] = []
        year, month = today.year, today.month
        while len(listed) < spec.contracts:
            if (
                MONTH_CODES[month - 1] in spec.cycle
                and _future_last_trade(root, year, month) >= today
            ):
                listed.append(Future(root, month, year))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return listed

    def last_trade_date(self, future: Future) -> date:
        """The last trading date of a futures contract."""
        return _future_last_trade(future.root, future.year, future.month)

    def strikes(
        self, underlying_key: str, price: float, each_side: int = _OPTION_STRIKES_LISTED
    ) -> list[Decimal]:
        """The strikes listed in a chain when the underlying trades at ``price``
        (``each_side`` strikes on each side of the money)."""
        step = self.strike_step(underlying_key)
        center = int(Decimal(repr(price)) / step)
        return [step * k for k in range(center - each_side + 1, center + each_side + 1) if k > 0]

    def future_option_expirations(self, future: Future, today: date) -> list[tuple[date, str]]:
        """``(expiration, option root)`` of the options on ``future`` listed on ``today``,
        nearest first (none when the future itself is not listed)."""
        listed = self.futures(future.root, today)
        if future not in listed:
            return []
        last = self.last_trade_date(future)
        found = [(last, future.root)]
        if future == listed[0]:
            friday = today + timedelta(days=(4 - today.weekday()) % 7)
            for week in range(_FUTURE_OPTION_WEEKS):
                day = friday + timedelta(weeks=week)
                if day < last and day not in mkt.NYSE_HOLIDAYS:
                    found.append((day, f"{future.root[0]}W{(day.day - 1) // 7 + 1}"))
        return sorted(found)

    def future_option(
        self,
        future: Future,
        expiration: date,
        root: str,
        right: OptionRight | str,
        strike: Decimal,
    ) -> FutureOption:
        """The futures option contract of ``root`` (the quarterly's option code is the
        future's own; a weekly's, its expiration month's)."""
        if root == future.root:
            return FutureOption(future, root, expiration, right, strike, option_code=future.code)
        return FutureOption(future, root, expiration, right, strike)

    def strike_step(self, underlying_key: str) -> Decimal:
        """The fixed strike grid step of an underlying (from its reference price level)."""
        spec = self.specs[underlying_key]
        return strike_increment(float(self.reference_price(spec)))

    def reference_price(self, spec: SymbolSpec) -> Decimal:
        """The spec's price level, or a seeded one between 20 and 500 when it has none."""
        if spec.price is not None:
            return spec.price
        level = 20.0 * 25.0 ** unit(self.seed, text_key(spec.key), 100)
        return Decimal(f"{level:.2f}")

    # -- lookup -------------------------------------------------------------------------------

    def resolve(self, value: InstrumentLike, *, now: datetime | None = None) -> Instrument:
        """The instrument for ``value``, with details; unknown symbols raise SymbolNotFoundError.

        With ``now``, options, futures and futures options must also be listed on that date:
        expired contracts, strikes off the grid and expirations that do not exist are unknown.
        A futures option's ``future`` carries its own details too.
        """
        try:
            inst = instrument(value)
        except InvalidOrderError as exc:
            raise SymbolNotFoundError(f"unknown symbol: {exc.message}") from None
        spec = self.spec_of(inst)
        if now is not None:
            self._check_listed(inst, now)
        return self._detailed(inst, spec)

    def with_details(self, option: InstrumentT) -> InstrumentT:
        """``option`` with its details attached (no listing check: for building chains)."""
        return self._detailed(option, self.spec_of(option))

    def _detailed(self, inst: InstrumentT, spec: SymbolSpec) -> InstrumentT:
        detailed: Instrument = inst.with_details(self._details(inst, spec))
        if isinstance(detailed, FutureOption):
            # The future's details make its multiplier the option's point value for wire fronts.
            future = detailed.future.with_details(self._details(detailed.future, spec))
            detailed = attrs.evolve(detailed, future=future)
        return cast(InstrumentT, detailed)

    def _check_listed(self, inst: Instrument, now: datetime) -> None:
        today = mkt.trading_date(mkt.Schedule.EQUITY, now)
        if isinstance(inst, Option):
            key = self.option_underlying_key(inst.underlying)
            if key is None or inst.expiration not in self.expirations(today):
                raise SymbolNotFoundError(f"option {str(inst)!r} is not listed")
            if inst.strike % self.strike_step(key) != 0:
                raise SymbolNotFoundError(f"option {str(inst)!r}: no such strike")
        elif isinstance(inst, Future) and inst not in self.futures(inst.root, today):
            raise SymbolNotFoundError(f"future {inst} is not listed (expired or too far out)")
        elif isinstance(inst, FutureOption):
            future = inst.future
            roots = dict(self.future_option_expirations(future, today))
            if roots.get(inst.expiration) != inst.option_root:
                raise SymbolNotFoundError(f"future option {inst} is not listed")
            if inst.strike % self.strike_step(f"/{future.root}") != 0:
                raise SymbolNotFoundError(f"future option {inst}: no such strike")
            listed = self.future_option(
                future, inst.expiration, inst.option_root, inst.right.value, inst.strike
            )
            if listed.option_code != inst.option_code:
                raise SymbolNotFoundError(f"future option {inst}: wrong option contract code")

    def _details(self, inst: Instrument, spec: SymbolSpec) -> InstrumentDetails:
        if isinstance(inst, Option):
            right = "call" if inst.right.value == "C" else "put"
            return InstrumentDetails(
                description=f"{spec.description} {inst.expiration:%Y-%m-%d} {inst.strike} {right}",
                tick_size=Decimal("0.01"),
                multiplier=Decimal(100),
                tradable=True,
                exchange="OPRA",
            )
        if isinstance(inst, FutureOption):
            right = "call" if inst.right.value == "C" else "put"
            month = _cal.month_abbr[inst.future.month]
            return InstrumentDetails(
                description=f"{spec.description} {month} {inst.future.year} "
                f"{inst.expiration:%Y-%m-%d} {inst.strike} {right}",
                tick_size=spec.option_tick,
                multiplier=spec.contract_multiplier,
                tradable=True,
                exchange=spec.exchange,
            )
        if isinstance(inst, Future):
            month = _cal.month_abbr[inst.month]
            return InstrumentDetails(
                description=f"{spec.description} {month} {inst.year}",
                tick_size=spec.tick,
                multiplier=spec.contract_multiplier,
                tradable=True,
                exchange=spec.exchange,
            )
        fractional = (self.fractional_equity and spec.kind is AssetClass.EQUITY) or (
            spec.kind is AssetClass.CRYPTO
        )
        step = Decimal("0.0001") if fractional else Decimal(1)
        return InstrumentDetails(
            description=spec.description,
            tick_size=spec.tick,
            multiplier=spec.contract_multiplier,
            tradable=spec.kind is not AssetClass.INDEX,
            exchange=spec.exchange,
            min_quantity=step,
            quantity_increment=step,
        )
