"""A bull call vertical: opened from the option chain as one multi-leg order, later closed.

On start it picks the first expiration at least ``min_days`` away, buys the call nearest the
money and sells the call ``width`` strikes above it, as ONE two-leg limit order at the net ask
(a debit). It then holds for ``hold_bars`` one-minute bars of the underlying and closes both legs
with ``ctx.close_position([long, short])``, which the broker takes as ONE multi-leg order.
Nothing here names a broker::

    brokerlink run examples/vertical_spread.py --profile tradestation:emulator
    brokerlink run examples/vertical_spread.py --profile tastytrade:emulator -p width=4
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_UP, Decimal

import brokerlink as bl

__all__ = ["VerticalSpread"]

CENT = Decimal("0.01")


class VerticalSpread(bl.Strategy):
    """Open a bull call spread, hold it for a few bars, close it as one order."""

    underlying: str = "SPY"
    width: int = 2
    min_days: int = 7
    quantity: int = 1
    hold_bars: int = 5
    wait_bars: int = 10

    def on_start(self, ctx: bl.StrategyContext) -> None:
        """Choose the strikes, open the spread, and follow the underlying's bars."""
        ctx.require("options")
        chain = ctx.option_chain(self.underlying)
        soonest = ctx.now.date() + timedelta(days=self.min_days)
        expiration = next(e for e in chain.expirations if e.date >= soonest)
        last = ctx.quotes(self.underlying)[self.underlying].last
        if last is None:
            raise ValueError(f"{self.underlying} has no last price to center the spread on")
        at_money = expiration.nearest(last)
        above = expiration.strikes[expiration.strikes.index(at_money) + self.width]
        if at_money.call is None or above.call is None:
            raise bl.SymbolNotFoundError(f"no calls listed at {at_money.strike}/{above.strike}")
        self.long, self.short = at_money.call, above.call
        quotes = ctx.quotes([self.long, self.short])
        long_ask, short_bid = quotes[str(self.long)].ask, quotes[str(self.short)].bid
        if long_ask is None or short_bid is None:
            raise ValueError("the legs have no two-sided quotes to price the spread")
        debit = (long_ask - short_bid).quantize(CENT, rounding=ROUND_UP)
        spread = bl.NewOrder.multi_leg(
            [bl.Leg.buy(self.long, self.quantity), bl.Leg.sell(self.short, self.quantity)],
            bl.LIMIT,
            limit_price=debit,
        )
        self.opening = ctx.place(spread)
        self.closing: bl.Order | None = None
        self.bars = 0
        ctx.log(f"open {self.long.strike}/{self.short.strike} calls {expiration.date} at {debit}")
        ctx.subscribe_bars(self.underlying, "1min")

    def on_bar(self, ctx: bl.StrategyContext, event: bl.BarEvent) -> None:
        """Wait for the opening fill, hold, close both legs as one order, wait for that fill."""
        self.bars += 1
        if self.closing is not None:
            if ctx.order(self.closing.id).is_final:
                ctx.stop("spread opened and closed")
            elif self.bars >= self.hold_bars + self.wait_bars:
                ctx.stop("the closing order did not fill in time")
            return
        if not ctx.order(self.opening.id).is_final:
            if self.bars >= self.wait_bars:
                ctx.stop("the opening order did not fill in time")
            return
        if self.bars >= self.hold_bars:
            legs = [p for p in ctx.positions() if p.instrument in (self.long, self.short)]
            self.closing = ctx.close_position(legs)[0]
            ctx.log("close both legs as one order:", self.closing.id)

    def on_stop(self, ctx: bl.StrategyContext) -> None:
        """Leave nothing behind: cancel what still works, close what is still held."""
        if any(p.quantity for p in ctx.positions()) or ctx.orders():
            ctx.flatten()


if __name__ == "__main__":  # `python examples/<file>.py --profile ...` is `brokerlink run` on it
    import sys

    from brokerlink.cli import app

    app(["run", __file__, *sys.argv[1:]], prog_name="brokerlink")
