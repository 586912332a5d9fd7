"""Accounts, balances and positions as TradeStation writes them (NOTES §6.1-6.3).

Every amount is a string; a position's ``Quantity`` is negative when short; blank fields are
omitted. Shapes follow the documented examples ``GET_brokerage_accounts*.json`` and
``GET_brokerage_accounts_positions.json``.
"""

from __future__ import annotations

import zlib
from decimal import Decimal
from typing import Any

from brokerlink.enums import AccountType
from brokerlink.instruments import Future, Option
from brokerlink.models import Account, Balance, Position, Quote
from brokerlink_tradestation.emulator.orders_out import asset_type, num, ts_time
from brokerlink_tradestation.emulator.symbols import ts_symbol

__all__ = [
    "account_payload",
    "balance_payload",
    "bod_balance_payload",
    "position_id",
    "position_payload",
]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_TYPES = {
    AccountType.CASH: "Cash",
    AccountType.MARGIN: "Margin",
    AccountType.FUTURES: "Futures",
    AccountType.IRA: "Cash",
    AccountType.CRYPTO: "Cash",
}


def account_type(kind: AccountType) -> str:
    """TradeStation's ``AccountType`` (``Cash``, ``Margin``, ``Futures``)."""
    return _TYPES.get(kind, "Margin")


def account_payload(account: Account) -> dict[str, Any]:
    """An ``Account`` object; equity accounts carry ``AccountDetail``, futures accounts do not."""
    kind = account_type(account.type)
    body: dict[str, Any] = {
        "AccountID": account.id,
        "Currency": account.currency,
        "Status": "Active" if account.can_trade else "Inactive",
        "AccountType": kind,
    }
    if kind != "Futures":
        margin = kind == "Margin"
        body["AccountDetail"] = {
            "IsStockLocateEligible": False,
            "EnrolledInRegTProgram": margin,
            "RequiresBuyingPowerWarning": margin,
            "DayTradingQualified": True,
            "OptionApprovalLevel": 5 if margin else 2,
            "PatternDayTrader": False,
        }
    return body


def balance_payload(
    balance: Balance, kind: AccountType, positions: list[Position]
) -> dict[str, Any]:
    """A ``Balance`` object computed from the engine's balance and positions."""
    value = sum((p.market_value or _ZERO for p in positions), _ZERO)
    options = sum((p.market_value or _ZERO for p in positions if isinstance(p.instrument, Option)), _ZERO)  # fmt: skip
    pnl = sum((p.unrealized_pnl or _ZERO for p in positions), _ZERO)
    realized = sum((p.realized_pnl or _ZERO for p in positions), _ZERO)
    cost = sum((abs(p.cost_basis) for p in positions), _ZERO)
    requirement = balance.maintenance_requirement or _ZERO
    detail = {
        "CostOfPositions": num(cost),
        "DayTrades": "0",
        "MaintenanceRate": num(requirement),
        "OptionBuyingPower": num(balance.buying_power),
        "OptionsMarketValue": num(options),
        "OvernightBuyingPower": num(balance.buying_power),
        "RequiredMargin": num(requirement),
        "RealizedProfitLoss": num(realized),
        "UnrealizedProfitLoss": num(pnl),
    }
    if balance.unsettled_cash is not None:
        detail["UnsettledFunds"] = num(balance.unsettled_cash)
    return {
        "AccountID": balance.account,
        "AccountType": account_type(kind),
        "CashBalance": num(balance.cash),
        "BuyingPower": num(balance.buying_power),
        "Equity": num(balance.equity),
        "MarketValue": num(value),
        "TodaysProfitLoss": num(pnl),
        "UnclearedDeposit": "0",
        "BalanceDetail": detail,
        "Commission": "0",
    }


def bod_balance_payload(balance: Balance, kind: AccountType) -> dict[str, Any]:
    """A ``BODBalance`` object.

    The engine keeps no start-of-day snapshot, so this reports the balance as it stands; a
    client gets the documented shape, not yesterday's close.
    """
    margin = kind is not AccountType.CASH
    overnight = balance.buying_power if margin else balance.cash
    return {
        "AccountID": balance.account,
        "AccountType": account_type(kind),
        "BalanceDetail": {
            "AccountBalance": num(balance.cash),
            "CashAvailableToWithdraw": num(max(balance.cash, _ZERO)),
            "DayTradingMarginableBuyingPower": num(balance.buying_power),
            "DayTrades": "0",
            "Equity": num(balance.equity),
            "NetCash": num(balance.cash),
            "OptionBuyingPower": num(balance.buying_power),
            "OptionValue": "0",
            "OvernightBuyingPower": num(overnight),
        },
    }


def position_id(account: str, symbol: str) -> str:
    """A stable numeric ``PositionID`` for an account's position in a symbol."""
    return str(10_000_000 + zlib.crc32(f"{account}|{symbol}".encode()) % 90_000_000)


def position_payload(position: Position, quote: Quote | None) -> dict[str, Any]:
    """A ``Position`` object (REST and stream), marked at ``quote``."""
    inst = position.instrument
    symbol = ts_symbol(inst)
    multiplier = inst.multiplier
    qty = position.quantity
    cost = qty * position.average_price * multiplier
    pnl = position.unrealized_pnl or _ZERO
    last = quote.last if quote is not None else None
    per_unit = (
        (last - position.average_price) * (1 if qty > 0 else -1) if last is not None else _ZERO
    )
    percent = (pnl / abs(cost) * _HUNDRED).quantize(Decimal("0.001")) if cost else _ZERO
    body: dict[str, Any] = {
        "AccountID": position.account,
        "AveragePrice": num(position.average_price),
        "AssetType": asset_type(inst),
        "Last": num(last),
        "Bid": num(quote.bid if quote is not None else None),
        "Ask": num(quote.ask if quote is not None else None),
        "ConversionRate": "1",
        "DayTradeRequirement": "0",
        "InitialRequirement": "0",
        "MaintenanceMargin": "0",
        "PositionID": position_id(position.account, symbol),
        "LongShort": "Short" if qty < 0 else "Long",
        "Quantity": num(qty),
        "Symbol": symbol,
        "Timestamp": ts_time(position.opened_at) if position.opened_at is not None else None,
        "TodaysProfitLoss": num(pnl),
        "TotalCost": num(cost),
        "MarketValue": num(position.market_value),
        "MarkToMarketPrice": num(position.average_price),
        "UnrealizedProfitLoss": num(pnl),
        "UnrealizedProfitLossPercent": num(percent),
        "UnrealizedProfitLossQty": num(per_unit),
    }
    if isinstance(inst, Option):
        body["ExpirationDate"] = f"{inst.expiration:%Y-%m-%d}T00:00:00Z"
    elif isinstance(inst, Future):
        body["ExpirationDate"] = None
    return {k: v for k, v in body.items() if v is not None}
