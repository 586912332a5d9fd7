"""Configuration of an emulator engine: seed, start time, accounts, universe, costs.

Everything the engine does follows from an :class:`EmulatorConfig` and the calls made on it, so a
test that builds the same config and makes the same calls sees the same ids, prices and fills.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import attrs

from brokerlink.emulator.defaults import DEFAULT_SYMBOLS, SymbolSpec
from brokerlink.enums import AccountType
from brokerlink.timeutil import ensure_utc

__all__ = ["DEFAULT_START", "AccountSpec", "EmulatorConfig", "PositionSpec"]

DEFAULT_START = datetime(2025, 1, 6, 14, 30, tzinfo=UTC)
"""Monday 6 January 2025, 09:30 New York: the regular session's first minute."""


def _utc(value: datetime) -> datetime:
    return ensure_utc(value, field="EmulatorConfig.start")


def _decimal(value: Decimal | str | int) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def _optional_decimal(value: Decimal | str | int | None) -> Decimal | None:
    return None if value is None else _decimal(value)


@attrs.frozen(kw_only=True)
class PositionSpec:
    """A position an account starts with: canonical symbol, signed quantity, average price."""

    symbol: str
    quantity: Decimal = attrs.field(converter=_decimal)
    average_price: Decimal = attrs.field(converter=_decimal)


@attrs.frozen
class AccountSpec:
    """One emulated account: its id, type, starting cash and optional starting positions."""

    id: str
    type: AccountType = AccountType.MARGIN
    cash: Decimal = attrs.field(default=Decimal("100000"), converter=_decimal)
    positions: tuple[PositionSpec, ...] = attrs.field(default=(), converter=tuple)


@attrs.frozen(kw_only=True)
class EmulatorConfig:
    """How an emulator engine starts.

    - ``seed``: every price, size and volume derives from it (and the symbol and time).
    - ``start``: the simulated clock's first reading (aware; stored in UTC).
    - ``accounts``: a margin account ``EMU00001`` and a cash account ``EMU00002`` by default.
    - ``symbols``/``extra_symbols``: the known universe; extras may be plain text (``"XYZ"``,
      ``"$ABC"``, ``"/ZB"``, ``"SOL/USD"``) for a seeded spec.
    - commissions: per share, per option contract, per futures contract, and a rate on crypto
      notional.
    - ``max_fill_per_step``: the most one order fills per minute, on top of the displayed size at
      the touch (``None``: only the displayed size limits a fill).
    - ``margin_multiplier``: a margin account's buying power is this multiple of its excess equity.
    """

    seed: int = 7
    start: datetime = attrs.field(default=DEFAULT_START, converter=_utc)
    accounts: tuple[AccountSpec, ...] = (
        AccountSpec("EMU00001"),
        AccountSpec("EMU00002", type=AccountType.CASH, cash=Decimal("25000")),
    )
    symbols: tuple[SymbolSpec, ...] = DEFAULT_SYMBOLS
    extra_symbols: tuple[SymbolSpec | str, ...] = ()
    commission_per_share: Decimal = attrs.field(default=Decimal(0), converter=_decimal)
    commission_per_option_contract: Decimal = attrs.field(
        default=Decimal("0.65"), converter=_decimal
    )
    commission_per_future_contract: Decimal = attrs.field(
        default=Decimal("2.25"), converter=_decimal
    )
    crypto_commission_rate: Decimal = attrs.field(default=Decimal(0), converter=_decimal)
    max_fill_per_step: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    margin_multiplier: Decimal = attrs.field(default=Decimal(2), converter=_decimal)
    first_order_id: int = 1001

    def __attrs_post_init__(self) -> None:
        ids = [spec.id for spec in self.accounts]
        if not ids:
            raise ValueError("EmulatorConfig.accounts: at least one account is needed")
        if len(set(ids)) != len(ids):
            raise ValueError(f"EmulatorConfig.accounts: duplicate account ids in {ids}")
