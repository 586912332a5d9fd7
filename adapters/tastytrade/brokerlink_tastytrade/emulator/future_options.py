"""Options on futures at the tastytrade front: their wire shapes (refs/tastytrade/NOTES.md
§6-7; examples ``GET_futures-option-chains_ES*``,
``GET_instruments_future-options_SYMBOL.response.json``).

The core engine lists, prices and fills them (:mod:`brokerlink.emulator.universe`: a quarterly
expiring with each listed future, weeklies on the front contract, strikes on the root's grid);
this module only shapes the engine's chains and contracts as tastytrade sends them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from brokerlink.emulator import Engine
from brokerlink.emulator.pricer import option_expiry_time
from brokerlink.instruments import MONTH_CODES, Future, FutureOption
from brokerlink.models import OptionExpiration
from brokerlink.money import format_plain
from brokerlink_tastytrade.emulator.envelope import dec, iso
from brokerlink_tastytrade.emulator.symbols import streamer_symbol, tasty_symbol

__all__ = [
    "future_option_json",
    "future_options_of",
    "futures_nested_json",
    "option_product_json",
    "without_streamer_symbols",
]

_TICK_SMALL, _TICK, _TICK_THRESHOLD = Decimal("0.05"), Decimal("0.25"), Decimal("5.0")
_DISPLAY_FACTOR = Decimal("0.01")


def future_options_of(
    engine: Engine, root: str, today: date
) -> list[tuple[Future, OptionExpiration]]:
    """Every listed contract of futures ``root`` (with details) and each of its options'
    expirations, from the engine's chains, nearest contract first."""
    found: list[tuple[Future, OptionExpiration]] = []
    for contract in engine.universe.futures(root, today):
        future = engine.details(contract)
        assert isinstance(future, Future)
        found.extend((future, e) for e in engine.option_chain(future).expirations)
    return found


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


def _expiration_json(future: Future, expiration: OptionExpiration, today: date) -> dict[str, Any]:
    exchange = future.details.exchange if future.details and future.details.exchange else "CME"
    strikes = []
    sample: FutureOption | None = None
    for row in expiration.strikes:
        call, put = row.call, row.put
        assert isinstance(call, FutureOption)
        assert isinstance(put, FutureOption)
        sample = sample or call
        strikes.append(
            {
                "strike-price": dec(row.strike),
                "call": tasty_symbol(call),
                "call-streamer-symbol": _streamer(call, exchange),
                "put": tasty_symbol(put),
                "put-streamer-symbol": _streamer(put, exchange),
            }
        )
    day = expiration.date
    expires = option_expiry_time(day)
    root = sample.option_root if sample else future.root
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
    engine: Engine, root: str, futures: list[dict[str, Any]], today: date
) -> dict[str, Any]:
    """``GET /futures-option-chains/{root}/nested``: ``futures`` and one ``option-chains``
    entry holding every listed contract's expirations (no ``items``, as documented)."""
    expirations = [
        _expiration_json(future, expiration, today)
        for future, expiration in future_options_of(engine, root, today)
    ]
    chain = {
        "underlying-symbol": f"/{root}",
        "root-symbol": f"/{root}",
        "exercise-style": "American",
        "expirations": expirations,
    }
    return {"futures": futures, "option-chains": [chain]}


def without_streamer_symbols(body: Any) -> Any:
    """``body`` with every ``*streamer-symbol`` key left out, at any depth (the cert sandbox's
    futures options lack them, NOTES §10)."""
    if isinstance(body, dict):
        return {
            key: without_streamer_symbols(value)
            for key, value in body.items()
            if not key.endswith("streamer-symbol")
        }
    if isinstance(body, list):
        return [without_streamer_symbols(item) for item in body]
    return body
