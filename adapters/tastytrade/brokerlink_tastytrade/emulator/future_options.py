"""Options on futures at the tastytrade front: listing, quotes and their wire shapes
(refs/tastytrade/NOTES.md §6-7; examples ``GET_futures-option-chains_ES*``,
``GET_instruments_future-options_SYMBOL.response.json``).

The core engine lists and prices futures but has no options on them, so the front lists them
itself, from the engine's futures:

- every listed futures contract has a quarterly option expiring with it (option root = the
  futures root, ``./ESH5 ESH5 250321C6000``) and the front contract has weeklies on the
  Fridays of the next four weeks (root ``<first letter>W<week of month>``, as CME's ``EW1``-
  ``EW4``: ``./ESH5 EW2F5 250110C6000``);
- strikes sit on the engine's grid for the root (its fixed strike step), 8 each side of the
  money;
- quotes are Black-Scholes on the futures mid (the engine's own pricing functions and
  volatility for the root), one tick wide, ticks as the documented ES chain (0.05 below 5.0,
  0.25 above).

Orders on them are refused: the engine cannot hold or fill them.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import attrs

from brokerlink.emulator import Engine
from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.options_pricing import MINUTES_PER_YEAR, black_scholes, smile_vol
from brokerlink.emulator.pricer import option_expiry_time
from brokerlink.enums import OptionRight
from brokerlink.errors import SymbolNotFoundError
from brokerlink.instruments import MONTH_CODES, Future, FutureOption, InstrumentDetails
from brokerlink.models import Quote
from brokerlink.money import format_plain
from brokerlink_tastytrade.emulator.envelope import dec, iso
from brokerlink_tastytrade.emulator.symbols import streamer_symbol, tasty_symbol

__all__ = [
    "FutureOptions",
    "future_option_json",
    "futures_nested_json",
    "option_product_json",
]

_STRIKES_EACH_SIDE = 8
_WEEKS = 4
_TICK_SMALL, _TICK, _TICK_THRESHOLD = Decimal("0.05"), Decimal("0.25"), Decimal("5.0")
_DISPLAY_FACTOR = Decimal("0.01")


def _tick(price: Decimal) -> Decimal:
    return _TICK_SMALL if price < _TICK_THRESHOLD else _TICK


def _weekly_root(root: str, day: date) -> str:
    return f"{root[0]}W{(day.day - 1) // 7 + 1}"


class FutureOptions:
    """The options on ``engine``'s futures a tastytrade front lists and quotes."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- listing --------------------------------------------------------------------------------
    def expirations(self, future: Future, today: date) -> list[tuple[date, str]]:
        """``(expiration, option root)`` of ``future``'s options listed on ``today``."""
        universe = self.engine.universe
        listed = universe.futures(future.root, today)
        if future not in listed:
            return []
        last = universe.last_trade_date(future)
        found = [(last, future.root)]
        if future == listed[0]:
            friday = today + timedelta(days=(4 - today.weekday()) % 7)
            for week in range(_WEEKS):
                day = friday + timedelta(weeks=week)
                if day < last and day not in mkt.NYSE_HOLIDAYS:
                    found.append((day, _weekly_root(future.root, day)))
        return sorted(found)

    def contract(
        self, future: Future, expiration: date, root: str, right: str, strike: Decimal
    ) -> FutureOption:
        """One listed contract (the quarterly's option code is the future's own)."""
        if root == future.root:
            return FutureOption(future, root, expiration, right, strike, option_code=future.code)
        return FutureOption(future, root, expiration, right, strike)

    def strikes(self, future: Future) -> list[Decimal]:
        """The strikes listed now: the root's grid around the futures price."""
        step = self.engine.universe.strike_step(f"/{future.root}")
        spot = self._spot(future)
        center = int(spot / step)
        return [
            step * k
            for k in range(center - _STRIKES_EACH_SIDE + 1, center + _STRIKES_EACH_SIDE + 1)
            if k > 0
        ]

    def check_listed(self, option: FutureOption, today: date) -> FutureOption:
        """``option`` with the future's details when listed; SymbolNotFoundError otherwise."""
        future = self.engine.details(option.future)
        assert isinstance(future, Future)
        roots = dict(self.expirations(future, today))
        if roots.get(option.expiration) != option.option_root:
            raise SymbolNotFoundError(f"future option {option} is not listed")
        if option.strike % self.engine.universe.strike_step(f"/{future.root}") != 0:
            raise SymbolNotFoundError(f"future option {option}: no such strike")
        listed = self.contract(
            future, option.expiration, option.option_root, option.right.value, option.strike
        )
        if listed.option_code != option.option_code:
            raise SymbolNotFoundError(f"future option {option}: wrong option contract code")
        month = MONTH_CODES[option.expiration.month - 1]
        # On the detailed future: its multiplier is the option's point value.
        return attrs.evolve(option, future=future).with_details(
            InstrumentDetails(
                description=f"{future.details.description if future.details else future} "
                f"{month}{option.expiration:%y} {option.strike} {option.right.name.lower()}",
                tick_size=_TICK,
                multiplier=future.multiplier,
                tradable=False,  # the engine cannot fill it (see the module docstring)
                exchange=future.details.exchange if future.details else None,
            )
        )

    # -- prices ---------------------------------------------------------------------------------
    def _spot(self, future: Future) -> Decimal:
        quote = self.engine.quote(future)
        spot = quote.mid or quote.last
        if spot is None:
            raise SymbolNotFoundError(f"{future} has no price to list options from")
        return spot

    def quote(self, option: FutureOption, future_quote: Quote) -> Quote:
        """The option's quote off ``future_quote`` (its time is the option quote's time)."""
        spot = future_quote.mid or future_quote.last or Decimal(0)
        when = future_quote.time or self.engine.now()
        minutes = (option_expiry_time(option.expiration) - when).total_seconds() / 60.0
        spec = self.engine.universe.spec_of(option.future)
        strike = float(option.strike)
        vol = smile_vol(self.engine.pricer.vol(spec), spot=float(spot), strike=strike)
        value = black_scholes(
            spot=float(spot),
            strike=strike,
            years=max(0.0, minutes / MINUTES_PER_YEAR),
            vol=vol,
            call=option.right is OptionRight.CALL,
        )
        mid = Decimal(repr(value))
        tick = _tick(mid)
        bid = (mid / tick).to_integral_value(rounding=ROUND_FLOOR) * tick
        minute = int(when.timestamp() // 60)
        size = Decimal(5 + int(20 * self.engine.pricer.hashed(option, minute, 7)))
        return Quote(
            instrument=option,
            bid=bid,
            ask=bid + tick,
            last=bid + tick if mid - bid > tick / 2 else bid,
            bid_size=size,
            ask_size=size + 1,
            time=when,
        )


def _streamer(option: FutureOption, exchange: str) -> str:
    """``./EW2F25C6000:XCME``: option root and code (2-digit year), right, strike, venue."""
    return streamer_symbol(option, exchange)


def option_product_json(root: str, future: Future) -> dict[str, Any]:
    """A ``future-option-product`` (``GET /instruments/future-option-products``)."""
    exchange = future.details.exchange if future.details and future.details.exchange else "CME"
    weekly = root != future.root
    return {
        "root-symbol": root,
        "cash-settled": False,
        "code": root,
        "legacy-code": root,
        "clearport-code": root,
        "clearing-code": root[-2:],
        "clearing-exchange-code": "9C",
        "clearing-price-multiplier": "1.0",
        "display-factor": dec(_DISPLAY_FACTOR),
        "exchange": exchange,
        "product-type": "Physical",
        "expiration-type": "Weekly" if weekly else "Regular",
        "settlement-delay-days": 0,
        "is-rollover": False,
        "market-sector": "Equity Index" if future.root in ("ES", "MES", "NQ") else "Other",
    }


def future_option_json(option: FutureOption, today: date) -> dict[str, Any]:
    """One future option (``GET /instruments/future-options/{symbol}``, full chain items)."""
    future = option.future
    exchange = future.details.exchange if future.details and future.details.exchange else "CME"
    expires = option_expiry_time(option.expiration)
    code = f"{option.option_root}{option.option_code[0]}{option.option_code[-1]}"
    return {
        "symbol": tasty_symbol(option),
        "underlying-symbol": tasty_symbol(future),
        "product-code": future.root,
        "expiration-date": option.expiration.isoformat(),
        "root-symbol": f"/{future.root}",
        "option-root-symbol": option.option_root,
        "strike-price": dec(option.strike),
        "exchange": exchange,
        "exchange-symbol": f"{code} {option.right.value}{format_plain(option.strike)}",
        "streamer-symbol": _streamer(option, exchange),
        "option-type": option.right.value,
        "exercise-style": "American",
        "is-vanilla": True,
        "is-primary-deliverable": True,
        "future-price-ratio": "1.0",
        "multiplier": "1.0",
        "underlying-count": "1.0",
        "is-confirmed": True,
        "notional-value": dec(future.multiplier * _DISPLAY_FACTOR),
        "display-factor": dec(_DISPLAY_FACTOR),
        "security-exchange": "2",
        "sx-id": "0",
        "settlement-type": "Future",
        "strike-factor": "1.0",
        "maturity-date": option.expiration.isoformat(),
        "is-exercisable-weekly": True,
        "last-trade-time": "0",
        "days-to-expiration": (option.expiration - today).days,
        "is-closing-only": False,
        "active": True,
        "stops-trading-at": iso(expires),
        "expires-at": iso(expires),
        "future-option-product": option_product_json(option.option_root, future),
    }


def _expiration_json(
    options: FutureOptions, future: Future, day: date, root: str, today: date
) -> dict[str, Any]:
    exchange = future.details.exchange if future.details and future.details.exchange else "CME"
    strikes = []
    sample: FutureOption | None = None
    for strike in options.strikes(future):
        call = options.contract(future, day, root, "C", strike)
        put = options.contract(future, day, root, "P", strike)
        sample = sample or call
        strikes.append(
            {
                "strike-price": dec(strike),
                "call": tasty_symbol(call),
                "call-streamer-symbol": _streamer(call, exchange),
                "put": tasty_symbol(put),
                "put-streamer-symbol": _streamer(put, exchange),
            }
        )
    expires = option_expiry_time(day)
    code = sample.option_code if sample else f"{MONTH_CODES[day.month - 1]}{day:%y}"
    return {
        "underlying-symbol": tasty_symbol(future),
        "root-symbol": f"/{future.root}",
        "option-root-symbol": root,
        "option-contract-symbol": f"{root}{code[0]}{code[-1]}",
        "asset": root,
        "expiration-date": day.isoformat(),
        "days-to-expiration": (day - today).days,
        "expiration-type": "Regular" if root == future.root else "Weekly",
        "settlement-type": "PM",
        "notional-value": dec(future.multiplier * _DISPLAY_FACTOR),
        "display-factor": dec(_DISPLAY_FACTOR),
        "strike-factor": "1.0",
        "stops-trading-at": iso(expires),
        "expires-at": iso(expires),
        "tick-sizes": [
            {"value": dec(_TICK_SMALL), "threshold": dec(_TICK_THRESHOLD)},
            {"value": dec(_TICK)},
        ],
        "strikes": strikes,
    }


def futures_nested_json(
    options: FutureOptions, root: str, futures: list[dict[str, Any]], today: date
) -> dict[str, Any]:
    """``GET /futures-option-chains/{root}/nested``: ``futures`` and one ``option-chains``
    entry holding every listed contract's expirations (no ``items``, as documented)."""
    expirations = []
    for contract in options.engine.universe.futures(root, today):
        future = options.engine.details(contract)
        assert isinstance(future, Future)
        for day, option_root in options.expirations(future, today):
            expirations.append(_expiration_json(options, future, day, option_root, today))
    chain = {
        "underlying-symbol": f"/{root}",
        "root-symbol": f"/{root}",
        "exercise-style": "American",
        "expirations": expirations,
    }
    return {"futures": futures, "option-chains": [chain]}
