"""Pure conversions between paper payloads and core models, named by direction.

``*_from_paper`` read a decoded JSON payload into models (raising
:class:`~brokerlink.errors.ResponseFormatError` with the field's path when it does not fit);
``*_to_paper`` write the JSON body of a request. Each model read from the broker keeps its own
payload in ``raw``. A trimmed sample payload sits above each function: the paper format is the
core models as :func:`~brokerlink.paper.wire.paper_converter` writes them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

import attrs
import cattrs
import orjson

from brokerlink import bulk
from brokerlink.adapter import OrderChanges
from brokerlink.errors import ResponseFormatError
from brokerlink.instruments import Instrument
from brokerlink.models import (
    Account,
    Balance,
    BarEvent,
    NewOrder,
    OptionChain,
    Order,
    OrderEvent,
    OrderGroup,
    OrderPreview,
    Position,
    PositionEvent,
    Quote,
    QuoteEvent,
)
from brokerlink.paper.wire import (
    AccountList,
    BarFrame,
    GroupRequest,
    InstrumentRecord,
    OrderFrame,
    OrderList,
    PositionFrame,
    PositionList,
    QuoteFrame,
    QuoteList,
)
from brokerlink.timeframes import Timeframe
from brokerlink.wire import structure_or_raise

__all__ = [
    "accounts_from_paper",
    "balance_from_paper",
    "bar_event_from_paper",
    "bar_page_from_paper",
    "changes_to_paper",
    "group_to_paper",
    "instrument_from_paper",
    "json_from_paper",
    "option_chain_from_paper",
    "order_event_from_paper",
    "order_from_paper",
    "order_to_paper",
    "orders_from_paper",
    "position_event_from_paper",
    "positions_from_paper",
    "preview_from_paper",
    "quote_event_from_paper",
    "quotes_from_paper",
]

BROKER = "paper"
M = TypeVar("M")

BAR_LAYOUT = bulk.BarLayout(container="bars", next_page="next_page", stamp="start")
"""Where the paper ``GET /bars`` answer keeps its bars and its next-page token."""


def json_from_paper(body: bytes) -> Any:
    """Decode a response body; a body that is not JSON is a ``ResponseFormatError``."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ResponseFormatError(f"the body is not JSON: {exc}", raw=body, broker=BROKER) from None


def _read(conv: cattrs.Converter, payload: Any, cl: type[M]) -> M:
    try:
        return structure_or_raise(conv, payload, cl, broker=BROKER)
    except ResponseFormatError as exc:
        exc.raw = orjson.dumps(payload, default=str)  # only serialised when something is wrong
        raise


def _kept(model: M, payload: Any) -> M:
    """``model`` carrying its payload in ``raw`` (out of eq and repr)."""
    return attrs.evolve(model, raw=payload)  # type: ignore[misc]


# {"accounts": [{"id": "EMU00001", "type": "margin", "status": "active", "currency": "USD"}]}
def accounts_from_paper(conv: cattrs.Converter, payload: Any) -> list[Account]:
    """``GET /accounts``."""
    found = _read(conv, payload, AccountList).accounts
    return [_kept(a, item) for a, item in zip(found, payload["accounts"], strict=True)]


# {"account": "EMU00001", "cash": "100000", "equity": "100000", "buying_power": "200000",
#  "day_trading_buying_power": null, "unsettled_cash": "0", "time": "2025-01-06T14:30:00Z"}
def balance_from_paper(conv: cattrs.Converter, payload: Any) -> Balance:
    """``GET /accounts/{id}/balance``."""
    return _kept(_read(conv, payload, Balance), payload)


# {"positions": [{"account": "EMU00001", "instrument": "AAPL", "quantity": "-10",
#   "average_price": "187.50", "market_value": "-1880.00", "unrealized_pnl": "-5.00"}]}
def positions_from_paper(conv: cattrs.Converter, payload: Any) -> list[Position]:
    """``GET /accounts/{id}/positions``: quantities are negative when short."""
    found = _read(conv, payload, PositionList).positions
    return [_kept(p, item) for p, item in zip(found, payload["positions"], strict=True)]


# {"id": "1001", "client_id": "bl-4f2a...", "account": "EMU00001", "status": "filled",
#  "type": "limit", "time_in_force": "day", "quantity": "10", "filled_quantity": "10",
#  "legs": [{"instrument": "AAPL", "side": "buy", "effect": "open", "quantity": "10",
#            "filled_quantity": "10", "average_fill_price": "187.49"}],
#  "average_fill_price": "187.49", "limit_price": "187.50", "stop_price": null,
#  "created_at": "2025-01-06T14:30:00Z", "updated_at": "2025-01-06T14:31:00Z", "group_id": null}
def order_from_paper(conv: cattrs.Converter, payload: Any) -> Order:
    """One order: ``GET``/``PATCH``/``DELETE /accounts/{id}/orders/{order_id}``, ``POST`` place."""
    return _kept(_read(conv, payload, Order), payload)


# {"orders": [{"id": "1001", "status": "open", ...}, {"id": "1002", ...}]}
def orders_from_paper(conv: cattrs.Converter, payload: Any) -> list[Order]:
    """``GET /accounts/{id}/orders`` and ``POST /accounts/{id}/order_groups``."""
    found = _read(conv, payload, OrderList).orders
    return [_kept(o, item) for o, item in zip(found, payload["orders"], strict=True)]


# {"legs": [{"instrument": "AAPL", "side": "buy", "quantity": "10", "effect": "auto"}],
#  "type": "limit", "time_in_force": "day", "limit_price": "187.50", "stop_price": null,
#  "trail_amount": null, "trail_percent": null, "expires_at": null, "client_id": "bl-4f2a..."}
def order_to_paper(conv: cattrs.Converter, order: NewOrder) -> dict[str, Any]:
    """The body of ``POST /accounts/{id}/orders`` (and of a preview)."""
    body: dict[str, Any] = conv.unstructure(order, NewOrder)
    return body


# {"kind": "bracket", "orders": [{entry...}, {take profit...}, {stop loss...}]}
def group_to_paper(conv: cattrs.Converter, group: OrderGroup) -> dict[str, Any]:
    """The body of ``POST /accounts/{id}/order_groups``: the primary order first."""
    body: dict[str, Any] = conv.unstructure(
        GroupRequest(kind=group.kind, orders=list(group.orders))
    )
    return body


# {"limit_price": "188.00"}   (only the fields being changed)
def changes_to_paper(conv: cattrs.Converter, changes: OrderChanges) -> dict[str, Any]:
    """The body of ``PATCH /accounts/{id}/orders/{order_id}``."""
    body: dict[str, Any] = conv.unstructure(changes, OrderChanges)
    return body


# {"order": {...the NewOrder as sent...}, "estimated_cost": "1875.00", "commission": "0",
#  "fees": "0", "buying_power_effect": "-1875.00", "margin_requirement": null, "warnings": []}
def preview_from_paper(conv: cattrs.Converter, payload: Any, order: NewOrder) -> OrderPreview:
    """``POST /accounts/{id}/orders/preview``; ``order`` is the user's own (the wire drops the
    account, which the URL carries)."""
    preview = _read(conv, {**payload, "order": order_to_paper(conv, order)}, OrderPreview)
    return attrs.evolve(preview, order=order, raw=payload)


# {"quotes": [{"instrument": "AAPL", "bid": "187.49", "ask": "187.51", "last": "187.50",
#   "bid_size": "300", "ask_size": "500", "time": "2025-01-06T14:30:00Z", "volume": "120000"}]}
def quotes_from_paper(conv: cattrs.Converter, payload: Any) -> dict[str, Quote]:
    """``GET /quotes?symbols=...``: keyed by canonical symbol."""
    found = _read(conv, payload, QuoteList).quotes
    return {
        str(q.instrument): _kept(q, item) for q, item in zip(found, payload["quotes"], strict=True)
    }


# {"bars": [{"time": "2025-01-06T14:30:00Z", "open": "187.50", "high": "187.90",
#   "low": "187.40", "close": "187.80", "volume": "120500"}], "next_page": "2025-01-06T..|240"}
def bar_page_from_paper(body: bytes, timeframe: Timeframe) -> bulk.BarPage:
    """One page of ``GET /bars`` (raw bytes): bars oldest first, and the next page's token.

    Bar history takes the fast path of :mod:`brokerlink.bulk` rather than the converter; the
    paper format stamps every bar with the start of its interval (daily: 00:00 UTC of the date).
    """
    interval = (timeframe.duration or timedelta(0)) if timeframe.is_intraday else None
    return bulk.bar_page_decoder(BAR_LAYOUT, interval=interval, broker=BROKER)(body)


# {"underlying": "AAPL", "expirations": [{"date": "2025-01-10", "strikes": [{"strike": "185",
#   "call": "AAPL  250110C00185000", "put": "AAPL  250110P00185000"}]}]}
def option_chain_from_paper(conv: cattrs.Converter, payload: Any) -> OptionChain:
    """``GET /option_chain?underlying=...``."""
    return _kept(_read(conv, payload, OptionChain), payload)


# {"symbol": "AAPL", "details": {"description": "Apple Inc.", "tick_size": "0.01",
#   "multiplier": "1", "tradable": true, "exchange": "NASDAQ", "currency": "USD",
#   "min_quantity": "0.0001", "quantity_increment": "0.0001"}}
def instrument_from_paper(conv: cattrs.Converter, payload: Any) -> Instrument:
    """``GET /instruments?symbol=...``: the instrument with its details."""
    record = _read(conv, payload, InstrumentRecord)
    details = (
        record.details if record.details is None else attrs.evolve(record.details, raw=payload)
    )
    return record.symbol.with_details(details)


# {"type": "quote", "quote": {"instrument": "AAPL", "bid": "187.49", ...}}
def quote_event_from_paper(conv: cattrs.Converter, frame: Any, received_at: datetime) -> QuoteEvent:
    """One ``/stream/quotes`` frame; ``received_at`` is when the client read it."""
    quote = _read(conv, frame, QuoteFrame).quote
    return QuoteEvent(quote=_kept(quote, frame["quote"]), received_at=received_at)


# {"type": "bar", "symbol": "SPY", "timeframe": "1min", "complete": true,
#  "bar": {"time": "2025-01-06T14:30:00Z", "open": "590.10", ...}}
def bar_event_from_paper(conv: cattrs.Converter, frame: Any) -> BarEvent:
    """One ``/stream/bars`` frame."""
    read = _read(conv, frame, BarFrame)
    return BarEvent(
        instrument=read.symbol, timeframe=read.timeframe, bar=read.bar, complete=read.complete
    )


# {"type": "order", "seq": 12, "time": "2025-01-06T14:31:00Z", "order": {...},
#  "fill": {"order_id": "1001", "instrument": "AAPL", "side": "buy", "quantity": "10",
#           "price": "187.49", "time": "2025-01-06T14:31:00Z", "id": "F1", "fees": "0"}}
def order_event_from_paper(conv: cattrs.Converter, frame: Any) -> tuple[int, OrderEvent]:
    """One ``/stream/accounts/{id}/orders`` frame: its sequence number and the event."""
    read = _read(conv, frame, OrderFrame)
    fill = None if read.fill is None else _kept(read.fill, frame["fill"])
    event = OrderEvent(order=_kept(read.order, frame["order"]), fill=fill, time=read.time)
    return read.seq, event


# {"type": "position", "seq": 13, "time": "2025-01-06T14:31:00Z",
#  "position": {"account": "EMU00001", "instrument": "AAPL", "quantity": "10", ...}}
def position_event_from_paper(conv: cattrs.Converter, frame: Any) -> tuple[int, PositionEvent]:
    """One ``/stream/accounts/{id}/positions`` frame: its sequence number and the event."""
    read = _read(conv, frame, PositionFrame)
    position = _kept(read.position, frame["position"])
    return read.seq, PositionEvent(position=position, time=read.time)
