"""The engine's shared state and the helpers every part of it uses.

:class:`EngineState` owns the clock, universe, market data, accounts, orders, groups and event
log; the placement and lifecycle mixins and the public :class:`~brokerlink.emulator.Engine` build
on it. Callers hold ``self._lock`` (re-entrant) around every public operation.
"""

from __future__ import annotations

import threading
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from brokerlink.emulator.clock import SimClock
from brokerlink.emulator.config import EmulatorConfig
from brokerlink.emulator.events import EventLog
from brokerlink.emulator.faults import Faults
from brokerlink.emulator.groups import GroupBook
from brokerlink.emulator.ledger import AccountState, Holding, requirement
from brokerlink.emulator.marketdata import MarketData
from brokerlink.emulator.matching import Matcher
from brokerlink.emulator.orders import OrderState
from brokerlink.emulator.personality import Personality
from brokerlink.emulator.pricer import Pricer
from brokerlink.emulator.universe import Universe
from brokerlink.enums import AccountType
from brokerlink.errors import OrderNotFoundError, RejectedError, SymbolNotFoundError
from brokerlink.instruments import (
    Crypto,
    Equity,
    Future,
    FutureOption,
    Instrument,
    InstrumentLike,
    Option,
)
from brokerlink.models.account import Position
from brokerlink.models.events import OrderEvent, PositionEvent
from brokerlink.models.order import Fill

__all__ = ["EngineState"]

_ZERO = Decimal(0)
_CENT = Decimal("0.01")


class EngineState:
    """State and shared helpers of the emulator engine (see :class:`~brokerlink.emulator.Engine`)."""

    def __init__(self, config: EmulatorConfig, personality: Personality) -> None:
        self.config = config
        self.personality = personality
        self.clock = SimClock(config.start)
        self.faults = Faults()
        self.universe = Universe.build(
            config.seed,
            config.symbols,
            config.extra_symbols,
            fractional_equity=personality.allow_fractional_equity,
        )
        self.pricer = Pricer(config.seed, self.universe)
        self.market = MarketData(self.pricer)
        self.matcher = Matcher(self.market, config.max_fill_per_step)
        self._lock = threading.RLock()
        self._log = EventLog(personality.drop_fill_event_every)
        self._groups = GroupBook()
        self._orders: dict[str, OrderState] = {}
        self._next_order = config.first_order_id
        self._next_group = 1
        self._processed_until = config.start
        self._accounts: dict[str, AccountState] = {}
        for spec in config.accounts:
            account = AccountState(id=spec.id, type=spec.type, cash=spec.cash)
            for pos in spec.positions:
                inst = self._resolve(pos.symbol)
                account.holdings[inst] = Holding(
                    instrument=inst,
                    quantity=pos.quantity,
                    average_price=pos.average_price,
                    opened_at=config.start,
                )
            self._accounts[spec.id] = account

    # -- lookups ------------------------------------------------------------------------------

    @property
    def _broker(self) -> str | None:
        return self.personality.name

    def _now(self) -> datetime:
        return self.clock.now()

    def _account(self, account_id: str) -> AccountState:
        account = self._accounts.get(account_id)
        if account is None:
            raise RejectedError(
                "no such account in this emulator; call accounts() for the ids it has",
                broker=self._broker,
                code="account_not_found",
            )
        account.settle(self._now())
        return account

    def _order(self, account: AccountState, order_id: str) -> OrderState:
        order = self._orders.get(str(order_id))
        if order is None or order.account != account.id:
            raise OrderNotFoundError(f"no order {order_id!r} in this account", broker=self._broker)
        return order

    def _resolve(self, symbol: InstrumentLike, *, listed: bool = True) -> Instrument:
        """The known instrument for ``symbol``, with details; SymbolNotFoundError otherwise."""
        try:
            inst = self.universe.resolve(symbol, now=self._now() if listed else None)
        except SymbolNotFoundError as exc:
            raise SymbolNotFoundError(exc.message, broker=self._broker) from None
        if inst.asset_class not in self.personality.asset_classes:
            raise SymbolNotFoundError(
                f"symbol {str(inst).strip()!r}: {inst.asset_class} is not traded here",
                broker=self._broker,
            )
        return inst

    def _new_order_id(self) -> str:
        order_id = str(self._next_order)
        self._next_order += 1
        return order_id

    def _new_group_id(self) -> str:
        group_id = f"G{self._next_group}"
        self._next_group += 1
        return group_id

    # -- marks and money ----------------------------------------------------------------------

    def _mark(self, inst: Instrument) -> Decimal:
        """The mark of ``inst`` now: the quote's last (within the spread, on the tick)."""
        last = self.market.quote(inst, self._now()).last
        assert last is not None  # engine quotes are always complete
        return last

    def _underlying_mark(self, option: Option) -> Decimal:
        return self._mark(self.universe.underlying_of(option))

    def _requirement(
        self, positions: dict[Instrument, Decimal], prices: dict[Instrument, Decimal] | None = None
    ) -> Decimal:
        """Margin requirement of ``positions``, marked now (or at ``prices`` where given)."""
        if not prices:
            return requirement(positions, self._mark, self._underlying_mark)

        def mark(inst: Instrument) -> Decimal:
            return prices[inst] if inst in prices else self._mark(inst)

        return requirement(positions, mark, self._underlying_mark)

    def _equity(self, account: AccountState) -> Decimal:
        value = sum(
            (h.quantity * self._mark(h.instrument) * h.instrument.multiplier
             for h in account.holdings.values()),
            _ZERO,
        )  # fmt: skip
        return account.cash + value

    def _reserved(self, account: AccountState, *, excluding: str | None = None) -> Decimal:
        return sum(
            (o.reserve for o in self._orders.values()
             if o.account == account.id and o.is_open and o.id != excluding),
            _ZERO,
        )  # fmt: skip

    def _raw_buying_power(
        self,
        account: AccountState,
        positions: dict[Instrument, Decimal],
        cash_delta: Decimal,
        prices: dict[Instrument, Decimal] | None = None,
    ) -> Decimal:
        """Buying power before reservations, for ``positions`` and cash moved by ``cash_delta``.

        ``prices`` overrides the marks of some instruments: an order is judged at its own
        expected fill price, so a limit far below the market neither looks like an instant
        profit nor needs margin at today's price.
        """
        if account.type is AccountType.CASH:
            # Sale proceeds settle later: only spending changes a cash account's buying power.
            return account.settled_cash + min(cash_delta, _ZERO)
        equity = account.cash + cash_delta
        for inst, qty in positions.items():
            price = prices[inst] if prices and inst in prices else self._mark(inst)
            equity += qty * price * inst.multiplier
        return self.config.margin_multiplier * (equity - self._requirement(positions, prices))

    def _buying_power(self, account: AccountState, *, excluding: str | None = None) -> Decimal:
        positions = {h.instrument: h.quantity for h in account.holdings.values()}
        raw = self._raw_buying_power(account, positions, _ZERO)
        return raw - self._reserved(account, excluding=excluding)

    def _commission(self, inst: Instrument, quantity: Decimal, price: Decimal) -> Decimal:
        config = self.config
        if isinstance(inst, Option | FutureOption):
            fee = config.commission_per_option_contract * quantity
        elif isinstance(inst, Future):
            fee = config.commission_per_future_contract * quantity
        elif isinstance(inst, Crypto):
            fee = config.crypto_commission_rate * quantity * price
        elif isinstance(inst, Equity):
            fee = config.commission_per_share * quantity
        else:
            fee = _ZERO
        return fee.quantize(_CENT, rounding=ROUND_HALF_UP)

    # -- models and events --------------------------------------------------------------------

    def _position_model(self, account: AccountState, holding: Holding) -> Position:
        inst = holding.instrument
        if holding.quantity == 0:
            value, pnl = _ZERO, _ZERO
        else:
            mark = self._mark(inst)
            value = holding.quantity * mark * inst.multiplier
            pnl = (mark - holding.average_price) * holding.quantity * inst.multiplier
        return Position(
            account=account.id,
            instrument=inst,
            quantity=holding.quantity,
            average_price=holding.average_price,
            market_value=value.quantize(_CENT),
            unrealized_pnl=pnl.quantize(_CENT),
            realized_pnl=holding.realized_pnl.quantize(_CENT),
            opened_at=holding.opened_at,
        )

    def _emit_order(self, order: OrderState, at: datetime, fill: Fill | None = None) -> None:
        self._log.append(order.account, OrderEvent(order=order.to_model(), fill=fill, time=at))

    def _emit_position(self, account: AccountState, holding: Holding, at: datetime) -> None:
        position = self._position_model(account, holding)
        self._log.append(account.id, PositionEvent(position=position, time=at))
