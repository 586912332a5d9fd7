"""Quote objects in Tradier's shape (DOC reference/response/quotes; the documented example).

Equity quotes carry the day's open/high/low (``close`` stays ``null`` until the regular session
has ended), the previous close, 52-week range and 90-day average volume from the engine's daily
bars; sizes are in hundreds; dates are epoch milliseconds. Option quotes add the contract fields
and, with ``greeks=true``, Black-Scholes greeks at the engine's own volatility; like the docs'
untraded options their open/high/low/close/prevclose are ``null``.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from brokerlink.emulator import Engine
from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.options_pricing import MINUTES_PER_YEAR, norm_cdf, smile_vol
from brokerlink.emulator.pricer import option_expiry_time
from brokerlink.emulator.universe import third_friday
from brokerlink.instruments import Equity, Index, Instrument, Option

from .symbols import exchange_code, security_type, to_tradier
from .wire import NEW_YORK, epoch_ms, point

__all__ = ["expiration_type", "quote_object"]

_HUNDRED = Decimal(100)
_PERCENT = Decimal("0.01")


def expiration_type(day: date) -> str:
    """``standard`` for a monthly (third Friday, or the exchange day before), else ``weeklys``."""
    third = third_friday(day.year, day.month)
    return "standard" if timedelta(0) <= third - day < timedelta(days=4) else "weeklys"


def _size(value: Decimal | None, inst: Instrument) -> int:
    if value is None:
        return 0
    # Equity sizes are quoted in hundreds of shares; option sizes in contracts.
    return int(value) if isinstance(inst, Option) else max(int(value // 100), 1)


def _underlying_text(engine: Engine, option: Option) -> str:
    key = engine.universe.option_underlying_key(option.underlying) or option.underlying
    return key.removeprefix("$")


def _greeks(engine: Engine, option: Option) -> dict[str, Any]:
    underlying = engine.universe.underlying_of(option)
    spec = engine.universe.spec_of(underlying)
    now = engine.now()
    spot = engine.pricer.mid(underlying, now)
    strike = float(option.strike)
    vol = smile_vol(engine.pricer.vol(spec), spot=spot, strike=strike)
    minutes = (option_expiry_time(option.expiration) - now).total_seconds() / 60.0
    years = max(minutes / MINUTES_PER_YEAR, 1e-6)
    sd = vol * math.sqrt(years)
    d1 = (math.log(spot / strike) + 0.5 * sd * sd) / sd
    d2 = d1 - sd
    density = math.exp(-0.5 * d1 * d1) / math.sqrt(2 * math.pi)
    call = option.right.value == "C"
    delta = norm_cdf(d1) if call else norm_cdf(d1) - 1.0
    signed = norm_cdf(d2) if call else -norm_cdf(-d2)
    values = {
        "delta": delta,
        "gamma": density / (spot * sd),
        "theta": -spot * density * vol / (2 * math.sqrt(years)) / 365.0,
        "vega": spot * density * math.sqrt(years) / 100.0,
        "rho": strike * years * signed / 100.0,
        "phi": -spot * years * delta / 100.0,
        "bid_iv": vol,
        "mid_iv": vol,
        "ask_iv": vol,
        "smv_vol": vol,
    }
    body: dict[str, Any] = {name: float(f"{value:.6g}") for name, value in values.items()}
    body["updated_at"] = now.astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M:%S")
    return body


def quote_object(engine: Engine, inst: Instrument, *, greeks: bool = False) -> dict[str, Any]:
    """The Tradier quote of a resolved instrument."""
    quote = engine.quote(inst)
    now = engine.now()
    details = inst.details
    body: dict[str, Any] = {
        "symbol": to_tradier(inst),
        "description": details.description if details is not None else to_tradier(inst),
        "exch": exchange_code(inst),
        "type": security_type(engine, inst),
        "last": quote.last,
        "change": None,
        "volume": int(quote.volume or 0),
        "open": None,
        "high": None,
        "low": None,
        "close": None,
        "bid": quote.bid,
        "ask": quote.ask,
    }
    day_stats: dict[str, Any] = {"change_percentage": None, "average_volume": 0,
                                 "last_volume": 0, "trade_date": 0, "prevclose": None,
                                 "week_52_high": Decimal("0.0"), "week_52_low": Decimal("0.0")}  # fmt: skip
    if isinstance(inst, Equity | Index):
        days = engine.bars(inst, "1d", now - timedelta(days=371))
        today = mkt.trading_date(inst, now)
        current = days[-1] if days and days[-1].time.date() == today else None
        earlier = days[:-1] if current is not None else days
        previous = earlier[-1].close if earlier else None
        if current is not None:
            body.update(open=current.open, high=current.high, low=current.low)
            if mkt.session_at(inst, now) in (mkt.Session.POST, mkt.Session.CLOSED):
                body["close"] = current.close
        if previous is not None and quote.last is not None:
            body["change"] = quote.last - previous
            day_stats["change_percentage"] = (
                (quote.last - previous) / previous * _HUNDRED
            ).quantize(_PERCENT)
        recent = days[-90:]
        day_stats.update(
            average_volume=int(sum(b.volume for b in recent) / len(recent)) if recent else 0,
            last_volume=100,
            trade_date=epoch_ms(quote.time),
            prevclose=previous,
            week_52_high=max((b.high for b in days), default=Decimal("0.0")),
            week_52_low=min((b.low for b in days), default=Decimal("0.0")),
        )
    elif quote.last is not None:
        day_stats.update(last_volume=1, trade_date=epoch_ms(quote.time))
    body.update(day_stats)
    body.update(
        bidsize=_size(quote.bid_size, inst),
        bidexch=exchange_code(inst),
        bid_date=epoch_ms(quote.time),
        asksize=_size(quote.ask_size, inst),
        askexch=exchange_code(inst),
        ask_date=epoch_ms(quote.time),
    )
    if isinstance(inst, Option):
        body.update(
            underlying=_underlying_text(engine, inst),
            strike=point(inst.strike),
            open_interest=0,
            contract_size=100,
            expiration_date=inst.expiration.isoformat(),
            expiration_type=expiration_type(inst.expiration),
            option_type="call" if inst.right.value == "C" else "put",
            root_symbol=inst.underlying,
        )
        if greeks:
            body["greeks"] = _greeks(engine, inst)
    elif isinstance(inst, Equity):
        body["root_symbols"] = str(inst).replace(".", "")
    return body
