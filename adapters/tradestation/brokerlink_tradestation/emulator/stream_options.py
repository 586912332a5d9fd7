"""Option streams: ``/marketdata/stream/options/chains/{underlying}`` and ``.../options/quotes``.

Each frame is a ``Spread`` object (``stream_marketdata_options_chains.json``): prices and greeks
as strings, sizes, volume and open interest as numbers, ``Legs`` with mixed-case ``OptionType``
(``Call``/``Put``) and ``AssetType`` ``StockOption``. The chain stream covers single options
``strikeProximity`` strikes each side of the money (``spreadType=Single`` only); a frame is sent
for each spread whose quote changed. Greeks come from the engine's Black-Scholes model (zero
rate) by finite differences.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from brokerlink._http import Request
from brokerlink.emulator.http import BadRequest, Reply, query_param
from brokerlink.emulator.http.feeds import quote_feed
from brokerlink.emulator.options_pricing import MINUTES_PER_YEAR, black_scholes, smile_vol
from brokerlink.emulator.pricer import option_expiry_time
from brokerlink.instruments import Option
from brokerlink.models import Quote
from brokerlink_tradestation.emulator.orders_out import num
from brokerlink_tradestation.emulator.stream_market import MarketStreamsMixin
from brokerlink_tradestation.emulator.streaming import frame
from brokerlink_tradestation.emulator.symbols import ts_symbol

__all__ = ["OptionStreamsMixin"]

_Q = Decimal("0.0001")


def _d(value: float) -> str | None:
    return num(Decimal(repr(value)).quantize(_Q)) if math.isfinite(value) else None


class OptionStreamsMixin(MarketStreamsMixin):
    """Handlers of the option streams."""

    def _greeks(self, option: Option, spot: float, at: datetime) -> dict[str, str | None]:
        spec = self.engine.universe.spec_of(option)
        base = self.engine.pricer.vol(spec)
        strike = float(option.strike)
        years = max((option_expiry_time(option.expiration) - at).total_seconds() / 60.0, 0.0)
        years /= MINUTES_PER_YEAR
        vol = smile_vol(base, spot=spot, strike=strike)
        call = option.right.value == "C"

        def price(s: float = spot, t: float = years, v: float = vol) -> float:
            return black_scholes(spot=s, strike=strike, years=max(t, 0.0), vol=v, call=call)

        h = max(spot * 0.001, 0.01)
        value = price()
        intrinsic = max(spot - strike, 0.0) if call else max(strike - spot, 0.0)
        return {
            "Delta": _d((price(spot + h) - price(spot - h)) / (2 * h)),
            "Theta": _d(price(t=years - 1 / 365) - value),
            "Gamma": _d((price(spot + h) - 2 * value + price(spot - h)) / (h * h)),
            "Rho": "0",
            "Vega": _d(price(v=vol + 0.01) - value),
            "ImpliedVolatility": _d(vol),
            "IntrinsicValue": _d(intrinsic),
            "ExtrinsicValue": _d(max(value - intrinsic, 0.0)),
            "TheoreticalValue": _d(value),
        }

    def _spread(self, legs: list[tuple[Option, int]], quotes: list[Quote], spot: float) -> dict[str, Any]:  # fmt: skip
        def net(field: str) -> Decimal | None:
            total = Decimal(0)
            for (_, ratio), quote in zip(legs, quotes, strict=True):
                value = getattr(quote, field)
                if value is None:
                    return None
                total += ratio * value
            return total

        bid, ask, last = net("bid"), net("ask"), net("last")
        body: dict[str, Any] = {}
        if len(legs) == 1:
            body.update(self._greeks(legs[0][0], spot, self.engine.now()))
        body.update(
            {
                "Ask": num(ask),
                "Bid": num(bid),
                "Mid": num((bid + ask) / 2) if bid is not None and ask is not None else None,
                "AskSize": int(quotes[0].ask_size or 0),
                "BidSize": int(quotes[0].bid_size or 0),
                "Last": num(last),
                "Close": num(last),
                "DailyOpenInterest": 0,
                "Volume": int(quotes[0].volume or 0),
                "Side": "Both"
                if len(legs) > 1
                else ("Call" if legs[0][0].right.value == "C" else "Put"),
                "Strikes": [num(o.strike) for o, _ in legs],
                "Legs": [
                    {
                        "Symbol": ts_symbol(o),
                        "Ratio": r,
                        "StrikePrice": num(o.strike),
                        "Expiration": f"{o.expiration:%Y-%m-%d}T00:00:00Z",
                        "OptionType": "Call" if o.right.value == "C" else "Put",
                        "AssetType": "StockOption",
                    }
                    for o, r in legs
                ],
            }
        )
        return {k: v for k, v in body.items() if v is not None}

    def _option_stream(self, underlying: Any, spreads: list[list[tuple[Option, int]]]) -> Reply:
        options = list(dict.fromkeys(o for legs in spreads for o, _ in legs))

        async def body() -> AsyncIterator[bytes | None]:
            seen: dict[Option, tuple[Any, ...]] = {}
            async for quotes in quote_feed(self.engine, [underlying, *options]):
                spot = float(quotes[0].last or 0)
                by_option = dict(zip(options, quotes[1:], strict=True))
                changed = {o for o, q in by_option.items() if seen.get(o) != (q.bid, q.ask, q.last)}
                for option in changed:
                    quote = by_option[option]
                    seen[option] = (quote.bid, quote.ask, quote.last)
                sent = False
                for legs in spreads:
                    if any(o in changed for o, _ in legs):
                        sent = True
                        yield frame(self._spread(legs, [by_option[o] for o, _ in legs], spot))
                if not sent:
                    yield None

        return self.stream(body(), brokerage=False)

    def chain_stream_reply(self, request: Request, underlying: str) -> Reply:
        """``GET /marketdata/stream/options/chains/{underlying}``."""
        if (query_param(request, "spreadType", "Single") or "Single") != "Single":
            raise BadRequest("the emulator streams spreadType=Single chains only")
        inst = self.instrument(underlying)
        chain = self.engine.option_chain(inst)
        if not chain.expirations:
            raise BadRequest(f"{underlying} has no listed options")
        wanted = query_param(request, "expiration")
        expiration = chain.expirations[0]
        if wanted is not None:
            matches = [e for e in chain.expirations if f"{e.date:%Y-%m-%d}" == wanted[:10]]
            if not matches:
                raise BadRequest(f"expiration {wanted} is not listed for {underlying}")
            expiration = matches[0]
        text = query_param(request, "strikeProximity", "5") or "5"
        if not text.isdigit():
            raise BadRequest("strikeProximity must be a whole number")
        spot = self.engine.quote(inst).last or Decimal(0)
        centre = expiration.nearest(spot)
        index = list(expiration.strikes).index(centre)
        rows = expiration.strikes[max(0, index - int(text)) : index + int(text)]
        kind = (query_param(request, "optionType", "All") or "All").lower()
        spreads = [
            [(contract, 1)]
            for row in rows
            for contract in row.contracts()
            if isinstance(contract, Option)
            and kind in ("all", "call" if contract.right.value == "C" else "put")
        ]
        return self._option_stream(inst, spreads)

    def option_quote_stream_reply(self, request: Request) -> Reply:
        """``GET /marketdata/stream/options/quotes?legs[0].Symbol=...&legs[0].Ratio=1``."""
        legs: list[tuple[Option, int]] = []
        while (symbol := query_param(request, f"legs[{len(legs)}].Symbol")) is not None:
            ratio_text = query_param(request, f"legs[{len(legs)}].Ratio", "1") or "1"
            try:
                ratio = int(ratio_text)
            except ValueError:
                raise BadRequest(f"legs[{len(legs)}].Ratio must be a whole number") from None
            inst = self.instrument(symbol)
            if not isinstance(inst, Option):
                raise BadRequest(f"legs[{len(legs)}].Symbol must be an option symbol")
            legs.append((inst, ratio))
        if not legs:
            raise BadRequest("legs[0].Symbol is required")
        underlying = self.engine.universe.underlying_of(legs[0][0])
        return self._option_stream(underlying, [legs])
