"""Prices of every emulated instrument, as floats, from the seeded paths (no models here).

- equities, ETFs, indices and crypto follow their own :class:`~brokerlink.emulator.prices.PricePath`;
- a futures contract is its root's path plus a small carry that decays to zero at expiry;
- an option is priced with Black-Scholes off its underlying, with a seeded volatility and smile;
- a futures option is priced the same way off its future's price (the root's volatility).

:mod:`brokerlink.emulator.marketdata` turns these floats into Decimal quotes and bars rounded to
the instrument's tick; the matching engine reads minute ranges from here.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_EVEN, Decimal

from brokerlink.emulator.calendar import NEW_YORK
from brokerlink.emulator.defaults import SymbolSpec
from brokerlink.emulator.options_pricing import (
    MINUTES_PER_YEAR,
    black_scholes,
    smile_vol,
)
from brokerlink.emulator.prices import PricePath, path_for, text_key, unit
from brokerlink.emulator.universe import Universe
from brokerlink.enums import AssetClass, OptionRight
from brokerlink.instruments import Future, FutureOption, Instrument, Option

__all__ = ["OHLC", "Pricer", "epoch_minute", "option_expiry_time", "round_to_tick"]

OHLC = tuple[float, float, float, float]
"""``(open, high, low, close)`` as floats."""

_CARRY_PER_YEAR = 0.02  # futures trade a little above spot, converging at expiry
_OPTION_TICK = Decimal("0.01")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_minute(dt: datetime) -> int:
    """Whole minutes since the Unix epoch (floored)."""
    return math.floor((dt - _EPOCH).total_seconds() / 60.0)


def round_to_tick(
    value: float | Decimal, tick: Decimal, rounding: str = ROUND_HALF_EVEN
) -> Decimal:
    """``value`` rounded to a multiple of ``tick`` (``ROUND_FLOOR``/``ROUND_CEILING`` for bounds)."""
    steps = (Decimal(repr(value)) if isinstance(value, float) else value) / tick
    return steps.quantize(Decimal(1), rounding=rounding) * tick


def _fast_round(value: float, tick: Decimal, tick_f: float, mode: int) -> Decimal:
    """Hot-path rounding for bars: ``mode`` 0 nearest, -1 floor, 1 ceiling."""
    ratio = value / tick_f
    # A tiny epsilon keeps values that are exact multiples from flipping a tick on float noise.
    steps = (
        math.floor(ratio + 1e-9)
        if mode < 0
        else math.ceil(ratio - 1e-9)
        if mode > 0
        else round(ratio)
    )
    return Decimal(steps) * tick


def option_expiry_time(expiration: date) -> datetime:
    """When an option stops trading: 16:00 New York time on its expiration date, in UTC."""
    return datetime.combine(expiration, time(16), tzinfo=NEW_YORK).astimezone(UTC)


class Pricer:
    """Float prices for any known instrument at any time, O(1) per minute."""

    def __init__(self, seed: int, universe: Universe) -> None:
        self.seed = seed
        self.universe = universe
        # Spec lookups walk the universe (option roots, aliases); bar loops call them per minute.
        self._specs: dict[Instrument, SymbolSpec] = {}
        self._minutes: dict[tuple[Instrument, int], OHLC] = {}

    def spec(self, inst: Instrument) -> SymbolSpec:
        """The universe spec behind ``inst`` (cached)."""
        spec = self._specs.get(inst)
        if spec is None:
            spec = self._specs[inst] = self.universe.spec_of(inst)
        return spec

    # -- building blocks ------------------------------------------------------------------------

    def path(self, spec: SymbolSpec) -> PricePath:
        """The price path of a spec (its level from the universe's reference price)."""
        return path_for(self.seed, spec.key, float(self.universe.reference_price(spec)), spec.scale)

    def vol(self, spec: SymbolSpec) -> float:
        """The option-pricing volatility of an underlying (seeded 20%-50% when not given)."""
        if spec.vol is not None:
            return spec.vol
        return 0.20 + 0.30 * unit(self.seed, text_key(spec.key), 400)

    def tick(self, inst: Instrument) -> Decimal:
        """The minimum price increment of ``inst``."""
        if isinstance(inst, Option):
            return _OPTION_TICK
        if isinstance(inst, FutureOption):
            return self.spec(inst).option_tick
        return self.spec(inst).tick

    def _carry(self, future: Future, minute: float) -> float:
        expiry = datetime.combine(self.universe.last_trade_date(future), time(17), tzinfo=NEW_YORK)
        years = max(0.0, (epoch_minute(expiry) - minute) / MINUTES_PER_YEAR)
        return 1.0 + _CARRY_PER_YEAR * years

    def _option_value(
        self, option: Option | FutureOption, spot: float, minute: float, spec: SymbolSpec
    ) -> float:
        expiry = epoch_minute(option_expiry_time(option.expiration))
        years = max(0.0, (expiry - minute) / MINUTES_PER_YEAR)
        strike = float(option.strike)
        vol = smile_vol(self.vol(spec), spot=spot, strike=strike)
        return black_scholes(
            spot=spot, strike=strike, years=years, vol=vol, call=option.right is OptionRight.CALL
        )

    # -- prices -------------------------------------------------------------------------------

    def mid(self, inst: Instrument, at: datetime) -> float:
        """The theoretical mid price of ``inst`` at ``at``."""
        seconds = (at - _EPOCH).total_seconds()
        spec = self.spec(inst)
        if isinstance(inst, FutureOption):
            return self._option_value(inst, self.mid(inst.future, at), seconds / 60.0, spec)
        spot = self.path(spec).price_at(seconds)
        if isinstance(inst, Future):
            return spot * self._carry(inst, seconds / 60.0)
        if isinstance(inst, Option):
            return self._option_value(inst, spot, seconds / 60.0, spec)
        return spot

    def minute_run(self, inst: Instrument, first: int, count: int) -> list[OHLC]:
        """OHLC of ``count`` consecutive minutes from epoch minute ``first``.

        The range of an option comes from its underlying's range: a call's high is its value at
        the underlying's high (and a put's at the low), priced at the start of the minute, while
        the low is priced at the end of the minute, so ``low <= open, close <= high`` holds. A
        futures option's range comes from its future's the same way.
        """
        if isinstance(inst, FutureOption):
            return self._option_run(inst, self.minute_run(inst.future, first, count), first)
        spec = self.spec(inst)
        run = self.path(spec).ohlc_run(first, count)
        if isinstance(inst, Future):
            out: list[OHLC] = []
            for i, (o, h, lo, c) in enumerate(run):
                k = self._carry(inst, first + i)
                out.append((o * k, h * k, lo * k, c * k))
            return out
        if isinstance(inst, Option):
            return self._option_run(inst, run, first)
        return run

    def _option_run(self, option: Option | FutureOption, run: list[OHLC], first: int) -> list[OHLC]:
        """Option OHLC from the underlying's minute ranges ``run`` (see :meth:`minute_run`)."""
        spec = self.spec(option)
        call = option.right is OptionRight.CALL
        out: list[OHLC] = []
        for i, (o, h, lo, c) in enumerate(run):
            t0, t1 = first + i, first + i + 1
            best, worst = (h, lo) if call else (lo, h)
            out.append(
                (
                    self._option_value(option, o, t0, spec),
                    self._option_value(option, best, t0, spec),
                    self._option_value(option, worst, t1, spec),
                    self._option_value(option, c, t1, spec),
                )
            )
        return out

    def minute_ohlc(self, inst: Instrument, minute: int) -> OHLC:
        """OHLC of one minute (epoch minute number); memoised for the matching loop, where
        several orders on one instrument look at the same minute."""
        key = (inst, minute)
        found = self._minutes.get(key)
        if found is None:
            if len(self._minutes) > 50_000:
                self._minutes.clear()
            found = self._minutes[key] = self.minute_run(inst, minute, 1)[0]
        return found

    def volume_weight(self, inst: Instrument, minute: int) -> float:
        """A deterministic per-minute activity factor in ``[0.25, 1.75)``."""
        return self.path(self.spec(inst)).volume_weight(minute)

    def daily_volume(self, inst: Instrument) -> int:
        """A typical day's volume for ``inst`` (seeded per symbol and kind)."""
        spec = self.spec(inst)
        draw = unit(self.seed, text_key(str(inst)), 500)
        base = {
            AssetClass.EQUITY: 20_000_000,
            AssetClass.INDEX: 1_000_000,
            AssetClass.FUTURE: 300_000,
            AssetClass.CRYPTO: 20_000,
        }[spec.kind]
        if isinstance(inst, Option | FutureOption):
            base = 5_000
        return max(100, int(base * (0.2 + 1.6 * draw)))

    def hashed(self, inst: Instrument, minute: int, salt: int) -> float:
        """A deterministic float in ``[0, 1)`` for ``inst`` and minute (sizes, spreads)."""
        return unit(self.seed, text_key(str(inst)), minute, salt)

    # -- rounding -----------------------------------------------------------------------------

    @staticmethod
    def fast_round(value: float, tick: Decimal, tick_f: float, mode: int = 0) -> Decimal:
        """Round ``value`` to ``tick`` (``mode`` 0 nearest, -1 down, 1 up); for bulk bar output."""
        return _fast_round(value, tick, tick_f, mode)
