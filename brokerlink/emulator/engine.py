"""The emulator engine: the broker-neutral core behind every adapter's offline wire front.

One :class:`Engine` simulates a broker: accounts, cash and positions, orders and their fills,
deterministic seeded market data, market hours, and a fault plan the transport consumes. Time
only moves when a caller advances it. Every public method takes a re-entrant lock, so HTTP
fronts may call it from several threads and an event-loop thread at once.

>>> from brokerlink.models import NewOrder
>>> engine = Engine()
>>> order = engine.place("EMU00001", NewOrder.limit("AAPL", "buy", 10, "200.00"))
>>> order.id, order.status.value
('1001', 'open')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.config import EmulatorConfig
from brokerlink.emulator.events import EngineEvent
from brokerlink.emulator.personality import Personality
from brokerlink.emulator.trading import TradingMixin
from brokerlink.enums import AccountStatus, AccountType, AssetClass
from brokerlink.instruments import Future, Instrument, InstrumentLike
from brokerlink.models.account import Account, Balance, Position
from brokerlink.models.market import Bar, OptionChain, Quote
from brokerlink.timeframes import Timeframe, TimeframeLike
from brokerlink.timeutil import ensure_utc

__all__ = ["Engine"]

T = TypeVar("T")

_ZERO = Decimal(0)
_CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT)


class Engine(TradingMixin):
    """A deterministic, in-process simulated broker.

    ``config`` fixes the seed, start time, accounts and universe; ``personality`` the broker
    quirks a wire front imitates. Unknown accounts raise :class:`~brokerlink.errors.RejectedError`
    with ``code="account_not_found"``; unknown order ids
    :class:`~brokerlink.errors.OrderNotFoundError`.
    """

    def __init__(
        self, config: EmulatorConfig | None = None, personality: Personality | None = None
    ) -> None:
        super().__init__(config or EmulatorConfig(), personality or Personality())
        self._attached: dict[str, object] = {}

    # -- what wire fronts keep with the engine ------------------------------------------------

    def attached(self, key: str, make: Callable[[], T]) -> T:
        """The object kept under ``key`` with this engine, made by ``make()`` the first time.

        A broker's wire front keeps state the engine does not model (its own order ids,
        watchlists, stream sessions, issued tokens). Every connection to one engine must see the
        same broker, so adapters keep their default front here instead of building a new one
        per connection.
        """
        with self._lock:
            if key not in self._attached:
                self._attached[key] = make()
            return self._attached[key]  # type: ignore[return-value]

    # -- time ---------------------------------------------------------------------------------

    def now(self) -> datetime:
        """The simulated time (aware UTC)."""
        return self._now()

    def advance(self, delta: timedelta) -> datetime:
        """Move time forward by ``delta``, working orders minute by minute; returns the new time."""
        if delta < timedelta(0):
            raise ValueError(f"cannot advance by a negative delta ({delta})")
        with self._lock:
            return self.advance_to(self._now() + delta)

    def advance_to(self, when: datetime) -> datetime:
        """Move time forward to ``when`` (not earlier than now), working orders minute by minute."""
        when = ensure_utc(when, field="when")
        with self._lock:
            if when < self._now():
                raise ValueError(f"cannot go back in time to {when.isoformat()}")
            self._run_until(when)
            return self._now()

    # -- market data --------------------------------------------------------------------------

    def details(self, symbol: InstrumentLike) -> Instrument:
        """The instrument for ``symbol`` with :class:`~brokerlink.instruments.InstrumentDetails`."""
        with self._lock:
            return self._resolve(symbol)

    def quote(self, symbol: InstrumentLike) -> Quote:
        """The current quote (frozen at the last close while the market is closed)."""
        with self._lock:
            return self.market.quote(self._resolve(symbol), self._now())

    def quotes(self, symbols: Iterable[InstrumentLike]) -> dict[str, Quote]:
        """Quotes by canonical symbol text; any unknown symbol raises SymbolNotFoundError."""
        with self._lock:
            found = [self._resolve(symbol) for symbol in symbols]
            return {str(inst): self.market.quote(inst, self._now()) for inst in found}

    def bars(
        self,
        symbol: InstrumentLike,
        timeframe: TimeframeLike,
        start: datetime,
        end: datetime | None = None,
        *,
        extended: bool = False,
    ) -> list[Bar]:
        """Bars stamped in ``[start, end)`` (``end`` defaults to now; never past now).

        Intraday bars are session-only (regular unless ``extended``); see
        :mod:`brokerlink.emulator.marketdata` for the stamping rules.
        """
        tf = Timeframe.parse(timeframe)
        start = ensure_utc(start, field="start")
        with self._lock:
            now = self._now()
            stop = ensure_utc(end, field="end") if end is not None else now
            inst = self._resolve(symbol, listed=False)
            return self.market.bars(inst, tf, start, stop, now=now, extended=extended)

    def option_chain(
        self, underlying: InstrumentLike, expiration: date | None = None
    ) -> OptionChain:
        """The listed options on ``underlying`` (one expiration when given); a futures
        contract's are its futures options."""
        with self._lock:
            inst = self._resolve(underlying)
            spec = self.universe.spec_of(inst)
            listed = spec.has_options or (
                isinstance(inst, Future)
                and AssetClass.FUTURE_OPTION in self.personality.asset_classes
            )
            if not listed:
                return OptionChain(underlying=inst, expirations=())
            return self.market.option_chain(inst, self._now(), expiration)

    def session_at(self, symbol: InstrumentLike, at: datetime | None = None) -> mkt.Session:
        """The session in force for ``symbol`` at ``at`` (default: now)."""
        with self._lock:
            return mkt.session_at(self._resolve(symbol, listed=False), at or self._now())

    def is_open(
        self, symbol: InstrumentLike, at: datetime | None = None, extended: bool = False
    ) -> bool:
        """Whether ``symbol`` trades at ``at`` (default: now), counting extended hours if asked."""
        with self._lock:
            return mkt.is_open(self._resolve(symbol, listed=False), at or self._now(), extended)

    # -- accounts -----------------------------------------------------------------------------

    def accounts(self) -> list[Account]:
        """Every account of the emulator, in configuration order."""
        with self._lock:
            return [
                Account(id=a.id, type=a.type, status=AccountStatus.ACTIVE, currency="USD")
                for a in self._accounts.values()
            ]

    def balance(self, account_id: str) -> Balance:
        """Cash, equity (cash + marked positions) and buying power net of working orders."""
        with self._lock:
            account = self._account(account_id)
            positions = {h.instrument: h.quantity for h in account.holdings.values()}
            margin = account.type is not AccountType.CASH
            return Balance(
                account=account.id,
                cash=_cents(account.cash),
                equity=_cents(self._equity(account)),
                buying_power=_cents(max(self._buying_power(account), _ZERO)),
                maintenance_requirement=_cents(self._requirement(positions)) if margin else None,
                unsettled_cash=None if margin else _cents(account.unsettled_cash),
                time=self._now(),
            )

    def positions(self, account_id: str) -> list[Position]:
        """Open positions marked at the current quote, by symbol."""
        with self._lock:
            account = self._account(account_id)
            holdings = sorted(account.holdings.values(), key=lambda h: str(h.instrument))
            return [self._position_model(account, h) for h in holdings]

    def reset_accounts(self) -> None:
        """Start every account over from its configuration (a broker sandbox's daily reset).

        Working orders are cancelled (their events are logged), then every order, group and
        position is forgotten and each account gets its configured cash and positions back.
        """
        from brokerlink.emulator.groups import GroupBook
        from brokerlink.emulator.ledger import AccountState, Holding
        from brokerlink.enums import OrderStatus

        with self._lock:
            now = self._now()
            for order in list(self._orders.values()):
                if order.is_open:
                    self._finish(order, OrderStatus.CANCELED, now, reason="sandbox reset")
            self._orders.clear()
            self._groups = GroupBook()
            for spec in self.config.accounts:
                account = AccountState(id=spec.id, type=spec.type, cash=spec.cash)
                for pos in spec.positions:
                    inst = self._resolve(pos.symbol, listed=False)
                    account.holdings[inst] = Holding(
                        instrument=inst,
                        quantity=pos.quantity,
                        average_price=pos.average_price,
                        opened_at=now,
                    )
                self._accounts[spec.id] = account

    # -- events -------------------------------------------------------------------------------

    def events_since(
        self, cursor: int, *, account: str | None = None, include_hidden: bool = False
    ) -> tuple[list[EngineEvent], int]:
        """Events after ``cursor`` (0 for all) and the cursor to pass next time.

        This is the stream view: fill events the personality drops are left out unless
        ``include_hidden``.
        """
        with self._lock:
            return self._log.since(cursor, account=account, include_hidden=include_hidden)
