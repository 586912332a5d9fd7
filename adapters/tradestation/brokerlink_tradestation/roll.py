"""Roll a futures position into TradeStation's front contract, as one call that reports.

TradeStation's continuous symbol ``@ES`` stands for one dated contract at a time (its symbol
details name it in ``Underlying``), and orders must name the dated contract. :func:`roll_position`
finds that front contract, finds the account's position in an *older* contract of the same root,
and (unless ``dry_run``, the default) closes it and opens the same size in the front contract,
both at market::

    import brokerlink as bl
    from brokerlink_tradestation.roll import roll_position

    broker = bl.connect("tradestation:sim")
    report = roll_position(broker, "ES")          # dry run: what would happen
    print(report.summary())
    report = roll_position(broker, "ES", dry_run=False)

The close goes first; the open is sent only once the close was accepted, so a rejected close
never leaves you doubled up. A rejected open after an accepted close is raised with the close's
order in the message (you are then flat, not rolled).
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from brokerlink import errors
from brokerlink.broker.core import AccountRef
from brokerlink.broker.sync import Broker
from brokerlink.enums import PositionEffect, Side
from brokerlink.instruments import Future
from brokerlink.models import NewOrder, Order, Position
from brokerlink_tradestation.symbology import exchange_root

__all__ = ["RollReport", "roll_position"]


@attrs.frozen(kw_only=True)
class RollReport:
    """What :func:`roll_position` found and did.

    ``held`` is the position rolled out of (``None``: nothing to roll), ``front`` the contract
    rolled into, ``orders`` the closing and opening orders (built even in a dry run), ``placed``
    the orders as the broker reports them (empty in a dry run), ``note`` a sentence for people.
    """

    root: str
    front: Future
    held: Position | None
    orders: tuple[NewOrder, ...]
    placed: tuple[Order, ...]
    dry_run: bool
    note: str

    @property
    def rolled(self) -> bool:
        """True when both orders were placed."""
        return len(self.placed) == 2

    def summary(self) -> str:
        """The report in one line."""
        return f"{self.root}: {self.note}"


def roll_position(
    broker: Broker,
    root: str,
    *,
    account: AccountRef = None,
    dry_run: bool = True,
    front: Future | None = None,
) -> RollReport:
    """Roll the position in an older contract of ``root`` (``"ES"``, ``"ZN"``) into the front
    contract (``front``, or what ``@root`` stands for today). Dry run unless told otherwise."""
    wanted = exchange_root(root.strip().upper().lstrip("/@"))
    target = front or broker.extension("tradestation").front_contract(wanted)
    held = [
        p
        for p in broker.positions(account)
        if isinstance(p.instrument, Future)
        and p.instrument.root == wanted
        and p.quantity != 0
        and (p.instrument.year, p.instrument.month) < (target.year, target.month)
    ]
    if not held:
        return RollReport(
            root=wanted, front=target, held=None, orders=(), placed=(), dry_run=dry_run,
            note=f"no position in a contract older than {target}: nothing to roll",
        )  # fmt: skip
    if len(held) > 1:
        listed = ", ".join(str(p.instrument) for p in held)
        raise errors.InvalidOrderError(
            f"positions in several old {wanted} contracts ({listed}); roll one at a time by "
            f"closing the others first",
            field="symbol",
            broker="tradestation",
        )
    position = held[0]
    size = abs(position.quantity)
    opening_side = Side.BUY if position.quantity > 0 else Side.SELL
    owner = account if isinstance(account, str) else position.account
    close = NewOrder.market(
        position.instrument, opening_side.opposite, size, effect=PositionEffect.CLOSE, account=owner
    )
    open_ = NewOrder.market(target, opening_side, size, effect=PositionEffect.OPEN, account=owner)
    what = f"{_signed(position.quantity)} {position.instrument} -> {target}"
    if dry_run:
        return RollReport(
            root=wanted, front=target, held=position, orders=(close, open_), placed=(),
            dry_run=True, note=f"would roll {what} (dry run: nothing sent)",
        )  # fmt: skip
    closed = broker.place(close)
    try:
        opened = broker.place(open_)
    except errors.BrokerError as exc:
        exc.message += (
            f"; the close of {position.instrument} (order {closed.id}) WAS placed: "
            f"you may be flat instead of rolled"
        )
        raise
    return RollReport(
        root=wanted, front=target, held=position, orders=(close, open_), placed=(closed, opened),
        dry_run=False, note=f"rolled {what} (orders {closed.id}, {opened.id})",
    )  # fmt: skip


def _signed(quantity: Decimal) -> str:
    return f"+{quantity}" if quantity > 0 else str(quantity)
