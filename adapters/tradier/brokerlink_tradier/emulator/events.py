"""The payloads of Tradier's market and account event streams (DTC docs/streaming,
docs/account-streaming-responses), produced from the engine.

Market events follow the documented mixed typing: in ``quote`` the prices and sizes are numbers
and the dates strings (epoch ms); in ``trade``, ``tradex``, ``summary`` and ``timesale`` prices
and sizes are strings; ``seq`` is a number, ``cancel``/``correction`` booleans. Quotes are sent
when they change, trades when the volume grows, a summary when a symbol is first subscribed.

Time policy: as with the core quote feed, simulated time moves only while a client reads; each
round of quotes moves the clock ``TradierOptions.stream_step``, and while the markets of every
subscribed symbol are closed the clock jumps to the next open (as the core bar feed does). Bars a
client builds from time & sales (Tradier has no bar stream) so arrive at a practical pace.

Account events carry no symbol or side (a client fetches the order for those); an idle stream
gets ``{"event": "heartbeat", "status": "active", "timestamp": ...}`` every ``heartbeat`` seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.http.feeds import event_cursor
from brokerlink.instruments import Instrument
from brokerlink.models import OrderEvent, Quote

from .sessions import StreamSession
from .symbols import exchange_code, to_tradier
from .views import status_word
from .wire import epoch_ms, iso_ms, point

if TYPE_CHECKING:
    from .front import TradierFront

__all__ = ["MARKET_FILTERS", "account_cursor", "account_events", "heartbeat", "market_events"]

MARKET_FILTERS = ("trade", "quote", "summary", "timesale", "tradex")
_SESSIONS = {mkt.Session.PRE: "pre", mkt.Session.POST: "post"}
_ZERO = Decimal(0)


def _text(value: Decimal | None) -> str:
    return "0" if value is None else format(value, "f")


def _summary(front: TradierFront, inst: Instrument) -> dict[str, Any]:
    now = front.engine.now()
    days = front.engine.bars(inst, "1d", now - timedelta(days=10))
    today = days[-1] if days else None
    previous = days[-2].close if len(days) > 1 else None
    return {
        "type": "summary",
        "symbol": to_tradier(inst),
        "open": _text(today.open if today else None),
        "high": _text(today.high if today else None),
        "low": _text(today.low if today else None),
        "prevClose": _text(previous),
    }


def _quote(quote: Quote) -> dict[str, Any]:
    stamp = str(epoch_ms(quote.time))
    return {
        "type": "quote",
        "symbol": to_tradier(quote.instrument),
        "bid": quote.bid,
        "bidsz": int(quote.bid_size or 0),
        "bidexch": exchange_code(quote.instrument),
        "biddate": stamp,
        "ask": quote.ask,
        "asksz": int(quote.ask_size or 0),
        "askexch": exchange_code(quote.instrument),
        "askdate": stamp,
    }


def _trades(
    quote: Quote, size: Decimal, seq: int, filters: Collection[str]
) -> list[dict[str, Any]]:
    symbol, exch = to_tradier(quote.instrument), exchange_code(quote.instrument)
    stamp = str(epoch_ms(quote.time))
    trade: dict[str, Any] = {"type": "trade", "symbol": symbol, "exch": exch, "price": _text(quote.last),
             "size": _text(size), "cvol": _text(quote.volume), "date": stamp,
             "last": _text(quote.last)}  # fmt: skip
    frames = []
    if "trade" in filters:
        frames.append(trade)
    if "tradex" in filters:
        frames.append({**trade, "type": "tradex"})
    if "timesale" in filters:
        session = mkt.session_at(quote.instrument, quote.time) if quote.time else None
        frames.append(
            {
                "type": "timesale",
                "symbol": symbol,
                "exch": exch,
                "bid": _text(quote.bid),
                "ask": _text(quote.ask),
                "last": _text(quote.last),
                "size": _text(size),
                "date": stamp,
                "seq": seq,
                "flag": "",
                "cancel": False,
                "correction": False,
                "session": _SESSIONS.get(session, "normal") if session else "normal",
            }
        )
    return frames


async def _rounds(front: TradierFront, targets: Sequence[Instrument]) -> AsyncIterator[list[Quote]]:
    """The quotes of ``targets`` now, then after each step of the clock (see the time policy)."""
    engine, options = front.engine, front.options
    while True:
        yield list(engine.quotes(targets).values())
        await asyncio.sleep(options.stream_pause)
        now = engine.now()
        if any(mkt.is_open(inst, now) for inst in targets):
            engine.advance(options.stream_step)
            continue
        opens = [when for inst in targets if (when := mkt.next_open(inst, now)) is not None]
        if opens:
            engine.advance_to(min(opens))
        else:
            engine.advance(options.stream_step)


async def market_events(
    front: TradierFront,
    session: StreamSession,
    targets: Sequence[Instrument],
    filters: Collection[str],
) -> AsyncIterator[dict[str, Any]]:
    """Market events for ``targets`` until the session is retired (a newer one was created)."""
    previous: dict[Instrument, Quote] = {}
    seq = 0
    if "summary" in filters:
        for inst in targets:
            yield _summary(front, inst)
    async for quotes in _rounds(front, targets):
        if not front.sessions.is_alive(session):
            return
        for quote in quotes:
            old = previous.get(quote.instrument)
            previous[quote.instrument] = quote
            moved = old is None or (old.bid, old.ask, old.bid_size, old.ask_size) != (
                quote.bid, quote.ask, quote.bid_size, quote.ask_size)  # fmt: skip
            if "quote" in filters and moved:
                yield _quote(quote)
            traded = (quote.volume or 0) - (old.volume or 0) if old is not None else 0
            if traded > 0:
                seq += 1
                for frame in _trades(quote, Decimal(traded), seq, filters):
                    yield frame


def heartbeat(now: datetime) -> dict[str, Any]:
    """The documented heartbeat, its timestamp with nanoseconds as Tradier writes it."""
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond * 1000:09d}Z"
    return {"event": "heartbeat", "status": "active", "timestamp": stamp}


def _order_event(front: TradierFront, event: OrderEvent, account: str) -> dict[str, Any]:
    order = event.order
    last = event.fill.quantity if event.fill is not None else Decimal(0)
    note = front.book.note(order)
    status = status_word(order, note)
    done = status not in ("pending", "open", "partially_filled")
    body: dict[str, Any] = {
        "id": int(order.id),
        "event": "order",
        "status": status,
        "type": note.type_word,
        "price": point(abs(order.limit_price or _ZERO)),
        "stop_price": point(order.stop_price or _ZERO),
        "avg_fill_price": point(abs(order.average_fill_price or _ZERO)),
        "exec_quantity": point(order.filled_quantity),
        "last_fill_quantity": point(last),
        "remaining_quantity": point(_ZERO if done else order.remaining_quantity),
        "transaction_date": iso_ms(event.time),
        "create_date": iso_ms(order.created_at),
        "account": account,
    }
    parent = front.book.parent_of(order.id)
    if parent is not None:
        body["parent_id"] = int(parent)
    if note.tag is not None:
        body["tag"] = note.tag
    return body


def account_cursor(front: TradierFront) -> int:
    """Where an account stream opened now starts reading the engine's event log."""
    return event_cursor(front.engine)


async def account_events(
    front: TradierFront,
    session: StreamSession,
    exclude: Collection[str],
    *,
    after: int,
    poll: float = 0.01,
) -> AsyncIterator[dict[str, Any]]:
    """Order events after log position ``after`` of every account not in ``exclude``, with
    heartbeats when idle."""
    engine = front.engine
    cursor, idle = after, 0.0
    while front.sessions.is_alive(session):
        with front.book.lock:
            entries, cursor = engine.events_since(cursor)
            batch = [
                _order_event(front, entry.event, entry.account)
                for entry in entries
                if isinstance(entry.event, OrderEvent) and entry.account not in exclude
            ]
        for event in batch:
            yield event
        if batch:
            idle = 0.0
            continue
        await asyncio.sleep(poll)
        idle += poll
        if idle >= front.options.heartbeat:
            idle = 0.0
            yield heartbeat(datetime.fromtimestamp(front.clock(), tz=UTC))
