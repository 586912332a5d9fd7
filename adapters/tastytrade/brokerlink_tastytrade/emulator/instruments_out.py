"""Instruments, option chains and REST quotes in tastytrade's shapes
(refs/tastytrade/NOTES.md §6-7; examples ``GET_instruments_*.json``, ``GET_option-chains_*``,
``GET_futures-option-chains_*``, ``GET_market-data_by-type.response.json``).

Every instrument carries its ``streamer-symbol`` (nested chains: ``call-streamer-symbol`` and
``put-streamer-symbol``), which is what a DxLink client subscribes with.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from brokerlink.emulator.calendar import NEW_YORK
from brokerlink.emulator.pricer import option_expiry_time
from brokerlink.instruments import MONTH_CODES, Crypto, Equity, Future, Index, Instrument, Option
from brokerlink.models import OptionChain, Quote
from brokerlink_tastytrade.emulator.envelope import dec, iso
from brokerlink_tastytrade.emulator.symbols import (
    EXCHANGE_CODES,
    instrument_type,
    streamer_symbol,
    tasty_symbol,
)

__all__ = [
    "compact_chain_json",
    "crypto_json",
    "equity_json",
    "future_json",
    "future_product_json",
    "instrument_json",
    "nested_chain_json",
    "option_json",
    "quote_json",
]

_ZERO = Decimal(0)


def _ticks(inst: Instrument) -> list[dict[str, str]]:
    tick = inst.details.tick_size if inst.details and inst.details.tick_size else Decimal("0.01")
    return [{"value": dec(tick) or "0.01"}]


def equity_json(inst: Equity | Index, item_id: int) -> dict[str, Any]:
    """An equity (or an index, which tastytrade lists as an equity with ``is-index``)."""
    details = inst.details
    description = details.description if details else str(inst)
    index = isinstance(inst, Index)
    fractional = bool(details and details.quantity_increment < 1)
    return {
        "id": item_id,
        "symbol": tasty_symbol(inst),
        "instrument-type": "Equity",
        "cusip": f"EMU{item_id:06d}",
        "short-description": description[:15].upper(),
        "is-index": index,
        "listed-market": (details.exchange if details and details.exchange else "XNAS"),
        "description": description.upper(),
        "lendability": "Locate Required" if index else "Easy To Borrow",
        "borrow-rate": "0.0",
        "market-time-instrument-collection": "Equity Index" if index else "Equity",
        "is-closing-only": False,
        "is-options-closing-only": False,
        "active": not index,
        "is-fractional-quantity-eligible": fractional,
        "is-illiquid": False,
        "is-etf": bool(details and details.exchange == "ARCX"),
        "streamer-symbol": streamer_symbol(inst),
        "tick-sizes": _ticks(inst),
        "option-tick-sizes": [{"value": "0.01", "threshold": "3.0"}, {"value": "0.05"}],
    }


def option_json(option: Option, today: date, underlying: Instrument) -> dict[str, Any]:
    """An equity option (``GET /instruments/equity-options/{symbol}``)."""
    expires = option_expiry_time(option.expiration)
    return {
        "symbol": option.occ,
        "instrument-type": "Equity Option",
        "active": True,
        "strike-price": dec(option.strike),
        "root-symbol": option.underlying,
        "underlying-symbol": tasty_symbol(underlying),
        "expiration-date": option.expiration.isoformat(),
        "exercise-style": "European" if isinstance(underlying, Index) else "American",
        "shares-per-contract": 100,
        "option-type": option.right.value,
        "option-chain-type": "Standard",
        "expiration-type": _expiration_type(option.expiration),
        "settlement-type": "PM",
        "stops-trading-at": iso(expires),
        "market-time-instrument-collection": "Equity Option",
        "days-to-expiration": (option.expiration - today).days,
        "expires-at": iso(expires),
        "is-closing-only": False,
        "streamer-symbol": streamer_symbol(option),
    }


def _expiration_type(day: date) -> str:
    # Monthlies are the third Friday (day 15-21); everything else the engine lists is a weekly.
    return "Regular" if day.weekday() == 4 and 15 <= day.day <= 21 else "Weekly"


def future_product_json(root: str, inst: Future) -> dict[str, Any]:
    """The ``future-product`` object of a futures root."""
    details = inst.details
    exchange = details.exchange if details and details.exchange else "CME"
    return {
        "root-symbol": f"/{root}",
        "code": root,
        "description": (details.description.rsplit(" ", 2)[0] if details else root),
        "exchange": "CME",
        "product-type": "Financial",
        "listed-months": list(MONTH_CODES),
        "active-months": list(MONTH_CODES),
        "notional-multiplier": dec(inst.multiplier),
        "tick-size": dec(details.tick_size if details and details.tick_size else Decimal("0.01")),
        "display-factor": "0.01",
        "streamer-exchange-code": EXCHANGE_CODES.get(exchange, "XCME"),
        "small-notional": False,
        "cash-settled": root in ("ES", "MES", "NQ"),
        "security-group": root,
        "market-sector": "Equity Index" if root in ("ES", "MES", "NQ") else "Other",
    }


def future_json(
    inst: Future, last_trade: date, active_month: bool, roll_target: Future | None = None
) -> dict[str, Any]:
    """A futures contract (``GET /instruments/futures[/{symbol}]``); ``roll_target`` is the
    contract after it."""
    details = inst.details
    exchange = details.exchange if details and details.exchange else "CME"
    stops = datetime.combine(last_trade, time(16), tzinfo=NEW_YORK)
    return {
        "symbol": tasty_symbol(inst),
        "product-code": inst.root,
        "contract-size": dec(inst.multiplier),
        "tick-size": dec(details.tick_size if details and details.tick_size else Decimal("0.01")),
        "notional-multiplier": dec(inst.multiplier),
        "main-fraction": "0.0",
        "sub-fraction": "0.0",
        "display-factor": "0.01",
        "last-trade-date": last_trade.isoformat(),
        "expiration-date": last_trade.isoformat(),
        "closing-only-date": last_trade.isoformat(),
        "active": True,
        "active-month": active_month,
        "next-active-month": False,
        "is-closing-only": False,
        "stops-trading-at": iso(stops),
        "expires-at": iso(stops),
        "product-group": f"{exchange}_{inst.root}",
        "roll-target-symbol": tasty_symbol(roll_target) if roll_target else None,
        "back-month-first-calendar-symbol": False,
        "exchange": "CME",
        "streamer-exchange-code": EXCHANGE_CODES.get(exchange, "XCME"),
        "streamer-symbol": streamer_symbol(inst, exchange),
        "is-tradeable": True,
        "future-product": future_product_json(inst.root, inst),
        "tick-sizes": _ticks(inst),
        "option-tick-sizes": _ticks(inst),
    }


def crypto_json(inst: Crypto, item_id: int) -> dict[str, Any]:
    """A cryptocurrency pair (``GET /instruments/cryptocurrencies[/{symbol}]``)."""
    description = inst.details.description if inst.details else inst.base
    return {
        "id": item_id,
        "symbol": str(inst),
        "instrument-type": "Cryptocurrency",
        "short-description": description,
        "description": f"{description} to {inst.quote}",
        "is-closing-only": False,
        "active": True,
        "tick-size": dec(
            inst.details.tick_size if inst.details and inst.details.tick_size else Decimal("0.01")
        ),
        "streamer-symbol": streamer_symbol(inst),
        "destination-venue-symbols": [
            {
                "id": item_id,
                "symbol": inst.base,
                "destination-venue": "CITADEL_CRYPTOCURRENCY",
                "max-quantity-precision": 8,
                "max-price-precision": 8,
                "routable": True,
            }
        ],
    }


def instrument_json(inst: Instrument, today: date, underlying: Instrument | None) -> dict[str, Any]:
    """Any instrument in the shape of its own endpoint."""
    if isinstance(inst, Option) and underlying is not None:
        return option_json(inst, today, underlying)
    if isinstance(inst, Crypto):
        return crypto_json(inst, 1)
    if isinstance(inst, Equity | Index):
        return equity_json(inst, 1)
    raise TypeError(f"no instrument shape for {instrument_type(inst)}")


def nested_chain_json(chain: OptionChain, today: date) -> dict[str, Any]:
    """One item of ``GET /option-chains/{symbol}/nested``."""
    root = tasty_symbol(chain.underlying)
    expirations = []
    for expiration in chain.expirations:
        strikes = []
        for strike in expiration.strikes:
            entry: dict[str, Any] = {"strike-price": dec(strike.strike)}
            for side, contract in (("call", strike.call), ("put", strike.put)):
                if isinstance(contract, Option):
                    entry[side] = contract.occ
                    entry[f"{side}-streamer-symbol"] = streamer_symbol(contract)
            strikes.append(entry)
        expirations.append(
            {
                "expiration-type": _expiration_type(expiration.date),
                "expiration-date": expiration.date.isoformat(),
                "days-to-expiration": (expiration.date - today).days,
                "settlement-type": "PM",
                "strikes": strikes,
            }
        )
    return {
        "underlying-symbol": root,
        "root-symbol": root,
        "option-chain-type": "Standard",
        "shares-per-contract": 100,
        "expirations": expirations,
    }


def compact_chain_json(chain: OptionChain) -> dict[str, Any]:
    """One item of ``GET /option-chains/{symbol}/compact``: a flat list of OCC symbols."""
    root = tasty_symbol(chain.underlying)
    contracts = [c for e in chain.expirations for c in e.contracts() if isinstance(c, Option)]
    return {
        "underlying-symbol": root,
        "root-symbol": root,
        "option-chain-type": "Standard",
        "settlement-type": "PM",
        "shares-per-contract": 100,
        "expiration-type": "Regular",
        "symbols": [c.occ for c in contracts],
        "streamer-symbols": [streamer_symbol(c) for c in contracts],
    }


def quote_json(quote: Quote, summary: dict[str, Decimal | None]) -> dict[str, Any]:
    """One item of ``GET /market-data/by-type`` (decimal strings, ``Z`` timestamps)."""
    inst = quote.instrument
    mid = quote.mid
    stamp = (
        quote.time.strftime("%Y-%m-%dT%H:%M:%S.") + f"{quote.time.microsecond // 1000:03d}Z"
        if quote.time
        else None
    )
    body: dict[str, Any] = {
        "symbol": tasty_symbol(inst),
        "instrument-type": "Index" if isinstance(inst, Index) else instrument_type(inst),
        "updated-at": stamp,
        "bid": dec(quote.bid),
        "bid-size": dec(quote.bid_size),
        "ask": dec(quote.ask),
        "ask-size": dec(quote.ask_size),
        "mid": dec(mid),
        "mark": dec(mid),
        "last": dec(quote.last),
        "open": dec(summary.get("open")),
        "day-high-price": dec(summary.get("high")),
        "day-low-price": dec(summary.get("low")),
        "prev-close": dec(summary.get("prev_close")),
        "is-trading-halted": False,
        "halt-start-time": -1,
        "halt-end-time": -1,
    }
    if quote.volume is not None:
        body["volume"] = dec(quote.volume)
    return {key: value for key, value in body.items() if value is not None}
