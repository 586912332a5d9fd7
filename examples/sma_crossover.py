"""A moving-average crossover on 1-minute bars, written once for every broker.

The strategy goes long ``quantity`` shares when the fast simple moving average of the closes
crosses above the slow one, and back to flat when it crosses below (it never goes short). It
warms up from bar history, trades live on the bar stream, flattens at the end, and reports what
happened with exact Decimal P&L.

Nothing here names a broker: the profile decides. Run it offline against the emulator::

    python examples/sma_crossover.py --profile paper:emulator

or, with credentials set up, against a sandbox: ``--profile tradier:sandbox``.
"""

from __future__ import annotations

import argparse
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import brokerlink as bl

__all__ = ["SmaResult", "main", "run"]

ZERO = Decimal(0)


@dataclass(frozen=True)
class SmaResult:
    """What one run did.

    ``orders`` are the orders placed, as they finally stood; ``fills`` one per order that traded
    (its filled quantity at its average price). ``realized_pnl`` is the cash the fills brought in
    minus the cash they paid out, which is the trading profit once the position is flat;
    ``total_pnl`` is the change in account equity over the run, so it also counts commissions
    and fees. ``trades`` counts round trips (a buy closed by a sell).
    """

    symbol: str
    orders: tuple[bl.Order, ...]
    fills: tuple[bl.Fill, ...]
    final_quantity: Decimal
    realized_pnl: Decimal
    total_pnl: Decimal
    trades: int


def average(closes: Iterable[Decimal], length: int) -> Decimal:
    """The simple moving average of the last ``length`` closes."""
    last = list(closes)[-length:]
    return sum(last, ZERO) / len(last)


def position_of(broker: bl.Broker, target: bl.Instrument, account: str | None) -> Decimal:
    """Our current quantity in ``target`` (zero when there is no position)."""
    held = (p.quantity for p in broker.positions(account) if p.instrument == target)
    return next(held, ZERO)


def settle(broker: bl.Broker, order: bl.Order, timeout: float = 10.0) -> bl.Order:
    """The order once it is final (filled, canceled, ...), or as it stands after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not order.is_final and time.monotonic() < deadline:
        time.sleep(0.1)
        order = broker.order(order.id, order.account)
    return order


def fill_of(order: bl.Order) -> bl.Fill | None:
    """The order's fill as one execution at its average price, or None if nothing traded."""
    if order.filled_quantity == 0 or order.average_fill_price is None:
        return None
    return bl.Fill(
        order_id=order.id,
        instrument=order.instrument,
        side=order.side,
        quantity=order.filled_quantity,
        price=order.average_fill_price,
        time=order.updated_at or order.created_at,
    )


def run(
    broker: bl.Broker,
    *,
    symbol: str = "SPY",
    fast: int = 10,
    slow: int = 30,
    bars: int = 390,
    quantity: int = 10,
    account: str | None = None,
) -> SmaResult:
    """Trade the crossover on ``bars`` completed 1-minute bars of ``symbol``, then flatten.

    ``account=None`` uses the profile's account (or the only one).
    """
    if not 0 < fast < slow:
        raise ValueError(f"need 0 < fast < slow, got fast={fast}, slow={slow}")
    target = bl.instrument(symbol)
    start_equity = broker.balances(account).equity

    # Warm up: the last `slow` closes from history, so the first live bar can already signal.
    closes: deque[Decimal] = deque(maxlen=slow)
    closes.extend(bar.close for bar in broker.bars(symbol, "1min", limit=slow))
    was_above = average(closes, fast) > average(closes, slow) if len(closes) == slow else None

    placed: list[bl.Order] = []
    seen = 0
    for event in broker.stream_bars(symbol, "1min"):
        if not event.complete:  # a forming bar changes until its minute closes
            continue
        closes.append(event.bar.close)
        seen += 1
        if len(closes) == slow:
            above = average(closes, fast) > average(closes, slow)
            crossed_up, crossed_down = above and was_above is False, not above and was_above
            # Ask the broker what we hold (rather than assume every order filled) on a cross only.
            if crossed_up and position_of(broker, target, account) == 0:
                placed.append(
                    broker.place(bl.NewOrder.market(symbol, bl.BUY, quantity, account=account))
                )
            elif crossed_down and position_of(broker, target, account) > 0:
                placed.extend(broker.close_position(symbol, account=account))
            was_above = above
        if seen == bars:
            break

    # Flatten whatever is left, then let every order reach its final state.
    if position_of(broker, target, account) > 0:
        placed.extend(broker.close_position(symbol, account=account))
    orders = tuple(settle(broker, order) for order in placed)
    fills = tuple(fill for fill in map(fill_of, orders) if fill is not None)

    return SmaResult(
        symbol=str(target),
        orders=orders,
        fills=fills,
        final_quantity=position_of(broker, target, account),
        realized_pnl=sum((fill.gross_amount for fill in fills), ZERO),
        total_pnl=broker.balances(account).equity - start_equity,
        trades=sum(1 for fill in fills if fill.side is bl.SELL),
    )


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python examples/sma_crossover.py --profile paper:emulator``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="paper:emulator", help="selector or profile name")
    parser.add_argument("--account", default=None, help="account id (default: the profile's)")
    parser.add_argument("--symbol", default="SPY")
    parser.add_argument("--fast", type=int, default=10)
    parser.add_argument("--slow", type=int, default=30)
    parser.add_argument("--bars", type=int, default=390, help="completed bars to trade on")
    parser.add_argument("--quantity", type=int, default=10)
    args = parser.parse_args(argv)

    with bl.connect(args.profile) as broker:
        result = run(
            broker,
            symbol=args.symbol,
            fast=args.fast,
            slow=args.slow,
            bars=args.bars,
            quantity=args.quantity,
            account=args.account,
        )
    print(f"{result.symbol} on {args.profile}: {len(result.orders)} orders, {result.trades} trades")
    for fill in result.fills:
        print(
            f"  {fill.time:%Y-%m-%d %H:%M} UTC  {fill.side.value:4} {fill.quantity} @ {fill.price}"
        )
    print(f"final position {result.final_quantity}")
    print(f"realized P&L {result.realized_pnl}, total P&L {result.total_pnl}")


if __name__ == "__main__":
    main()
