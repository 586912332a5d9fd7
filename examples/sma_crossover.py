"""A moving-average crossover on 1-minute bars, written once for every broker.

The strategy goes long ``quantity`` shares when the fast simple moving average of the closes
crosses above the slow one, and back to flat when it crosses below (it never goes short). It
warms up from bar history, trades on the live bar stream for ``bars`` completed bars, and ends
flat. Nothing here names a broker: the profile decides. Offline, on an emulator::

    brokerlink run examples/sma_crossover.py --profile paper:emulator
    brokerlink run examples/sma_crossover.py --profile tradier:emulator -p fast=5 -p slow=20

With credentials set up, ``--profile tradier:sandbox`` trades the sandbox instead, and
``--record`` / ``--replay`` keep the session and play it back offline.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from decimal import Decimal

import brokerlink as bl

__all__ = ["SmaCrossover", "average"]


def average(closes: Iterable[Decimal], length: int) -> Decimal:
    """The simple moving average of the last ``length`` closes."""
    last = list(closes)[-length:]
    return sum(last, Decimal(0)) / len(last)


class SmaCrossover(bl.Strategy):
    """Long on a fast-over-slow SMA cross, flat on the cross back; flat at the end."""

    symbol: str = "SPY"
    fast: int = 10
    slow: int = 30
    bars: int = 390
    quantity: int = 10

    def on_start(self, ctx: bl.StrategyContext) -> None:
        """Check the parameters, warm up on the last ``slow`` closes, subscribe to 1-min bars."""
        if not 0 < self.fast < self.slow:
            raise bl.ConfigError(
                f"need 0 < fast < slow, got fast={self.fast}, slow={self.slow}", key="fast"
            )
        self.closes: deque[Decimal] = deque(maxlen=self.slow)
        self.closes.extend(bar.close for bar in ctx.bars(self.symbol, "1min", limit=self.slow))
        self.was_above: bool | None = self._above()
        self.seen = 0
        ctx.subscribe_bars(self.symbol, "1min")

    def _above(self) -> bool | None:
        if len(self.closes) < self.slow:
            return None
        return average(self.closes, self.fast) > average(self.closes, self.slow)

    def on_bar(self, ctx: bl.StrategyContext, event: bl.BarEvent) -> None:
        """On each completed bar: trade a cross, and stop after ``bars`` bars."""
        if not event.complete:  # a forming bar changes until its minute closes
            return
        self.closes.append(event.bar.close)
        self.seen += 1
        above = self._above()
        if above is not None:
            # Ask the broker what we hold (rather than assume every order filled), on a cross only.
            if above and self.was_above is False and ctx.held(self.symbol) == 0:
                ctx.place(bl.NewOrder.market(self.symbol, bl.BUY, self.quantity))
                ctx.log("cross up at", event.bar.close, "-> buy", self.quantity)
            elif not above and self.was_above and ctx.held(self.symbol) > 0:
                ctx.close_position(self.symbol)
                ctx.log("cross down at", event.bar.close, "-> flat")
            self.was_above = above
        if self.seen >= self.bars:
            ctx.stop(f"traded {self.bars} bars")

    def on_stop(self, ctx: bl.StrategyContext) -> None:
        """Close whatever is left."""
        if ctx.held(self.symbol) > 0:
            ctx.close_position(self.symbol)


if __name__ == "__main__":  # `python examples/<file>.py --profile ...` is `brokerlink run` on it
    import sys

    from brokerlink.cli import app

    app(["run", __file__, *sys.argv[1:]], prog_name="brokerlink")
