""":class:`StrategyRun`: what one run of a strategy did, with exact Decimal P&L."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from brokerlink.enums import Side
from brokerlink.instruments import InstrumentLike
from brokerlink.models import Fill, Order, Position
from brokerlink.models.account import held_quantity

__all__ = ["StrategyRun"]


@attrs.frozen(kw_only=True)
class StrategyRun:
    """The result of :func:`~brokerlink.run_strategy`.

    ``orders`` are the orders the strategy placed, as they finally stood (each refreshed until
    final); ``fills`` one per traded order leg at its average price. ``realized_pnl`` is the
    cash those fills brought in minus the cash they paid out (before fees): the trading profit
    once the run ends flat. ``total_pnl`` is the change in account equity over the run, so it
    also counts fees and what open positions are marked at. ``events`` counts the events
    delivered by kind (``bars``, ``quotes``, ``orders``); ``bars`` the completed bars.
    ``stop_reason`` says what ended the run; ``not_supported`` is set (and nothing ran) when
    the broker lacks something the strategy requires at start.
    """

    strategy: str
    broker: str
    parameters: Mapping[str, Any]
    started_at: datetime
    ended_at: datetime
    stop_reason: str
    not_supported: str | None = None
    orders: tuple[Order, ...] = ()
    fills: tuple[Fill, ...] = ()
    positions: tuple[Position, ...] = ()
    realized_pnl: Decimal = Decimal(0)
    total_pnl: Decimal = Decimal(0)
    events: Mapping[str, int] = attrs.field(factory=dict)
    bars: int = 0
    log: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the strategy ran (the broker supported what it required)."""
        return self.not_supported is None

    @property
    def is_flat(self) -> bool:
        """True when no position is left open at the end."""
        return all(p.quantity == 0 for p in self.positions)

    @property
    def trades(self) -> int:
        """The number of sell fills: the round trips of a long-only strategy."""
        return sum(1 for fill in self.fills if fill.side is Side.SELL)

    def quantity(self, symbol: InstrumentLike) -> Decimal:
        """The final quantity held in ``symbol`` (zero when flat in it)."""
        return held_quantity(self.positions, symbol)
