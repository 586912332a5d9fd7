"""Tradier's streaming: session ids, the HTTP event streams and the two websockets.

========================================= ================================================
``POST /markets/events/session``          ``{"stream": {"url", "sessionid"}}`` (refused in
                                          the sandbox: it has no market-data stream)
``POST /accounts/events/session``         the same, for account events
``GET|POST /markets/events``              ``sessionid``, ``symbols``, ``filter``,
                                          ``linebreak``: one JSON object per event
``GET|POST /accounts/events``             ``sessionid``, ``excludeAccounts``
``ws /markets/events``                    send ``{"sessionid", "symbols": [...], "filter":
                                          [...]}``; send again to change the symbols
``ws /accounts/events``                   send ``{"sessionid", "events": ["order"],
                                          "excludeAccounts": [...]}``
========================================= ================================================

A bad session id or symbol is answered ``{"error": "..."}`` (the documented websocket shape;
the HTTP streams use it too, with status 400). Without ``linebreak=true`` the HTTP stream's
objects follow each other with no separator, as Tradier sends them.

The engine's stream faults (latency, gap, drop) planned for a websocket's path apply to its
messages as they do to the HTTP streams' frames: a ``DropConnection`` hangs up (close code 1011)
before the next message, heartbeats included, so a client's reconnect can be tested.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import orjson

from brokerlink._http import Request
from brokerlink.emulator.http import (
    ConnectionDropped,
    EmulatorSocket,
    Reply,
    SocketClosed,
    faulted_frames,
)
from brokerlink.errors import SymbolNotFoundError
from brokerlink.instruments import Instrument
from brokerlink.runtime.streaming import close_stream

from .events import MARKET_FILTERS, account_cursor, account_events, market_events
from .forms import Params
from .sessions import StreamSession
from .symbols import resolve
from .wire import TradierError, dumps, json_reply

if TYPE_CHECKING:
    from .front import TradierFront

__all__ = ["ROUTES", "account_socket", "market_socket"]


class _Refused(Exception):
    """A subscription the stream refuses, answered ``{"error": message}``."""


def _session_url(request: Request, path: str, websocket: bool) -> str:
    url = request.url
    secure = url.scheme in ("https", "wss")
    scheme = ("wss" if secure else "ws") if websocket else ("https" if secure else "http")
    port = f":{url.port}" if url.port else ""
    return f"{scheme}://{url.host}{port}{path}"


def _create(front: TradierFront, request: Request, kind: str) -> Reply:
    from .front import bearer_token

    if kind == "markets" and not front.options.market_stream:
        raise TradierError("Streaming market data is not available in the sandbox", status=400)
    session = front.sessions.create(kind, bearer_token(request) or "")
    path = f"/v1/{kind}/events"
    url = _session_url(request, path, websocket=kind == "accounts")
    return json_reply(200, {"stream": {"url": url, "sessionid": session.sessionid}})


def _market_session(front: TradierFront, request: Request) -> Reply:
    return _create(front, request, "markets")


def _account_session(front: TradierFront, request: Request) -> Reply:
    return _create(front, request, "accounts")


def _session(front: TradierFront, sessionid: object, kind: str) -> StreamSession:
    session = front.sessions.find(str(sessionid) if sessionid else None, kind)
    if session is None:
        raise _Refused("session not found")
    return session


def _targets(front: TradierFront, symbols: list[str]) -> list[Instrument]:
    if not symbols:
        raise _Refused("symbols is required")
    found = []
    for text in symbols:
        try:
            found.append(resolve(front.engine, text))
        except SymbolNotFoundError:
            raise _Refused(f"{text} is not a valid symbol") from None
    return found


def _filters(values: list[str]) -> set[str]:
    wanted = {v.strip().lower() for v in values if v.strip()}
    return wanted & set(MARKET_FILTERS) if wanted else set(MARKET_FILTERS)


async def _attached(
    front: TradierFront, session: StreamSession, events: AsyncIterator[dict[str, Any]]
) -> AsyncIterator[dict[str, Any]]:
    front.sessions.attach(session)
    try:
        async for event in events:
            yield event
    finally:
        front.sessions.detach(session)
        await close_stream(events)


def _http_stream(
    front: TradierFront, events: AsyncIterator[dict[str, Any]], linebreak: bool
) -> Reply:
    async def frames() -> AsyncIterator[bytes]:
        try:
            async for event in events:
                yield dumps(event) + (b"\n" if linebreak else b"")
        finally:
            # Closing the response must end the feed now, so the session is released.
            await close_stream(events)

    return Reply.stream(frames(), content_type="application/json")


def _market_stream(front: TradierFront, request: Request) -> Reply:
    params = Params(request)
    try:
        session = _session(front, params.get("sessionid"), "markets")
        targets = _targets(front, params.symbols())
    except _Refused as exc:
        return json_reply(400, {"error": str(exc)})
    filters = _filters((params.get("filter") or "").split(","))
    events = _attached(front, session, market_events(front, session, targets, filters))
    return _http_stream(front, events, params.has("linebreak") and params.flag("linebreak", True))


def _account_stream(front: TradierFront, request: Request) -> Reply:
    params = Params(request)
    try:
        session = _session(front, params.get("sessionid"), "accounts")
    except _Refused as exc:
        return json_reply(400, {"error": str(exc)})
    exclude = set(params.symbols("excludeAccounts"))
    feed = account_events(front, session, exclude, after=account_cursor(front))
    events = _attached(front, session, feed)
    return _http_stream(front, events, linebreak=True)


async def _encoded(events: AsyncIterator[dict[str, Any]]) -> AsyncIterator[bytes]:
    async for event in events:
        yield dumps(event)


async def _pump(
    front: TradierFront, socket: EmulatorSocket, events: AsyncIterator[dict[str, Any]]
) -> None:
    frames = faulted_frames(_encoded(events), front.engine.faults, socket.path)
    try:
        async for frame in frames:
            await socket.send_text(frame.decode())
    except SocketClosed:
        return
    except ConnectionDropped:
        # A planned DropConnection: hang up mid-stream, as a lost connection would.
        await socket.close(1011, "connection dropped")
        return
    finally:
        await frames.aclose()
        await close_stream(events)
    # The events ended: the session was retired by a newer one.
    await socket.close(1000, "session replaced")


async def _serve(front: TradierFront, socket: EmulatorSocket, subscribe: Any) -> None:
    """Read subscriptions until the client leaves; each valid one replaces the stream."""
    task: asyncio.Task[None] | None = None
    try:
        while True:
            text = await socket.receive_text()
            try:
                payload = orjson.loads(text)
                if not isinstance(payload, dict):
                    raise _Refused("the payload must be a JSON object")
                events = subscribe(payload)
            except orjson.JSONDecodeError:
                await socket.send_text(dumps({"error": "the payload is not valid JSON"}).decode())
                continue
            except _Refused as exc:
                await socket.send_text(dumps({"error": str(exc)}).decode())
                continue
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            task = asyncio.create_task(_pump(front, socket, events))
    except SocketClosed:
        return
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _strings(payload: dict[str, Any], name: str) -> list[str]:
    value = payload.get(name) or []
    if isinstance(value, str):
        value = value.split(",")
    return [str(v).strip().upper() for v in value if str(v).strip()]


async def market_socket(front: TradierFront, socket: EmulatorSocket) -> None:
    """``ws /v1/markets/events``."""

    def subscribe(payload: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        session = _session(front, payload.get("sessionid"), "markets")
        targets = _targets(front, _strings(payload, "symbols"))
        filters = _filters([s.lower() for s in _strings(payload, "filter")])
        return _attached(front, session, market_events(front, session, targets, filters))

    await _serve(front, socket, subscribe)


async def account_socket(
    front: TradierFront, socket: EmulatorSocket, *, opened_at: int | None = None
) -> None:
    """``ws /v1/accounts/events``.

    The first subscription's events start at ``opened_at``, the cursor when the upgrade came
    in (before the accept), not when its message is read: Tradier acknowledges no
    subscription, so a client can only call itself subscribed once it sent one, and an order
    it places next must not slip in before the message is read.
    """
    first: list[int] = [account_cursor(front) if opened_at is None else opened_at]

    def subscribe(payload: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        session = _session(front, payload.get("sessionid"), "accounts")
        wanted = [e.lower() for e in _strings(payload, "events")] or ["order"]
        if wanted != ["order"]:
            raise _Refused("only order events are supported")
        exclude = set(_strings(payload, "excludeAccounts"))
        after = first.pop() if first else account_cursor(front)
        feed = account_events(front, session, exclude, after=after)
        return _attached(front, session, feed)

    await _serve(front, socket, subscribe)


ROUTES = (
    ("POST", "/markets/events/session", _market_session),
    ("POST", "/accounts/events/session", _account_session),
    ("GET", "/markets/events", _market_stream),
    ("POST", "/markets/events", _market_stream),
    ("GET", "/accounts/events", _account_stream),
    ("POST", "/accounts/events", _account_stream),
)
"""(method, path, handler) of this module, registered by the front."""
