"""Strategies written once, run on any broker: :class:`Strategy`, :class:`StrategyContext`,
:func:`run_strategy` and its :class:`StrategyRun`, and :func:`load_strategy` for files.

>>> import brokerlink as bl
>>> class BuyOnce(bl.Strategy):
...     quantity: int = 1
...     def on_start(self, ctx):
...         ctx.place(bl.NewOrder.market("SPY", bl.BUY, self.quantity))
...         ctx.stop("done")
...     def on_stop(self, ctx):
...         ctx.close_position("SPY")
>>> run = bl.run_strategy(BuyOnce, "paper:emulator")
>>> [order.side.value for order in run.orders], run.is_flat
(['buy', 'sell'], True)

``brokerlink run FILE --profile SELECTOR`` runs a strategy file from the command line.
"""

from brokerlink.strategy.base import Strategy
from brokerlink.strategy.clock import RunClock
from brokerlink.strategy.context import StrategyContext
from brokerlink.strategy.loading import load_strategy
from brokerlink.strategy.result import StrategyRun
from brokerlink.strategy.runner import run_strategy

__all__ = [
    "RunClock",
    "Strategy",
    "StrategyContext",
    "StrategyRun",
    "load_strategy",
    "run_strategy",
]
