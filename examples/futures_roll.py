"""A futures position rolled to the next contract, on the brokers that trade futures.

On start it requires futures (a broker without them reports ``NotSupportedError`` before any
order), finds the front contract of ``root`` (the first in its ``cycle`` the broker lists), and
buys it. After ``hold_bars`` one-minute bars it rolls: closes the front contract and buys the
next one in the cycle; after as many bars again it closes that too. Nothing here names a broker::

    brokerlink run examples/futures_roll.py --profile tastytrade:emulator
    brokerlink run examples/futures_roll.py --profile tradier:emulator   # not supported: exit 1
"""

from __future__ import annotations

from itertools import islice

import brokerlink as bl
from brokerlink.instruments import QUARTERLY, future_contracts, next_future

__all__ = ["FuturesRoll"]


class FuturesRoll(bl.Strategy):
    """Buy the front contract, roll it to the next one, then go flat."""

    root: str = "ES"
    cycle: str = QUARTERLY
    quantity: int = 1
    hold_bars: int = 5

    def on_start(self, ctx: bl.StrategyContext) -> None:
        """Require futures, find the front and next contracts, buy the front."""
        ctx.require("futures")
        self.front = self._front_contract(ctx)
        self.next = next_future(self.front, self.cycle)
        ctx.instrument(self.next)  # listed too, or SymbolNotFoundError before any order
        ctx.place(bl.NewOrder.market(self.front, bl.BUY, self.quantity))
        ctx.log(f"bought {self.quantity} {self.front}; will roll to {self.next}")
        self.bars = 0
        self.rolled = False
        ctx.subscribe_bars(self.front, "1min")

    def _front_contract(self, ctx: bl.StrategyContext) -> bl.Future:
        for contract in islice(future_contracts(self.root, ctx.now.date(), self.cycle), 6):
            try:
                ctx.instrument(contract)
            except bl.SymbolNotFoundError:
                continue  # expired already, or not listed by this broker
            return contract
        raise bl.SymbolNotFoundError(f"no listed {self.root} contract in the next six")

    def on_bar(self, ctx: bl.StrategyContext, event: bl.BarEvent) -> None:
        """Roll after ``hold_bars`` bars; stop after as many again."""
        self.bars += 1
        if not self.rolled and self.bars >= self.hold_bars:
            ctx.close_position(self.front)
            ctx.place(bl.NewOrder.market(self.next, bl.BUY, self.quantity))
            self.rolled = True
            ctx.log(f"rolled {self.front} -> {self.next}")
        elif self.rolled and self.bars >= 2 * self.hold_bars:
            ctx.stop("rolled and held")

    def on_stop(self, ctx: bl.StrategyContext) -> None:
        """Close whichever contract is still held."""
        for contract in (self.front, self.next):
            if ctx.held(contract):
                ctx.close_position(contract)


if __name__ == "__main__":  # `python examples/<file>.py --profile ...` is `brokerlink run` on it
    import sys

    from brokerlink.cli import app

    app(["run", __file__, *sys.argv[1:]], prog_name="brokerlink")
