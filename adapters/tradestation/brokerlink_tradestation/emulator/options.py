"""``/v3/marketdata/options``: expirations, strikes, spread types and risk/reward analysis.

Expirations are typed ``Monthly`` (third Friday), ``Quarterly`` (the last listed expiry of a
quarter's last month that is not a monthly) or ``Weekly``. Strikes come in rows of as many
strikes as the spread type has (``Butterfly``: 3), ``strikeInterval`` grid steps apart. Risk
and reward are the payoff at expiration of the legs (100 shares a contract) at ``SpreadPrice``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from brokerlink._http import Request
from brokerlink.emulator.http import BadRequest, Reply, json_body, query_param
from brokerlink.emulator.universe import third_friday
from brokerlink.instruments import Option
from brokerlink.models import OptionChain
from brokerlink_tradestation.emulator.marketdata import MarketDataMixin, parse_time
from brokerlink_tradestation.emulator.orders_in import decimal_field
from brokerlink_tradestation.emulator.orders_out import num
from brokerlink_tradestation.emulator.reference import SPREAD_LEGS, SPREAD_TYPES

__all__ = ["OptionsMixin", "expiration_type"]

_CONTRACT = Decimal(100)


def expiration_type(day: date, listed: tuple[date, ...]) -> str:
    """``Monthly``, ``Quarterly`` or ``Weekly`` for a listed expiration date."""
    if day == third_friday(day.year, day.month):
        return "Monthly"
    same_month = [d for d in listed if (d.year, d.month) == (day.year, day.month)]
    if day.month % 3 == 0 and day == max(same_month):
        return "Quarterly"
    return "Weekly"


def _payoff(legs: list[tuple[Option, int]], price: Decimal, spot: Decimal) -> Decimal:
    value = -price * _CONTRACT
    for option, quantity in legs:
        intrinsic = (
            max(spot - option.strike, Decimal(0))
            if option.right.value == "C"
            else max(option.strike - spot, Decimal(0))
        )
        value += quantity * intrinsic * _CONTRACT
    return value


class OptionsMixin(MarketDataMixin):
    """Handlers of the ``/marketdata/options`` family."""

    def _chain(self, underlying: str) -> OptionChain:
        inst = self.instrument(underlying)
        chain = self.engine.option_chain(inst)
        if not chain.expirations:
            raise BadRequest(f"{underlying} has no listed options (use an equity or an index)")
        return chain

    def expirations_reply(self, request: Request, underlying: str) -> Reply:
        """``GET /marketdata/options/expirations/{underlying}`` (optional ``strikePrice``)."""
        chain = self._chain(underlying)
        strike = decimal_field({"strikePrice": query_param(request, "strikePrice")}, "strikePrice")
        rows = [
            {"Date": f"{e.date:%Y-%m-%d}T00:00:00Z", "Type": expiration_type(e.date, chain.dates)}
            for e in chain.expirations
            if strike is None or any(s.strike == strike for s in e.strikes)
        ]
        return Reply.json(200, {"Expirations": rows})

    def strikes_reply(self, request: Request, underlying: str) -> Reply:
        """``GET /marketdata/options/strikes/{underlying}``."""
        chain = self._chain(underlying)
        spread = query_param(request, "spreadType", "Single") or "Single"
        legs = SPREAD_LEGS.get(spread)
        if legs is None:
            raise BadRequest(f"spreadType {spread!r} is not one of {', '.join(SPREAD_LEGS)}")
        step_text = query_param(request, "strikeInterval", "1") or "1"
        if not step_text.isdigit() or int(step_text) < 1:
            raise BadRequest("strikeInterval must be 1 or more")
        step = int(step_text)
        wanted = query_param(request, "expiration")
        expiration = chain.expirations[0]
        if wanted is not None:
            day = parse_time(wanted, "expiration").date()
            matches = [e for e in chain.expirations if e.date == day]
            if not matches:
                raise BadRequest(f"expiration {wanted} is not listed for {underlying}")
            expiration = matches[0]
        strikes = [s.strike for s in expiration.strikes]
        rows = [
            [num(strikes[i + k * step]) for k in range(legs)]
            for i in range(len(strikes) - (legs - 1) * step)
        ]
        return Reply.json(200, {"SpreadType": spread, "Strikes": rows})

    def spread_types_reply(self, request: Request) -> Reply:
        """``GET /marketdata/options/spreadtypes``."""
        return Reply.json(200, {"SpreadTypes": [dict(t) for t in SPREAD_TYPES]})

    def risk_reward_reply(self, request: Request) -> Reply:
        """``POST /marketdata/options/riskreward``: max gain/loss and breakevens at expiry."""
        body = json_body(request)
        if not isinstance(body, dict) or not isinstance(body.get("Legs"), list) or not body["Legs"]:
            raise BadRequest('the request is {"SpreadPrice": number, "Legs": [...]}')
        price = decimal_field(body, "SpreadPrice")
        if price is None:
            raise BadRequest("SpreadPrice is required")
        legs = [self._risk_leg(i, leg) for i, leg in enumerate(body["Legs"])]
        if len({o.expiration for o, _ in legs}) > 1:
            raise BadRequest("risk/reward is not available for Calendar and Diagonal spreads")
        return Reply.json(200, _analysis(legs, price))

    def _risk_leg(self, i: int, leg: Any) -> tuple[Option, int]:
        if not isinstance(leg, dict):
            raise BadRequest(f"Legs[{i}] must be an object")
        inst = self.parse(str(leg.get("Symbol", ""))).instrument
        if not isinstance(inst, Option):
            raise BadRequest(f"Legs[{i}].Symbol must be an option symbol such as 'AAPL 211217C150'")
        quantity = leg.get("Quantity")
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise BadRequest(f"Legs[{i}].Quantity must be a positive integer")
        action = str(leg.get("TradeAction", "")).upper()
        if action not in ("BUY", "SELL"):
            raise BadRequest(f"Legs[{i}].TradeAction must be BUY or SELL")
        return inst, quantity if action == "BUY" else -quantity


def _analysis(legs: list[tuple[Option, int]], price: Decimal) -> dict[str, Any]:
    strikes = sorted({o.strike for o, _ in legs})
    points = [Decimal(0), *strikes, strikes[-1] * 2]
    values = [_payoff(legs, price, s) for s in points]
    slope_up = sum(q for o, q in legs if o.right.value == "C")
    breakevens = []
    for (a, va), (b, vb) in zip(zip(points, values, strict=True), zip(points[1:], values[1:], strict=True), strict=False):  # fmt: skip
        if va == 0 and a not in breakevens and a > 0:
            breakevens.append(a)
        elif (va < 0 < vb) or (vb < 0 < va):
            breakevens.append(a + (b - a) * (-va) / (vb - va))
    return {
        "MaxGainIsInfinite": slope_up > 0,
        "AdjustedMaxGain": num(max(values)),
        "MaxLossIsInfinite": slope_up < 0,
        "AdjustedMaxLoss": num(min(values)),
        "BreakevenPoints": [num(b.quantize(Decimal("0.01"))) for b in breakevens],
    }
