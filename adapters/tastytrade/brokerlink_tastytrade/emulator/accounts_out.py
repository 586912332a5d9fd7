"""Customers, accounts, balances, positions and transactions in tastytrade's shapes
(refs/tastytrade/NOTES.md §4-5; examples ``GET_customers_me*.json``, ``GET_accounts_N_*.json``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from brokerlink.emulator.calendar import NEW_YORK
from brokerlink.emulator.pricer import option_expiry_time
from brokerlink.enums import AccountType, PositionEffect, Side
from brokerlink.instruments import Crypto, Equity, Future, FutureOption, Index, Instrument, Option
from brokerlink.models import Account, Balance, Fill, Position
from brokerlink_tastytrade.emulator.envelope import dec, iso, number
from brokerlink_tastytrade.emulator.orders_out import action_of
from brokerlink_tastytrade.emulator.symbols import instrument_type, tasty_symbol, underlying_symbol

__all__ = [
    "CUSTOMER",
    "account_json",
    "balance_json",
    "position_json",
    "transaction_json",
]

_ZERO = Decimal(0)
_ZERO_FIELDS = (
    "bond-margin-requirement", "cryptocurrency-margin-requirement", "day-equity-call-value",
    "day-trading-call-value", "equity-offering-margin-requirement",
    "fixed-income-security-margin-requirement", "futures-intraday-margin-requirement",
    "futures-margin-requirement", "futures-overnight-margin-requirement", "long-bond-value",
    "long-fixed-income-security-value", "long-futures-derivative-value",
    "short-futures-derivative-value", "maintenance-call-value", "reg-t-call-value",
    "pending-margin-interest", "unsettled-cryptocurrency-fiat-amount", "margin-settle-balance",
    "sma-equity-option-buying-power", "special-memorandum-account-apex-adjustment",
    "special-memorandum-account-value", "total-pending-liquidity-pool-rebate",
    "buying-power-adjustment",
)  # fmt: skip
_NONE_EFFECTS = ("unsettled-cryptocurrency-fiat-effect", "buying-power-adjustment-effect")
_OPENED = "2024-01-02T14:30:00.000+00:00"

CUSTOMER: dict[str, Any] = {
    "id": "me",
    "first-name": "Emma",
    "last-name": "Ulator",
    "usa-citizenship-type": "Citizen",
    "is-foreign": False,
    "email": "emulator@brokerlink.invalid",
    "external-id": "C0000000001",
    "has-delayed-quotes": False,
    "is-professional": False,
    "identifiable-type": "Person",
}
"""The emulated customer (``GET /customers/me``): a subset of the documented fields."""


def account_json(account: Account) -> dict[str, Any]:
    """One account object (``/customers/me/accounts/{n}``; wrapped in the accounts list)."""
    margin = account.type is not AccountType.CASH
    return {
        "account-number": account.id,
        "external-id": f"A{account.id}",
        "opened-at": _OPENED,
        "nickname": "Individual",
        "account-type-name": "Individual",
        "day-trader-status": False,
        "is-closed": False,
        "is-firm-error": False,
        "is-firm-proprietary": False,
        "is-futures-approved": True,
        "is-test-drive": False,
        "margin-or-cash": "Margin" if margin else "Cash",
        "is-foreign": False,
        "suitable-options-level": "No Restrictions",
        "created-at": _OPENED,
    }


def _value(position: Position) -> Decimal:
    return position.market_value if position.market_value is not None else _ZERO


def balance_json(balance: Balance, positions: list[Position], now: datetime) -> dict[str, Any]:
    """The balances object (``GET /accounts/{n}/balances``)."""

    def total(test: type[Any] | tuple[type[Any], ...], long: bool) -> Decimal:
        return sum(
            (
                abs(_value(p))
                for p in positions
                if isinstance(p.instrument, test) and (p.quantity > 0) == long
            ),
            _ZERO,
        )

    equities = (Equity, Index)
    requirement = balance.maintenance_requirement or _ZERO
    fields = {
        "cash-balance": balance.cash,
        "long-equity-value": total(equities, True),
        "short-equity-value": total(equities, False),
        "long-derivative-value": total(Option, True),
        "short-derivative-value": total(Option, False),
        "long-futures-value": total(Future, True),
        "short-futures-value": total(Future, False),
        "long-cryptocurrency-value": total(Crypto, True),
        "short-cryptocurrency-value": total(Crypto, False),
        "margin-equity": balance.equity,
        "equity-buying-power": balance.buying_power,
        "derivative-buying-power": balance.buying_power,
        "day-trading-buying-power": balance.day_trading_buying_power or _ZERO,
        "maintenance-requirement": requirement,
        "net-liquidating-value": balance.equity,
        "cash-available-to-withdraw": max(balance.cash, _ZERO),
        "pending-cash": balance.unsettled_cash or _ZERO,
    }
    long_value = sum((v for k, v in fields.items() if k.startswith("long-")), _ZERO)
    short_value = sum((v for k, v in fields.items() if k.startswith("short-")), _ZERO)
    fields.update(
        {
            "long-margineable-value": long_value,
            "short-margineable-value": short_value,
            "available-trading-funds": balance.buying_power,
            "reg-t-margin-requirement": requirement,
            "maintenance-excess": balance.equity - requirement,
            "used-derivative-buying-power": requirement,
            "day-trade-excess": balance.buying_power,
            "closed-loop-available-balance": max(balance.cash, _ZERO),
            "effective-cryptocurrency-buying-power": balance.buying_power,
            "cash-settle-balance": balance.cash - (balance.unsettled_cash or _ZERO),
            "total-settle-balance": balance.cash - (balance.unsettled_cash or _ZERO),
        }
    )
    # Amounts the engine does not model (calls, bonds, interest, adjustments): always zero.
    for name in _ZERO_FIELDS:
        fields.setdefault(name, _ZERO)
    body: dict[str, Any] = {"account-number": balance.account, "currency": balance.currency}
    body.update({key: dec(value) for key, value in fields.items()})
    for name in _NONE_EFFECTS:
        body[name] = "None"
    body["pending-cash-effect"] = "Credit" if balance.unsettled_cash else "None"
    body["snapshot-date"] = now.astimezone(NEW_YORK).date().isoformat()
    body["updated-at"] = iso(balance.time or now)
    return body


def position_json(
    position: Position,
    close_price: Decimal | None,
    today: date,
    underlying: Instrument | None = None,
) -> dict[str, Any]:
    """One position object (``GET /accounts/{n}/positions``)."""
    inst = position.instrument
    long = position.quantity >= 0
    body: dict[str, Any] = {
        "account-number": position.account,
        "symbol": tasty_symbol(inst),
        "instrument-type": instrument_type(inst),
        "underlying-symbol": underlying_symbol(inst, underlying),
        "quantity": number(abs(position.quantity)),
        "quantity-direction": "Zero" if position.quantity == 0 else ("Long" if long else "Short"),
        "close-price": dec(close_price or _ZERO),
        "average-open-price": dec(position.average_price),
        "multiplier": number(inst.multiplier),
        # Both documented long positions carry "Credit" here; the short side mirrors it.
        "cost-effect": "Credit" if long else "Debit",
        "is-suppressed": False,
        "is-frozen": False,
        "restricted-quantity": "0.0",
        "realized-day-gain": dec(abs(position.realized_pnl or _ZERO)),
        "realized-day-gain-effect": _effect(position.realized_pnl or _ZERO),
        "realized-today": dec(abs(position.realized_pnl or _ZERO)),
        "realized-today-effect": _effect(position.realized_pnl or _ZERO),
        "realized-day-gain-date": today.isoformat(),
        "realized-today-date": today.isoformat(),
        "average-daily-market-close-price": dec(close_price or _ZERO),
        "average-yearly-market-close-price": dec(position.average_price),
        "created-at": iso(position.opened_at),
        "updated-at": iso(position.opened_at),
    }
    if isinstance(inst, Option | FutureOption):
        body["expires-at"] = iso(option_expiry_time(inst.expiration))
    return body


def _effect(amount: Decimal) -> str:
    return "None" if amount == 0 else ("Credit" if amount > 0 else "Debit")


def transaction_json(
    tx_id: int, account: str, fill: Fill, effect_close: bool, order_id: str
) -> dict[str, Any]:
    """A ``Trade`` transaction for one execution (``GET /accounts/{n}/transactions``)."""
    inst = fill.instrument
    value = fill.quantity * fill.price * inst.multiplier
    buy = fill.side is Side.BUY
    net = -value - fill.fees if buy else value - fill.fees
    action = action_of(fill.side, PositionEffect.CLOSE if effect_close else PositionEffect.OPEN)
    verb = "Bought" if buy else "Sold"
    return {
        "id": tx_id,
        "account-number": account,
        "symbol": tasty_symbol(inst),
        "instrument-type": instrument_type(inst),
        "underlying-symbol": underlying_symbol(inst),
        "transaction-type": "Trade",
        "transaction-sub-type": action,
        "description": f"{verb} {number(fill.quantity)} {tasty_symbol(inst).strip()} @ {dec(fill.price)}",
        "action": action,
        "quantity": dec(fill.quantity),
        "price": dec(fill.price),
        "executed-at": iso(fill.time),
        "transaction-date": fill.time.astimezone(NEW_YORK).date().isoformat(),
        "value": dec(value),
        "value-effect": "Debit" if buy else "Credit",
        "commission": dec(fill.fees),
        "commission-effect": "Debit" if fill.fees else "None",
        "net-value": dec(abs(net)),
        "net-value-effect": "Debit" if net < 0 else "Credit",
        "is-estimated-fee": True,
        "order-id": int(order_id),
    }
