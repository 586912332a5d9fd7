"""A bracket order: a market entry with a take-profit and a stop-loss exit (one cancels the other).

On start it buys ``quantity`` shares (a limit at the ask) with a bracket whose exits sit ``take_profit`` and
``stop_loss`` (fractions of the price) away from the current ask, then follows one-minute bars
until one exit has filled (or ``max_bars`` pass), and flattens whatever is left. Order events
are logged as they arrive. Nothing here names a broker::

    brokerlink run examples/bracket.py --profile tradier:emulator
    brokerlink run examples/bracket.py --profile tradestation:emulator -p take_profit=0.001
"""

from __future__ import annotations

from decimal import Decimal

import brokerlink as bl

__all__ = ["Bracket"]

CENT = Decimal("0.01")


class Bracket(bl.Strategy):
    """Enter with a bracket, wait for an exit, flatten."""

    symbol: str = "SPY"
    quantity: int = 10
    take_profit: Decimal = Decimal("0.002")
    stop_loss: Decimal = Decimal("0.002")
    max_bars: int = 240

    def on_start(self, ctx: bl.StrategyContext) -> None:
        """Place the bracket around the current ask and follow the bars."""
        ctx.require(bl.GroupKind.BRACKET)
        quote = ctx.quotes(self.symbol)[self.symbol]
        price = quote.ask or quote.last
        if price is None:
            raise ValueError(f"{self.symbol} has no price to place the bracket around")
        target = (price * (1 + self.take_profit)).quantize(CENT)
        stop = (price * (1 - self.stop_loss)).quantize(CENT)
        # A marketable limit entry: every broker takes it in a bracket (some refuse a market one).
        entry = bl.NewOrder.limit(self.symbol, bl.BUY, self.quantity, price.quantize(CENT))
        placed = ctx.place(bl.OrderGroup.bracket(entry, take_profit=target, stop_loss=stop))
        self.exits = {"take-profit": placed[1].id, "stop-loss": placed[2].id}
        ctx.log(f"bracket around {price}: take profit {target}, stop {stop}")
        self.bars = 0
        ctx.subscribe_bars(self.symbol, "1min")

    def on_order_event(self, ctx: bl.StrategyContext, event: bl.OrderEvent) -> None:
        """Log executions (the decision to stop is taken on bars, from the broker's state)."""
        if event.fill is not None:
            ctx.log(f"fill: {event.fill.side.value} {event.fill.quantity} at {event.fill.price}")

    def on_bar(self, ctx: bl.StrategyContext, event: bl.BarEvent) -> None:
        """Stop once an exit has filled, or after ``max_bars`` bars."""
        self.bars += 1
        for name, order_id in self.exits.items():
            if ctx.order(order_id).status is bl.OrderStatus.FILLED:
                ctx.stop(f"{name} filled")
                return
        if self.bars >= self.max_bars:
            ctx.stop(f"no exit filled in {self.max_bars} bars")

    def on_stop(self, ctx: bl.StrategyContext) -> None:
        """Cancel the exit still working and close anything still held."""
        ctx.flatten()


if __name__ == "__main__":  # `python examples/<file>.py --profile ...` is `brokerlink run` on it
    import sys

    from brokerlink.cli import app

    app(["run", __file__, *sys.argv[1:]], prog_name="brokerlink")
