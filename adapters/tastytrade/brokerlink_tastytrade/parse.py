"""tastytrade payloads -> brokerlink models: envelopes, accounts, balances, positions, ledger.

Pure functions named by direction, each with a trimmed sample payload above it. Orders live in
:mod:`.parse_orders`, market data and instruments in :mod:`.parse_market`. Every amount
tastytrade sends unsigned with a ``*-effect`` (``Debit`` / ``Credit`` / ``None``) is folded into
a signed Decimal here (:func:`signed`), and nowhere else.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal, TypeVar

import cattrs
import orjson

from brokerlink.enums import AccountStatus, AccountType, lenient
from brokerlink.errors import ResponseFormatError
from brokerlink.models import Account, Balance, Position
from brokerlink.wire import structure_or_raise
from brokerlink_tastytrade.models import BalanceSnapshot, Transaction
from brokerlink_tastytrade.symbology import instrument_from_tastytrade
from brokerlink_tastytrade.wire import (
    WireAccountItem,
    WireBalance,
    WirePagination,
    WirePosition,
    WireTransaction,
)

__all__ = [
    "BROKER",
    "accounts_from_tastytrade",
    "balance_from_tastytrade",
    "data_of",
    "items_of",
    "json_from_tastytrade",
    "pagination_of",
    "position_from_tastytrade",
    "positions_from_tastytrade",
    "signed",
    "snapshots_from_tastytrade",
    "structure",
    "transactions_from_tastytrade",
]

BROKER = "tastytrade"
T = TypeVar("T")
_ZERO = Decimal(0)


def json_from_tastytrade(content: bytes) -> Any:
    """The decoded body, or a :class:`ResponseFormatError` keeping the bytes."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError as exc:
        raise ResponseFormatError(
            f"the answer is not JSON: {exc}", raw=content, broker=BROKER
        ) from None


def data_of(body: Any) -> Any:
    """``body["data"]``: every tastytrade answer wraps its payload so."""
    if not isinstance(body, dict) or "data" not in body:
        raise ResponseFormatError("the answer has no 'data' envelope", path="$.data", broker=BROKER)
    return body["data"]


def items_of(body: Any) -> list[Any]:
    """``body["data"]["items"]``: the list of a collection answer."""
    data = data_of(body)
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ResponseFormatError(
            "the answer has no 'items' list", path="$.data.items", broker=BROKER
        )
    return items


def pagination_of(conv: cattrs.Converter, body: Any) -> WirePagination | None:
    """The top-level ``pagination`` object, or ``None`` (``null`` or absent: one page)."""
    found = body.get("pagination") if isinstance(body, dict) else None
    if found is None:
        return None
    return structure(conv, found, WirePagination)


def structure(conv: cattrs.Converter, data: Any, cl: type[T]) -> T:
    """``data`` as the wire record ``cl``, or a :class:`ResponseFormatError` with the path."""
    return structure_or_raise(conv, data, cl, broker=BROKER)


def signed(amount: Decimal | None, effect: str | None) -> Decimal | None:
    """A tastytrade amount with its effect as one signed number: ``Debit`` is negative."""
    if amount is None:
        return None
    return -abs(amount) if effect == "Debit" else abs(amount)


# {"data": {"items": [{"account": {"account-number": "5WT00001", "margin-or-cash": "Margin",
#   "is-closed": false, "account-type-name": "Individual"}, "authority-level": "owner"}]}}
def accounts_from_tastytrade(conv: cattrs.Converter, body: Any) -> list[Account]:
    """``GET /customers/me/accounts``: the accounts the token may use."""
    accounts = []
    for raw in items_of(body):
        item = structure(conv, raw, WireAccountItem)
        account = item.account
        kind = lenient(AccountType, account.margin_or_cash or "", default=AccountType.UNKNOWN)
        if "IRA" in (account.account_type_name or "").upper():
            kind = AccountType.IRA
        if account.is_closed:
            status = AccountStatus.CLOSED
        elif item.authority_level == "read-only":
            status = AccountStatus.RESTRICTED  # visible, but this login may not trade it
        else:
            status = AccountStatus.ACTIVE
        accounts.append(Account(id=account.account_number, type=kind, status=status, raw=raw))
    return accounts


# {"data": {"account-number": "5WT00000", "cash-balance": "7218.997",
#   "net-liquidating-value": "32520.734", "equity-buying-power": "45657.048",
#   "day-trading-buying-power": "0.0", "maintenance-requirement": "9692.211",
#   "pending-cash": "0.0", "pending-cash-effect": "None", "updated-at": "2023-07-30T01:10:30.928+00:00"}}
def balance_from_tastytrade(conv: cattrs.Converter, payload: Any) -> Balance:
    """One balances object (the ``data`` of ``GET /accounts/{n}/balances``, or a snapshot)."""
    wire = structure(conv, payload, WireBalance)
    buying_power = wire.equity_buying_power
    if buying_power is None:
        buying_power = wire.derivative_buying_power or _ZERO
    return Balance(
        account=wire.account_number,
        cash=wire.cash_balance,
        equity=wire.net_liquidating_value,
        buying_power=buying_power,
        day_trading_buying_power=wire.day_trading_buying_power,
        maintenance_requirement=wire.maintenance_requirement,
        unsettled_cash=signed(wire.pending_cash, wire.pending_cash_effect),
        currency=wire.currency or "USD",
        time=wire.updated_at,
        raw=payload,
    )


# {"data": {"items": [{"account-number": "5WT00000", "snapshot-date": "2016-12-29",
#   "cash-balance": "0.0", "net-liquidating-value": "0.0", ...}]}, "pagination": {...}}
def snapshots_from_tastytrade(conv: cattrs.Converter, body: Any) -> list[BalanceSnapshot]:
    """``GET /accounts/{n}/balance-snapshots``: one snapshot per item."""
    snapshots = []
    for raw in items_of(body):
        wire = structure(conv, raw, WireBalance)
        if wire.snapshot_date is None:
            raise ResponseFormatError(
                "a balance snapshot has no snapshot-date", path="$.data.items[].snapshot-date"
            )
        tod: Literal["BOD", "EOD"] | None = None
        if wire.time_of_day == "BOD":
            tod = "BOD"
        elif wire.time_of_day == "EOD":
            tod = "EOD"
        snapshots.append(
            BalanceSnapshot(
                day=wire.snapshot_date, time_of_day=tod, balance=balance_from_tastytrade(conv, raw)
            )
        )
    return snapshots


# {"account-number": "5WT00000", "symbol": "AAPL", "instrument-type": "Equity",
#  "quantity": "100", "quantity-direction": "Long", "average-open-price": "288.7",
#  "close-price": "282.48", "multiplier": 1, "realized-day-gain": "0.0", ...}
def position_from_tastytrade(conv: cattrs.Converter, raw: Any, *, today: date) -> Position:
    """One position: ``quantity`` is unsigned on the wire, its sign is ``quantity-direction``."""
    wire = structure(conv, raw, WirePosition)
    target = instrument_from_tastytrade(wire.symbol, wire.instrument_type, reference=today)
    quantity = -abs(wire.quantity) if wire.quantity_direction == "Short" else abs(wire.quantity)
    average = wire.average_open_price if wire.average_open_price is not None else _ZERO
    mark = wire.mark_price if wire.mark_price is not None else wire.mark
    multiplier = wire.multiplier if wire.multiplier is not None else target.multiplier
    market_value = None if mark is None else quantity * mark * multiplier
    pnl = None if mark is None else quantity * (mark - average) * multiplier
    realized = signed(wire.realized_today, wire.realized_today_effect)
    return Position(
        account=wire.account_number,
        instrument=target,
        quantity=quantity,
        average_price=average,
        market_value=market_value,
        unrealized_pnl=pnl,
        realized_pnl=realized,
        opened_at=wire.created_at,
        raw=raw,
    )


def positions_from_tastytrade(conv: cattrs.Converter, body: Any, *, today: date) -> list[Position]:
    """``GET /accounts/{n}/positions``; zero-quantity rows (purged overnight) are left out."""
    found = [position_from_tastytrade(conv, raw, today=today) for raw in items_of(body)]
    return [p for p in found if p.quantity != 0]


# {"id": 252634233, "account-number": "5WT0001", "symbol": "KBWD", "instrument-type": "Equity",
#  "transaction-type": "Money Movement", "transaction-sub-type": "Dividend",
#  "executed-at": "2023-07-28T21:00:00.000+00:00", "value": "27.74", "value-effect": "Credit",
#  "net-value": "27.74", "net-value-effect": "Credit"}
def transactions_from_tastytrade(
    conv: cattrs.Converter, body: Any, *, today: date
) -> list[Transaction]:
    """``GET /accounts/{n}/transactions`` items, amounts signed (cash in positive)."""
    found = []
    for raw in items_of(body):
        wire = structure(conv, raw, WireTransaction)
        target = None
        if wire.symbol and wire.instrument_type:
            target = instrument_from_tastytrade(wire.symbol, wire.instrument_type, reference=today)
        fees = sum(
            (
                signed(amount, effect) or _ZERO
                for amount, effect in (
                    (wire.commission, wire.commission_effect),
                    (wire.clearing_fees, wire.clearing_fees_effect),
                    (wire.regulatory_fees, wire.regulatory_fees_effect),
                )
            ),
            _ZERO,
        )
        found.append(
            Transaction(
                id=wire.id,
                account=wire.account_number or "",
                type=wire.transaction_type,
                sub_type=wire.transaction_sub_type,
                description=wire.description,
                executed_at=wire.executed_at,
                instrument=target,
                action=wire.action,
                quantity=wire.quantity,
                price=wire.price,
                value=signed(wire.value, wire.value_effect),
                net_value=signed(wire.net_value, wire.net_value_effect),
                fees=fees,
                order_id=wire.order_id,
                raw=raw,
            )
        )
    return found
