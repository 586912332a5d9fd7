"""The paper wire front: the paper JSON API over the core emulator engine (DESIGN §9).

Endpoints, under ``/v1`` (bodies and answers are core models written by the paper converter):

================================================= ===========================================
``GET    /accounts``                              ``{"accounts": [...]}``
``GET    /accounts/{id}/balance``                 a Balance
``GET    /accounts/{id}/positions``               ``{"positions": [...]}``
``GET    /accounts/{id}/orders``                  ``{"orders": [...]}``; ``status=open|all``,
                                                  ``since=<ISO>``, ``client_id=...``
``GET    /accounts/{id}/orders/{order_id}``       an Order
``POST   /accounts/{id}/orders/preview``          NewOrder -> an OrderPreview
``POST   /accounts/{id}/orders``                  NewOrder -> the Order (201)
``POST   /accounts/{id}/order_groups``            ``{"kind", "orders"}`` -> ``{"orders"}`` (201)
``PATCH  /accounts/{id}/orders/{order_id}``       changed fields -> the Order now standing
``DELETE /accounts/{id}/orders/{order_id}``       the canceled Order
``GET    /quotes?symbols=a,b``                    ``{"quotes": [...]}``
``GET    /bars?symbol&timeframe&start&end&limit`` ``{"bars": [...], "next_page": token|null}``
``GET    /option_chain?underlying&expiration``    an OptionChain
``GET    /instruments?symbol=...``                ``{"symbol", "details"}``
``GET    /stream/quotes?symbols=a,b``             NDJSON ``quote`` frames
``GET    /stream/bars?symbol&timeframe&after``    NDJSON ``bar`` frames
``GET    /stream/accounts/{id}/orders?after=N``   NDJSON ``order`` frames with ``seq``
``GET    /stream/accounts/{id}/positions?after=N`` NDJSON ``position`` frames with ``seq``
================================================= ===========================================

Errors answer ``{"error": {"code", "message"}}`` (codes in :mod:`brokerlink.paper.errors`).
Account streams start after the sequence number in the ``X-Stream-Seq`` header (or ``after``).
Bars: without ``start``, the last ``limit`` (default 100) bars before ``end``; at most 1000 per
page. Stream time policy: see :mod:`brokerlink.emulator.http.feeds`.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal

import cattrs
import orjson

from brokerlink import errors
from brokerlink._http import Request
from brokerlink.adapter import OrderChanges
from brokerlink.emulator.engine import Engine
from brokerlink.emulator.http import (
    BadRequest,
    Front,
    Reply,
    Router,
    json_body,
    query_param,
    status_for,
)
from brokerlink.emulator.http.feeds import bar_feed, event_cursor, event_feed, quote_feed
from brokerlink.instruments import Instrument
from brokerlink.models import Bar, NewOrder, OrderEvent, OrderGroup, PositionEvent
from brokerlink.paper.capabilities import MAX_BARS_PER_REQUEST
from brokerlink.paper.errors import CODE_TO_ERROR, ERROR_CODES
from brokerlink.paper.wire import (
    AccountList,
    BarPage,
    GroupRequest,
    InstrumentRecord,
    OrderList,
    PositionList,
    QuoteList,
    paper_converter,
)
from brokerlink.timeframes import Timeframe
from brokerlink.wire import structure_or_raise

__all__ = ["PaperFront"]

_DEFAULT_BARS = 100
# The code an error answer carries when only its status is known (router 404/405, faults).
_STATUS_CODES = MappingProxyType(
    {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
     405: "method_not_allowed", 429: "rate_limited"}
)  # fmt: skip
_A = "/accounts/{account_id}"


class PaperFront(Front):
    """The paper API over an engine; give it to an :class:`~brokerlink.emulator.http.EmulatorTransport`."""

    name = "paper"

    def __init__(self, engine: Engine, converter: cattrs.Converter | None = None) -> None:
        super().__init__(engine)
        self.conv = converter or paper_converter()
        self.router = Router(
            prefix="/v1", error=lambda status, text: self.error_reply(status, text)
        )
        for method, path, handler in (
            ("GET", "/accounts", self._accounts),
            ("GET", _A + "/balance", self._balance),
            ("GET", _A + "/positions", self._positions),
            ("GET", _A + "/orders", self._orders),
            ("GET", _A + "/orders/{order_id}", self._order),
            ("POST", _A + "/orders/preview", self._preview),
            ("POST", _A + "/orders", self._place),
            ("POST", _A + "/order_groups", self._place_group),
            ("PATCH", _A + "/orders/{order_id}", self._replace),
            ("DELETE", _A + "/orders/{order_id}", self._cancel),
            ("GET", "/quotes", self._quotes),
            ("GET", "/bars", self._bars),
            ("GET", "/option_chain", self._option_chain),
            ("GET", "/instruments", self._instrument),
            ("GET", "/stream/quotes", self._stream_quotes),
            ("GET", "/stream/bars", self._stream_bars),
            ("GET", "/stream" + _A + "/orders", self._stream_orders),
            ("GET", "/stream" + _A + "/positions", self._stream_positions),
        ):
            self.router.add(method, path, handler)

    # -- the Front contract ---------------------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        """Answer one paper API request."""
        return self.dispatch(self.router, request)

    def error_reply(
        self,
        status: int,
        message: str,
        *,
        retry_after: float | None = None,
        code: str | None = None,
    ) -> Reply:
        """``{"error": {"code", "message"}}`` with ``Retry-After`` when given."""
        code = code or _STATUS_CODES.get(status) or ("unavailable" if status >= 500 else "rejected")
        headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        return Reply.json(status, {"error": {"code": code, "message": message}}, headers=headers)

    def map_error(self, exc: errors.BrokerError) -> Reply:
        """Engine errors with their paper codes (an engine's own known code wins)."""
        code = exc.code if exc.code in CODE_TO_ERROR else _code_of(exc)
        retry_after = exc.retry_after if isinstance(exc, errors.OperationFailedError) else None
        return self.error_reply(status_for(exc), exc.message, retry_after=retry_after, code=code)

    # -- helpers --------------------------------------------------------------------------------
    def _json(self, model: Any, status: int = 200) -> Reply:
        return Reply.json(status, self.conv.unstructure(model))

    def _read(self, payload: Any, cl: type[Any]) -> Any:
        try:
            return structure_or_raise(self.conv, payload, cl, broker=self.name)
        except errors.ResponseFormatError as exc:
            raise BadRequest(f"{exc.message}") from None

    def _new_order(self, request: Request) -> NewOrder:
        order: NewOrder = self._read(json_body(request), NewOrder)
        return order

    def _symbols(self, request: Request, name: str = "symbols") -> list[Instrument]:
        text = query_param(request, name)
        if not text:
            raise BadRequest(f"the {name!r} query parameter is required")
        return [self.engine.details(part.strip()) for part in text.split(",") if part.strip()]

    def _time(self, request: Request, name: str) -> datetime | None:
        text = query_param(request, name)
        if text is None:
            return None
        when: datetime = self._read(text, datetime)
        return when

    def _timeframe(self, request: Request) -> Timeframe:
        try:
            return Timeframe.parse(query_param(request, "timeframe") or "")
        except ValueError as exc:
            raise BadRequest(str(exc)) from None

    # -- REST handlers --------------------------------------------------------------------------
    def _accounts(self, request: Request) -> Reply:
        return self._json(AccountList(accounts=self.engine.accounts()))

    def _balance(self, request: Request, account_id: str) -> Reply:
        return self._json(self.engine.balance(account_id))

    def _positions(self, request: Request, account_id: str) -> Reply:
        return self._json(PositionList(positions=self.engine.positions(account_id)))

    def _order(self, request: Request, account_id: str, order_id: str) -> Reply:
        return self._json(self.engine.order(account_id, order_id))

    def _preview(self, request: Request, account_id: str) -> Reply:
        return self._json(self.engine.preview(account_id, self._new_order(request)))

    def _place(self, request: Request, account_id: str) -> Reply:
        return self._json(self.engine.place(account_id, self._new_order(request)), 201)

    def _cancel(self, request: Request, account_id: str, order_id: str) -> Reply:
        return self._json(self.engine.cancel(account_id, order_id))

    def _quotes(self, request: Request) -> Reply:
        found = self.engine.quotes(self._symbols(request))
        return self._json(QuoteList(quotes=list(found.values())))

    def _orders(self, request: Request, account_id: str) -> Reply:
        status = query_param(request, "status", "open")
        if status not in ("open", "all"):
            raise BadRequest(f"status must be 'open' or 'all', not {status!r}")
        which: Literal["open", "all"] = "all" if status == "all" else "open"
        found = self.engine.orders(account_id, which, self._time(request, "since"))
        client_id = query_param(request, "client_id")
        if client_id is not None:
            found = [o for o in found if o.client_id == client_id]
        return self._json(OrderList(orders=found))

    def _place_group(self, request: Request, account_id: str) -> Reply:
        wire: GroupRequest = self._read(json_body(request), GroupRequest)
        group = OrderGroup(kind=wire.kind, orders=tuple(wire.orders))
        return self._json(OrderList(orders=self.engine.place_group(account_id, group)), 201)

    def _replace(self, request: Request, account_id: str, order_id: str) -> Reply:
        changes: OrderChanges = self._read(json_body(request), OrderChanges)
        fields = {name: getattr(changes, name) for name in changes.changed_fields()}
        return self._json(self.engine.replace(account_id, order_id, **fields))

    def _bars(self, request: Request) -> Reply:
        target = self._symbols(request, "symbol")[0]
        frame = self._timeframe(request)
        end = self._time(request, "end") or self.engine.now()
        limit_text = query_param(request, "limit")
        limit = int(limit_text) if limit_text and limit_text.isdigit() else None
        token = query_param(request, "page_token")
        start = self._time(request, "start")
        if token is not None:  # a later page: the token says where it starts and what is left
            start, limit = _read_token(token)
        if start is not None:
            found = self.engine.bars(target, frame, start, end)
        else:
            found = self._last_bars(target, frame, end, limit or _DEFAULT_BARS)
            limit = len(found)
        wanted = len(found) if limit is None else min(limit, len(found))
        page = found[: min(wanted, MAX_BARS_PER_REQUEST)]
        more = wanted - len(page)
        next_page = (
            _token(found[len(page)].time, more if limit is not None else None) if more > 0 else None
        )
        return self._json(BarPage(bars=page, next_page=next_page))

    def _last_bars(
        self, target: Instrument, frame: Timeframe, end: datetime, count: int
    ) -> list[Bar]:
        # Look back far enough for `count` bars across nights, weekends and holidays.
        unit = frame.duration or timedelta(
            days=1 if frame.unit == "d" else 7 if frame.unit == "w" else 31
        )
        span = unit * count * (4 if frame.is_intraday else 2) + timedelta(days=5)
        while True:
            found = self.engine.bars(target, frame, end - span, end)
            if len(found) >= count or span > timedelta(days=366 * 30):
                return found[-count:]
            span *= 2

    def _option_chain(self, request: Request) -> Reply:
        underlying = self._symbols(request, "underlying")[0]
        expiration = query_param(request, "expiration")
        day = None if expiration is None else self._read(expiration, date)
        return self._json(self.engine.option_chain(underlying, day))

    def _instrument(self, request: Request) -> Reply:
        found = self._symbols(request, "symbol")[0]
        return self._json(InstrumentRecord(symbol=found, details=found.details))

    # -- streams --------------------------------------------------------------------------------
    def _stream_quotes(self, request: Request) -> Reply:
        targets = self._symbols(request)

        async def frames() -> AsyncIterator[bytes]:
            async for quotes in quote_feed(self.engine, targets):
                for quote in quotes:
                    yield _line({"type": "quote", "quote": self.conv.unstructure(quote)})

        return Reply.stream(frames())

    def _stream_bars(self, request: Request) -> Reply:
        target, frame = self._symbols(request, "symbol")[0], self._timeframe(request)
        after = self._time(request, "after")

        async def frames() -> AsyncIterator[bytes]:
            async for bar in bar_feed(self.engine, target, frame, after=after):
                wire = {"symbol": str(target), "timeframe": str(frame), "complete": True}
                yield _line({"type": "bar", **wire, "bar": self.conv.unstructure(bar)})

        return Reply.stream(frames())

    def _stream_orders(self, request: Request, account_id: str) -> Reply:
        return self._account_stream(request, account_id, OrderEvent)

    def _stream_positions(self, request: Request, account_id: str) -> Reply:
        return self._account_stream(request, account_id, PositionEvent)

    def _account_stream(self, request: Request, account_id: str, kind: type[Any]) -> Reply:
        # An unknown account must be an error answer, not an empty stream that never ends.
        self.engine.balance(account_id)
        after_text = query_param(request, "after")
        after = (
            int(after_text) if after_text and after_text.isdigit() else event_cursor(self.engine)
        )
        name = "order" if kind is OrderEvent else "position"

        async def frames() -> AsyncIterator[bytes]:
            async for entry in event_feed(self.engine, account_id, after=after):
                if entry is None:
                    yield _line({"type": "heartbeat"})
                elif isinstance(entry.event, kind):
                    body = self.conv.unstructure(entry.event)
                    yield _line({"type": name, "seq": entry.seq, **body})

        return Reply.stream(frames(), headers={"X-Stream-Seq": str(after)})


def _code_of(exc: errors.BrokerError) -> str:
    for kind in type(exc).__mro__:
        if kind in ERROR_CODES:
            return ERROR_CODES[kind]
    return "internal"


def _line(obj: Any) -> bytes:
    return orjson.dumps(obj) + b"\n"


def _token(start: datetime, remaining: int | None) -> str:
    """An opaque page token: where the next page starts and how many bars are still wanted."""
    text = f"{start.isoformat()}|{'' if remaining is None else remaining}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _read_token(token: str) -> tuple[datetime, int | None]:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        start, _, remaining = text.partition("|")
        return datetime.fromisoformat(start), (int(remaining) if remaining else None)
    except ValueError:
        raise BadRequest(f"page_token {token!r} is not a token this API issued") from None
