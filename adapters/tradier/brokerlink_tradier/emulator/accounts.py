"""Tradier's account endpoints: profile, balances, positions, history, gain/loss.

=========================================== ================================================
``GET /user/profile``                       ``profile{account, id, name}``, every account
``GET /accounts/{id}/balances``             ``balances`` with a ``margin`` or ``cash`` part
``GET /accounts/{id}/positions``            ``positions.position`` (``"null"`` when none)
``GET /accounts/{id}/history``              ``history.event`` of trades (``page``, ``limit``,
                                            ``type``, ``start``, ``end``, ``symbol``)
``GET /accounts/{id}/gainloss``             ``gainloss.closed_position`` (FIFO lots; ``sortBy``,
                                            ``sort``, ``start``, ``end``, ``symbol``)
=========================================== ================================================
"""

from __future__ import annotations

import zlib
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from brokerlink._http import Request
from brokerlink.emulator.http import Reply
from brokerlink.enums import AccountType
from brokerlink.instruments import Equity, Option

from .forms import Params
from .gainloss import closed_positions
from .ledger import account_fills
from .symbols import to_tradier
from .wire import collection, iso_ms, json_reply, money, qty

if TYPE_CHECKING:
    from .front import TradierFront

__all__ = ["ROUTES"]

_ZERO = Decimal(0)


def _profile(front: TradierFront, request: Request) -> Reply:
    engine = front.engine
    created = iso_ms(engine.config.start)
    accounts = [
        {
            "account_number": account.id,
            "classification": "individual",
            "date_created": created,
            "day_trader": False,
            "option_level": 6 if account.type is AccountType.MARGIN else 2,
            "status": "active",
            "type": "cash" if account.type is AccountType.CASH else "margin",
            "last_update_date": created,
        }
        for account in engine.accounts()
    ]
    profile = {"account": collection(accounts), "id": "id-emulator", "name": "Emulator User"}
    return json_reply(200, {"profile": profile})


def _balances(front: TradierFront, request: Request, account_id: str) -> Reply:
    engine = front.engine
    balance = engine.balance(account_id)
    positions = engine.positions(account_id)
    values: dict[str, Decimal] = {"stock_long": _ZERO, "stock_short": _ZERO,
                                  "option_long": _ZERO, "option_short": _ZERO}  # fmt: skip
    open_pl = _ZERO
    for position in positions:
        value = position.market_value or _ZERO
        kind = "option" if isinstance(position.instrument, Option) else "stock"
        values[f"{kind}_{'short' if position.quantity < 0 else 'long'}"] += value
        open_pl += position.unrealized_pnl or _ZERO
    working = list(engine.orders(account_id, "open"))
    closed = closed_positions(account_fills(engine, account_id))
    long_value = values["stock_long"] + values["option_long"]
    short_value = values["stock_short"] + values["option_short"]
    requirement = balance.maintenance_requirement or _ZERO
    body: dict[str, Any] = {
        "option_short_value": money(values["option_short"]),
        "total_equity": money(balance.equity),
        "account_number": account_id,
        "account_type": "cash" if balance.unsettled_cash is not None else "margin",
        "close_pl": money(sum((c.gain_loss for c in closed), _ZERO)),
        "current_requirement": money(requirement),
        "equity": 0,
        "long_market_value": money(long_value),
        "market_value": money(long_value + short_value),
        "open_pl": money(open_pl),
        "option_long_value": money(values["option_long"]),
        "option_requirement": 0,
        "pending_orders_count": len(working),
        "short_market_value": money(short_value),
        "stock_long_value": money(values["stock_long"]),
        "total_cash": money(balance.cash),
        "uncleared_funds": 0,
        "pending_cash": 0,
    }
    if balance.unsettled_cash is None:
        multiplier = engine.config.margin_multiplier
        body["margin"] = {
            "fed_call": 0,
            "maintenance_call": 0,
            "option_buying_power": money(balance.buying_power / multiplier),
            "stock_buying_power": money(balance.buying_power),
            "stock_short_value": money(abs(values["stock_short"])),
            "sweep": 0,
        }
    else:
        body["cash"] = {
            "cash_available": money(balance.buying_power),
            "sweep": 0,
            "unsettled_funds": money(balance.unsettled_cash),
        }
    return json_reply(200, {"balances": body})


def position_id(symbol: str) -> int:
    """A stable position id (Tradier numbers positions; the engine does not)."""
    return 100_000 + zlib.crc32(symbol.encode()) % 900_000


def _positions(front: TradierFront, request: Request, account_id: str) -> Reply:
    rows = []
    for position in front.engine.positions(account_id):
        symbol = to_tradier(position.instrument)
        opened = position.opened_at or front.engine.now()
        rows.append(
            {
                "cost_basis": money(position.cost_basis),
                "date_acquired": iso_ms(opened),
                "id": position_id(symbol),
                "quantity": qty(position.quantity),
                "symbol": symbol,
            }
        )
    positions = {"position": collection(rows)} if rows else "null"
    return json_reply(200, {"positions": positions})


def _history(front: TradierFront, request: Request, account_id: str) -> Reply:
    params = Params(request)
    page, limit = params.whole("page", 1), params.whole("limit", 25)
    wanted_type = params.get("type")
    start, end = params.day("start"), params.day("end")
    symbol = params.get("symbol")
    exact = params.flag("exactMatch")
    events = []
    for _order, fill in account_fills(front.engine, account_id):
        text = to_tradier(fill.instrument)
        day = fill.time.date()
        if wanted_type not in (None, "trade"):
            continue
        if (start and day < start) or (end and day > end):
            continue
        if symbol and (text != symbol.upper() if exact else symbol.upper() not in text):
            continue
        details = fill.instrument.details
        signed = fill.quantity * fill.side.sign
        amount = -signed * fill.price * fill.instrument.multiplier - fill.fees
        trade = {
            "commission": fill.fees,
            "description": details.description if details is not None else text,
            "price": fill.price,
            "quantity": qty(signed),
            "symbol": text,
            "trade_type": "Equity" if isinstance(fill.instrument, Equity) else "Option",
        }
        events.append(
            {
                "amount": money(amount),
                "date": f"{day.isoformat()}T00:00:00Z",
                "type": "trade",
                "trade": trade,
            }
        )
    events.reverse()  # newest first, as the docs list them
    chunk = events[(page - 1) * limit : page * limit]
    return json_reply(200, {"history": {"event": collection(chunk)} if chunk else "null"})


def _gainloss(front: TradierFront, request: Request, account_id: str) -> Reply:
    params = Params(request)
    page, limit = params.whole("page", 1), params.whole("limit", 25)
    sort_by = params.choice("sortBy", ("closedate", "opendate"), default="closeDate")
    descending = params.choice("sort", ("asc", "desc"), default="desc") == "desc"
    start, end = params.day("start"), params.day("end")
    symbol = params.get("symbol")
    rows = [
        c
        for c in closed_positions(account_fills(front.engine, account_id))
        if not (start and c.close_date.date() < start)
        and not (end and c.close_date.date() > end)
        and not (symbol and c.symbol != symbol.upper())
    ]
    rows.sort(
        key=lambda c: c.close_date if sort_by == "closedate" else c.open_date, reverse=descending
    )
    chunk = [c.to_wire() for c in rows[(page - 1) * limit : page * limit]]
    body = {"closed_position": collection(chunk)} if chunk else "null"
    return json_reply(200, {"gainloss": body})


ROUTES = (
    ("GET", "/user/profile", _profile),
    ("GET", "/accounts/{account_id}/balances", _balances),
    ("GET", "/accounts/{account_id}/positions", _positions),
    ("GET", "/accounts/{account_id}/history", _history),
    ("GET", "/accounts/{account_id}/gainloss", _gainloss),
)
"""(method, path, handler) of this module, registered by the front."""
