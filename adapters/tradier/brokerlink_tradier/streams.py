"""Tradier streams: market events, account events, and polling where no stream exists.

**Market events** (quotes): ``POST /markets/events/session`` creates a session (valid 5 minutes
until used; one at a time), then the HTTP stream ``GET <url>?symbols=...&sessionid=...`` sends
one JSON object per line (``linebreak=true``). When the connection drops, a *new* session is
created and the symbols subscribed again, with backoff; a stale session (expired after 5 minutes
unused, or replaced by a newer one) fails the connect, as an ``{"error": "..."}`` answer or frame,
and is replaced the same way. Frames become quote snapshots (:class:`QuoteBook`).

**Account events** (orders): ``POST /accounts/events/session``, then the websocket named in the
answer, subscribed with ``{"events": ["order"], "sessionid": ...}``. Order events carry no symbol,
side or quantity, so each is completed by fetching the order (``GET /accounts/{id}/orders/{oid}``).
Heartbeats arrive about once a minute and are dropped.

**Polling** where the environment has no stream (the sandbox's quotes) and for what Tradier never
streams (bars, positions): at an interval that uses half of the rate class's budget
(:func:`~brokerlink_tradier.capabilities.poll_interval`); only changes are yielded.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs
import orjson

from brokerlink import errors
from brokerlink._http import (
    URL,
    Response,
    TransportFailure,
    WebSocketError,
    translate_transport_error,
)
from brokerlink.adapter import StreamSession
from brokerlink.capabilities import StreamKind
from brokerlink.instruments import Instrument
from brokerlink.models import BarEvent, Fill, Order, OrderEvent, PositionEvent, QuoteEvent
from brokerlink.money import increment_price
from brokerlink.runtime.drivers import run_async
from brokerlink.runtime.operation import CallPolicy, Operation
from brokerlink.runtime.retry import RetryPolicy
from brokerlink.runtime.steps import RunContext
from brokerlink.runtime.streaming import ndjson_frames
from brokerlink.timeframes import Timeframe
from brokerlink.timeutil import utcnow
from brokerlink_tradier import operations, operations_market
from brokerlink_tradier.calls import tradier_call
from brokerlink_tradier.capabilities import ACCOUNT, MARKET_DATA, poll_interval, streams_mode
from brokerlink_tradier.quirks import BROKER, load, obj
from brokerlink_tradier.stream_frames import BarBuilder, QuoteBook, account_event, order_event
from brokerlink_tradier.symbols import symbol_to_tradier

if TYPE_CHECKING:
    from brokerlink_tradier import TradierAdapter

__all__ = [
    "Runner",
    "market_events",
    "order_events",
    "poll_bars",
    "poll_positions",
    "poll_quotes",
    "runner",
    "stream_bars",
    "stream_orders",
    "stream_positions",
    "stream_quotes",
]

T = TypeVar("T")
Runner = Callable[[Operation[Any]], Awaitable[Any]]
"""Runs an operation on the stream's client (auth, error table and retries included)."""

_STREAM_POLICY = CallPolicy(rate_class=MARKET_DATA)
_ACCOUNT_POLICY = CallPolicy(rate_class=ACCOUNT)


def runner(adapter: TradierAdapter, session: StreamSession) -> Runner:
    """A :data:`Runner` for ``session``'s client against ``adapter``'s environment."""
    context = RunContext(
        broker=BROKER, base_url=URL(adapter.environment.base_url), check=adapter.check_response
    )

    async def run(operation: Operation[Any]) -> Any:
        return await run_async(operation, session.client, context, session.auth)

    return run


def create_session(path: str, fallback: str) -> Operation[tuple[str, str]]:
    """``POST <path>`` (an empty form): the stream's ``(url, sessionid)``."""
    policy = _ACCOUNT_POLICY if "accounts" in path else _STREAM_POLICY
    response = yield tradier_call(
        "POST", path, form={}, headers={"Content-Length": "0"}, policy=policy
    )
    stream = obj(load(response.content), "stream") or {}
    sessionid = stream.get("sessionid")
    if not sessionid:
        raise errors.ResponseFormatError(
            "no sessionid in the stream session answer", path="$.stream.sessionid", broker=BROKER
        )
    return str(stream.get("url") or fallback), str(sessionid)


# -- market events ---------------------------------------------------------------------------------
async def market_frames(
    run: Runner,
    session: StreamSession,
    check: Callable[[Any], errors.BrokerError | None],
    symbols: Sequence[str],
    event_filter: str,
    fallback_url: str,
) -> AsyncGenerator[dict[str, Any], None]:
    """Raw market events from the HTTP stream, with a fresh session per (re)connect."""
    policy = RetryPolicy(max_retries=session.max_reconnects)
    failures = 0
    while True:
        url, sessionid = await run(create_session("/markets/events/session", fallback_url))
        query = {
            "symbols": ",".join(symbols),
            "sessionid": sessionid,
            "filter": event_filter,
            "linebreak": "true",
        }
        failure: errors.OperationFailedError = errors.NetworkError(
            "the market stream's session ended", broker=BROKER
        )
        try:
            opened = ndjson_frames(
                session,
                url,
                _fixed(query),
                _connect_check(check),
                broker=BROKER,
                backoff=RetryPolicy.never(),
            )
            # ndjson_frames is an async generator: closing it closes its response.
            reader = cast("AsyncGenerator[dict[str, Any], None]", opened)
            async with contextlib.aclosing(reader) as frames:
                async for frame in frames:
                    if "error" in frame:
                        _stream_error(str(frame["error"]))
                        break  # an expired or unknown session: start a new one
                    failures = 0
                    yield frame
        except errors.OperationFailedError as exc:
            failure = exc
        delay = policy.delay(failures, failure)
        if delay is None:
            raise failure
        failures += 1
        await asyncio.sleep(delay)


async def market_events(
    run: Runner,
    session: StreamSession,
    check: Callable[[Any], errors.BrokerError | None],
    instruments: Sequence[Instrument],
    fallback_url: str,
) -> AsyncIterator[QuoteEvent]:
    """Quote snapshots from the market stream (quotes, trades and time and sales folded in)."""
    wanted = {symbol_to_tradier(i): i for i in instruments}
    book = QuoteBook(wanted)
    frames = market_frames(
        run, session, check, list(wanted), "quote,trade,summary,timesale", fallback_url
    )
    async with contextlib.aclosing(frames) as source:
        async for frame in source:
            event = book.apply(frame)
            if event is not None:
                yield event


async def streamed_bars(
    run: Runner,
    session: StreamSession,
    check: Callable[[Any], errors.BrokerError | None],
    target: Instrument,
    timeframe: Timeframe,
    fallback_url: str,
) -> AsyncIterator[BarEvent]:
    """Intraday bars built from the market stream's time and sales (a bar is complete when a
    print of a later interval arrives)."""
    builder = BarBuilder(target, timeframe)
    frames = market_frames(
        run, session, check, [symbol_to_tradier(target)], "timesale", fallback_url
    )
    async with contextlib.aclosing(frames) as source:
        async for frame in source:
            for event in builder.apply(frame):
                yield event


def _fixed(query: dict[str, str]) -> Callable[[], dict[str, str | None]]:
    """The query of one connection (each reconnect makes a new session, so a new query)."""
    frozen: dict[str, str | None] = dict(query)
    return lambda: frozen


def _connect_check(
    check: Callable[[Any], errors.BrokerError | None],
) -> Callable[[Response], errors.BrokerError | None]:
    """``check`` for the market stream's connect, which refuses with ``{"error": "..."}``: about
    the session (expired, unknown, replaced), a retryable failure, so a new session is made; about
    a symbol, the symbol's error. Anything else goes to the error table."""

    def checked(response: Response) -> errors.BrokerError | None:
        message = _refusal(response)
        if message is not None and "session" in message.lower():
            return errors.NetworkError(
                f"the market stream refused its session ({message}); creating a new one",
                broker=BROKER,
            )
        if message is not None and "symbol" in message.lower():
            return errors.SymbolNotFoundError(message, broker=BROKER)
        return check(response)

    return checked


def _refusal(response: Response) -> str | None:
    """The ``error`` text of a refused stream connect (HTTP 4xx, ``{"error": "..."}``), or None."""
    if response.status_code < 400 or not response.content.lstrip().startswith(b"{"):
        return None
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    found = body.get("error") if isinstance(body, dict) else None
    return found if isinstance(found, str) else None


def _stream_error(message: str) -> None:
    """Raise for a stream error frame, unless it is about the session (then reconnect)."""
    if "session" in message.lower():
        return
    if "symbol" in message.lower():
        raise errors.SymbolNotFoundError(message, broker=BROKER)
    raise errors.RejectedError(f"the stream refused the subscription: {message}", broker=BROKER)


# -- account events --------------------------------------------------------------------------------
async def order_events(
    run: Runner, session: StreamSession, account_id: str, fallback_url: str
) -> AsyncIterator[OrderEvent]:
    """Order events from the account websocket, completed by fetching each order.

    Events sent while the socket was down are lost (the stream has no replay), so after every
    reconnect the account's orders are read over REST and each order whose state differs from the
    last one delivered is reported once, as is each order the stream never mentioned that is
    still working or was created after the newest one it did (by the broker's own clock).
    """
    policy = RetryPolicy(max_retries=session.max_reconnects)
    failures = 0
    delivered: dict[str, Order] = {}  # each order as last reported, by id
    connects = 0
    while True:
        url, sessionid = await run(create_session("/accounts/events/session", fallback_url))
        subscribe = {"events": ["order"], "sessionid": sessionid, "excludeAccounts": []}
        failure: errors.OperationFailedError
        async with _SocketPump(session, url, orjson.dumps(subscribe).decode()) as pump:
            connects += 1
            try:
                if connects > 1:
                    for event in await _missed(run, account_id, delivered):
                        yield event
                while True:
                    frame = await pump.next_frame()
                    if frame.get("error"):
                        _stream_error(str(frame["error"]))
                        break
                    found = account_event(frame)
                    if found is None or (found.account and found.account != account_id):
                        continue
                    failures = 0
                    fetched = await run(operations.order(account_id, found.order_id))
                    event = order_event(found, fetched)
                    if _same_state(delivered.get(event.order.id), event.order):
                        continue  # already reported by the reconciliation after a reconnect
                    delivered[event.order.id] = event.order
                    yield event
                failure = errors.NetworkError("the account stream's session ended", broker=BROKER)
            except errors.OperationFailedError as exc:
                failure = exc
        delay = policy.delay(failures, failure)
        if delay is None:
            raise failure
        failures += 1
        await asyncio.sleep(delay)


def _same_state(known: Order | None, order: Order) -> bool:
    return known is not None and (known.status, known.filled_quantity) == (
        order.status,
        order.filled_quantity,
    )


async def _missed(run: Runner, account_id: str, delivered: dict[str, Order]) -> list[OrderEvent]:
    """The orders whose state changed while the socket was down, as events (once each)."""
    newest = max((order.created_at for order in delivered.values()), default=None)
    events = []
    for order in await run(operations.orders(account_id, status="all", since=None)):
        known = delivered.get(order.id)
        if _same_state(known, order):
            continue
        # Orders placed at one instant share a timestamp (an emulator's clock stands still).
        fresh = order.status.is_working or (newest is not None and order.created_at >= newest)
        if known is None and not fresh:
            continue  # an order from before the stream started
        delivered[order.id] = order
        stamp = order.updated_at or order.created_at
        before = known.filled_quantity if known is not None else Decimal(0)
        fill = None
        if (
            order.filled_quantity > before
            and order.average_fill_price is not None
            and len(order.legs) == 1
        ):
            # The fills missed while the socket was down, as one, at the price of that part.
            old = known.average_fill_price if known is not None else None
            leg = order.legs[0]
            fill = Fill(
                order_id=order.id,
                instrument=leg.instrument,
                side=leg.side,
                quantity=order.filled_quantity - before,
                price=increment_price(order.filled_quantity, order.average_fill_price, before, old),
                time=stamp,
            )
        events.append(OrderEvent(order=order, fill=fill, time=stamp))
    return events


class _SocketPump:
    """One websocket read by a task of its own, frames handed over through a queue.

    The websocket (and httpx2's task group inside it) is opened and closed by that one task, so
    the stream's consumer may step it from any task: the sync facade's portal runs each step in
    a new one, and an abandoned generator is finalized in yet another.
    """

    def __init__(self, session: StreamSession, url: str, subscribe: str) -> None:
        self._session = session
        self._url = url
        self._subscribe = subscribe
        self._queue: asyncio.Queue[str | BaseException] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> _SocketPump:
        self._task = asyncio.create_task(self._pump())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _pump(self) -> None:
        try:
            async with self._session.client.websocket(self._url) as socket:
                await socket.send_text(self._subscribe)
                # Tradier acknowledges no subscription: sent is as live as it gets.
                self._session.live()
                while True:
                    await self._queue.put(await socket.receive_text())
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # handed to the consumer, who decides
            await self._queue.put(exc)

    async def next_frame(self) -> dict[str, Any]:
        """The next JSON object from the socket; its failure as our error."""
        item = await self._queue.get()
        if isinstance(item, BaseException):
            if isinstance(item, WebSocketError | ExceptionGroup | TransportFailure):
                raise _socket_failure(item)
            raise item
        try:
            frame = orjson.loads(item)
        except orjson.JSONDecodeError as exc:
            raise errors.ResponseFormatError(
                f"an account event is not JSON: {exc}", raw=item, broker=BROKER
            ) from exc
        return frame if isinstance(frame, dict) else {}


def _socket_failure(exc: Exception) -> errors.OperationFailedError:
    """The retryable failure a websocket error stands for (httpx2 raises it inside a group)."""
    found: Exception = exc
    if isinstance(exc, ExceptionGroup):
        inner = exc.subgroup(lambda e: isinstance(e, WebSocketError | TransportFailure))
        if inner is None:
            raise exc
        found = inner.exceptions[0]
    translated = translate_transport_error(found, broker=BROKER)
    if not isinstance(translated, errors.OperationFailedError):
        raise translated from exc
    return translated


# -- polling ---------------------------------------------------------------------------------------
async def poll_quotes(
    run: Runner, instruments: Sequence[Instrument], interval: float
) -> AsyncIterator[QuoteEvent]:
    """Quote events from polling ``/markets/quotes``: each changed quote once."""
    last: dict[str, tuple[Any, ...]] = {}
    while True:
        found = await run(operations_market.quotes(instruments))
        for symbol, quote in found.items():
            key = (quote.bid, quote.ask, quote.last, quote.bid_size, quote.ask_size, quote.time)
            if last.get(symbol) != key:
                last[symbol] = key
                yield QuoteEvent(quote=quote, received_at=utcnow())
        await asyncio.sleep(interval)


async def poll_bars(
    run: Runner, target: Instrument, timeframe: Timeframe, interval: float
) -> AsyncIterator[BarEvent]:
    """Bar events from polling bar history: the forming bar (``complete=False``) when it changes,
    and each bar as ``complete`` once a newer one has begun."""
    seen = await run(operations_market.bars(target, timeframe, start=None, end=None, limit=1))
    forming = seen[-1] if seen else None
    while True:
        await asyncio.sleep(interval)
        since = forming.time if forming is not None else None
        bars = await run(
            operations_market.bars(target, timeframe, start=since, end=None, limit=None)
            if since is not None
            else operations_market.bars(target, timeframe, start=None, end=None, limit=2)
        )
        fresh = [b for b in bars if forming is None or b.time >= forming.time]
        if not fresh:
            continue
        *closed, last = fresh
        if (
            forming is not None
            and last.time != forming.time
            and (not closed or closed[0].time != forming.time)
        ):
            # The bar that was forming closed, but its final state is not in this page.
            yield BarEvent(instrument=target, timeframe=timeframe, bar=forming, complete=True)
        for bar in closed:
            yield BarEvent(instrument=target, timeframe=timeframe, bar=bar, complete=True)
        if last != forming:
            yield BarEvent(instrument=target, timeframe=timeframe, bar=last, complete=False)
        forming = last


async def poll_positions(
    run: Runner, account_id: str, interval: float
) -> AsyncIterator[PositionEvent]:
    """Position events from polling ``/positions``: changes, and a zero quantity once closed."""
    held: dict[str, Any] = {}
    first = True
    while True:
        now = {str(p.instrument): p for p in await run(operations.positions(account_id))}
        if not first:
            for symbol, position in now.items():
                before = held.get(symbol)
                if before is None or (before.quantity, before.average_price) != (
                    position.quantity,
                    position.average_price,
                ):
                    yield PositionEvent(position=position, time=utcnow())
            for symbol, gone in held.items():
                if symbol not in now:
                    closed = attrs.evolve(gone, quantity=Decimal(0), raw=None)
                    yield PositionEvent(position=closed, time=utcnow())
        held, first = now, False
        await asyncio.sleep(interval)


# -- the adapter's streams -------------------------------------------------------------------------
def stream_quotes(
    adapter: TradierAdapter, session: StreamSession, instruments: Sequence[Instrument]
) -> AsyncIterator[QuoteEvent]:
    """The market stream, or polling where the environment has none (the sandbox)."""
    env, personality = adapter.environment, adapter.profile.emulator_personality
    run = runner(adapter, session)
    if streams_mode(env.name, personality)[StreamKind.QUOTES] == "poll":
        return poll_quotes(run, instruments, poll_interval(env.name, personality=personality))
    fallback = env.urls.get("stream", env.base_url) + "/markets/events"
    return market_events(run, session, adapter.check_response, instruments, fallback)


def stream_bars(
    adapter: TradierAdapter, session: StreamSession, target: Instrument, timeframe: Timeframe
) -> AsyncIterator[BarEvent]:
    """Intraday bars from the market stream's time and sales where there is one; otherwise (the
    sandbox, daily and longer bars) polled. A poll asks the clock and the bars: two requests, so
    twice the quote-polling interval keeps within the same share of the budget."""
    env, personality = adapter.environment, adapter.profile.emulator_personality
    run = runner(adapter, session)
    if streams_mode(env.name, personality)[StreamKind.BARS] == "stream" and timeframe.is_intraday:
        fallback = env.urls.get("stream", env.base_url) + "/markets/events"
        return streamed_bars(run, session, adapter.check_response, target, timeframe, fallback)
    every = poll_interval(env.name, personality=personality)
    return poll_bars(run, target, timeframe, 2 * every)


def stream_orders(
    adapter: TradierAdapter, session: StreamSession, account_id: str
) -> AsyncIterator[OrderEvent]:
    """The account-events websocket."""
    env = adapter.environment
    fallback = env.urls.get("account_websocket", env.base_url) + "/accounts/events"
    return order_events(runner(adapter, session), session, account_id, fallback)


def stream_positions(
    adapter: TradierAdapter, session: StreamSession, account_id: str
) -> AsyncIterator[PositionEvent]:
    """Positions, polled (Tradier streams no positions)."""
    interval = poll_interval(
        adapter.environment.name, ACCOUNT, personality=adapter.profile.emulator_personality
    )
    return poll_positions(runner(adapter, session), account_id, interval)
