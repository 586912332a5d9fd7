"""DxLink, tastytrade's market-data websocket (refs/tastytrade/NOTES.md §9).

The protocol, message by message (``examples/streaming/dxlink_01..13``):

1. ``SETUP`` on channel 0 -> the server's ``SETUP``; ``AUTH_STATE`` ``UNAUTHORIZED``;
2. ``AUTH`` with the quote token (``GET /api-quote-tokens``) -> ``AUTH_STATE`` ``AUTHORIZED``;
3. ``CHANNEL_REQUEST`` (service ``FEED``, an odd client-chosen channel) -> ``CHANNEL_OPENED``;
4. ``FEED_SETUP`` asking for the ``COMPACT`` format and our field lists -> ``FEED_CONFIG``
   (which may name the fields itself: then its lists win);
5. ``FEED_SUBSCRIPTION`` ``add`` (candles with ``fromTime`` in epoch milliseconds);
6. ``FEED_DATA`` frames ``[type, [v1, v2, ...]]``: the flat values are cut into events by the
   field count of that type; ``"NaN"`` / ``"Infinity"`` arrive as strings;
7. ``KEEPALIVE`` every 30 s both ways; a server silent for :data:`SILENCE_SECONDS` (its
   keepalives count as speaking) is treated as dead (DxLink can stall without closing), and
   :func:`feed_events` reconnects, fetching a new token and subscribing again. ``SETUP``
   announces both timings (60/60 with the defaults, as documented), so a client configured to
   notice sooner gets the server's keepalives sooner too.

This module holds the message builders, the COMPACT decoder and what one connection says; the
reconnect loop, keepalive timing and silence timer are the core's
:mod:`brokerlink.runtime.websocket_streams`. What the events mean (quotes, candles -> bars) is
in :mod:`.market_stream`.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from typing import Any

import attrs
import orjson

from brokerlink import errors
from brokerlink.adapter import StreamSession
from brokerlink.runtime.websocket_streams import Dialed, Link, websocket_stream

__all__ = [
    "EVENT_FIELDS",
    "KEEPALIVE_SECONDS",
    "SILENCE_SECONDS",
    "Event",
    "Subscription",
    "auth_message",
    "channel_request_message",
    "decode_feed_data",
    "feed_events",
    "feed_setup_message",
    "keepalive_message",
    "number",
    "setup_message",
    "subscription_message",
]

BROKER = "tastytrade"
VERSION = "0.1-DXF-JS/0.3.0"
KEEPALIVE_SECONDS = 30.0
"""How often we send ``KEEPALIVE`` (the server closes after 60 s of client silence)."""
SILENCE_SECONDS = 60.0
"""How long a silent server is trusted before the connection is dropped and remade."""
FEED_CHANNEL = 1  # client channels must be odd: even ones are a protocol violation

EVENT_FIELDS: Mapping[str, tuple[str, ...]] = {
    "Quote": ("eventType", "eventSymbol", "bidPrice", "askPrice", "bidSize", "askSize"),
    "Trade": ("eventType", "eventSymbol", "price", "dayVolume", "size"),
    "Summary": (
        "eventType",
        "eventSymbol",
        "openInterest",
        "dayOpenPrice",
        "dayHighPrice",
        "dayLowPrice",
        "prevDayClosePrice",
    ),
    "Candle": (
        "eventType",
        "eventSymbol",
        "eventFlags",
        "time",
        "open",
        "high",
        "low",
        "close",
        "volume",
    ),
}
"""The fields we ask for per event type, in the order COMPACT values arrive."""

Event = dict[str, Any]
"""One decoded event: field name -> value (numbers as floats, ``NaN`` as ``math.nan``)."""


@attrs.frozen(kw_only=True)
class Subscription:
    """One ``FEED_SUBSCRIPTION`` entry."""

    type: str
    symbol: str
    from_time: int | None = None

    def wire(self) -> dict[str, Any]:
        """The entry as DxLink spells it."""
        entry: dict[str, Any] = {"type": self.type, "symbol": self.symbol}
        if self.from_time is not None:
            entry["fromTime"] = self.from_time
        return entry


def number(value: Any) -> float:
    """A COMPACT value as a float: ``"NaN"``, ``"Infinity"`` and ``"-Infinity"`` included."""
    if isinstance(value, bool):
        raise errors.ResponseFormatError(f"not a number: {value!r}", broker=BROKER)
    if isinstance(value, int | float):
        return float(value)
    if value in ("NaN", "Infinity", "-Infinity"):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        raise errors.ResponseFormatError(f"not a number: {value!r}", broker=BROKER) from None


def decode_feed_data(data: Sequence[Any], fields: Mapping[str, Sequence[str]]) -> list[Event]:
    """The events of one COMPACT ``FEED_DATA`` ``data`` array: ``[type, [values...], ...]``."""
    events: list[Event] = []
    for index in range(0, len(data) - 1, 2):
        kind, values = data[index], data[index + 1]
        names = fields.get(str(kind))
        if names is None or not isinstance(values, list):
            raise errors.ResponseFormatError(
                f"FEED_DATA for {kind!r}, which was not set up", broker=BROKER
            )
        width = len(names)
        if width == 0 or len(values) % width:
            raise errors.ResponseFormatError(
                f"{kind} FEED_DATA holds {len(values)} values, not a multiple of {width} fields",
                broker=BROKER,
            )
        for start in range(0, len(values), width):
            event = dict(zip(names, values[start : start + width], strict=True))
            event.setdefault("eventType", kind)
            events.append(event)
    return events


def _message(kind: str, channel: int, **fields: Any) -> str:
    return orjson.dumps({"type": kind, "channel": channel, **fields}).decode()


def _seconds(value: float) -> float | int:
    # Whole seconds go out as integers, as the documented SETUP spells them (60, not 60.0).
    return int(value) if float(value).is_integer() else value


def setup_message(keepalive_timeout: float = 60, accept_keepalive_timeout: float = 60) -> str:
    """``SETUP`` on channel 0: our version, how long the server may wait for our next message
    (``keepalive_timeout``) and how long we wait for its (``accept_keepalive_timeout``; the server
    sends its keepalives well within it). Both are 60 seconds in the documented handshake."""
    return _message(
        "SETUP",
        0,
        version=VERSION,
        keepaliveTimeout=_seconds(keepalive_timeout),
        acceptKeepaliveTimeout=_seconds(accept_keepalive_timeout),
    )


def auth_message(token: str) -> str:
    """``AUTH`` with the quote token from ``GET /api-quote-tokens``."""
    return _message("AUTH", 0, token=token)


def keepalive_message() -> str:
    """``KEEPALIVE`` on channel 0."""
    return _message("KEEPALIVE", 0)


def channel_request_message(channel: int, contract: str) -> str:
    """``CHANNEL_REQUEST`` for a FEED channel (``contract`` ``AUTO``, ``HISTORY``, ...)."""
    return _message("CHANNEL_REQUEST", channel, service="FEED", parameters={"contract": contract})


def feed_setup_message(channel: int, fields: Mapping[str, Sequence[str]]) -> str:
    """``FEED_SETUP`` asking for the COMPACT format and ``fields`` per event type."""
    return _message(
        "FEED_SETUP",
        channel,
        acceptAggregationPeriod=0.1,
        acceptDataFormat="COMPACT",
        acceptEventFields={kind: list(names) for kind, names in fields.items()},
    )


def subscription_message(
    channel: int,
    *,
    add: Sequence[Subscription] = (),
    remove: Sequence[Subscription] = (),
    reset: bool = False,
) -> str:
    """``FEED_SUBSCRIPTION``: entries to ``add`` and ``remove``; ``reset`` drops the rest."""
    fields: dict[str, Any] = {"reset": True} if reset else {}
    if add:
        fields["add"] = [s.wire() for s in add]
    if remove:
        fields["remove"] = [s.wire() for s in remove]
    return _message("FEED_SUBSCRIPTION", channel, **fields)


async def _receive(link: Link) -> dict[str, Any]:
    """The next message; the server's ``KEEPALIVE`` is skipped (it proved the line alive, so
    the silence starts again), an ``ERROR`` is a ``BrokerUnavailableError``."""
    while True:
        message = orjson.loads(await link.receive())
        if not isinstance(message, dict):
            raise errors.ResponseFormatError("a DxLink message is not an object", broker=BROKER)
        if message.get("type") == "ERROR":
            raise errors.BrokerUnavailableError(
                f"DxLink error {message.get('error')}: {message.get('message')}", broker=BROKER
            )
        if message.get("type") != "KEEPALIVE":
            return message


async def _expect(link: Link, kind: str, **match: Any) -> dict[str, Any]:
    """Wait for a ``kind`` message (other protocol chatter is skipped)."""
    while True:
        message = await _receive(link)
        if message.get("type") == kind and all(message.get(k) == v for k, v in match.items()):
            return message
        if message.get("type") == "CHANNEL_CLOSED":
            raise errors.BrokerUnavailableError("DxLink closed the channel", broker=BROKER)


async def _open(
    link: Link,
    token: str,
    contract: str,
    subscriptions: Sequence[Subscription],
    timing: tuple[float, float],
) -> dict[str, tuple[str, ...]]:
    """Handshake, authorise, open the FEED channel, set it up and subscribe: the fields of
    each event type as the server will send them."""
    keepalive, silence = timing
    # We speak at least every `keepalive` seconds and expect the server to within `silence`.
    await link.send(setup_message(2 * keepalive, silence))
    await _expect(link, "SETUP")
    # The server announces UNAUTHORIZED first; a second UNAUTHORIZED refuses our token.
    state = await _expect(link, "AUTH_STATE")
    if state.get("state") != "AUTHORIZED":
        await link.send(auth_message(token))
        state = await _expect(link, "AUTH_STATE")
    if state.get("state") != "AUTHORIZED":
        raise errors.UnauthorizedError(
            "DxLink refused the quote token (GET /api-quote-tokens needs an opened customer "
            "account; the token lasts 24 hours)",
            broker=BROKER,
        )
    await link.send(channel_request_message(FEED_CHANNEL, contract))
    await _expect(link, "CHANNEL_OPENED", channel=FEED_CHANNEL)
    kinds = sorted({s.type for s in subscriptions})
    wanted = {kind: EVENT_FIELDS[kind] for kind in kinds}
    await link.send(feed_setup_message(FEED_CHANNEL, wanted))
    config = await _expect(link, "FEED_CONFIG", channel=FEED_CHANNEL)
    granted = config.get("eventFields")
    fields = {kind: tuple(names) for kind, names in wanted.items()}
    if isinstance(granted, dict):  # the server's own lists win when it sends them
        fields.update({str(k): tuple(v) for k, v in granted.items()})
    await link.send(subscription_message(FEED_CHANNEL, add=subscriptions, reset=True))
    return fields


async def _feed(
    link: Link,
    token: str,
    contract: str,
    subscriptions: Sequence[Subscription],
    timing: tuple[float, float],
) -> AsyncGenerator[Event, None]:
    """One connection's conversation: the handshake, then the events of its ``FEED_DATA``."""
    fields = await _open(link, token, contract, subscriptions, timing)
    while True:
        message = await _receive(link)
        if message.get("type") == "FEED_DATA":
            for event in decode_feed_data(message.get("data") or [], fields):
                yield event


async def _keepalive() -> str:
    return keepalive_message()


TokenSource = Callable[[], Awaitable[tuple[str, str]]]


def feed_events(
    session: StreamSession,
    token_source: TokenSource,
    subscriptions: Sequence[Subscription],
    *,
    contract: str = "AUTO",
    silence: float = SILENCE_SECONDS,
    keepalive: float = KEEPALIVE_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncGenerator[Event, None]:
    """Decoded events of ``subscriptions``, reconnecting (new token, new subscription) after a
    drop or a silence, up to ``session.max_reconnects`` failures in a row (an async generator).

    ``silence`` is how long a quiet server is trusted, ``keepalive`` how often we speak up.
    """

    async def dial() -> Dialed[Event]:
        token, url = await token_source()
        timing = (keepalive, silence)
        return Dialed(
            url=url,
            converse=lambda link: _feed(link, token, contract, subscriptions, timing),
            keepalive=_keepalive,
        )

    return websocket_stream(
        session, dial, broker=BROKER, keepalive=keepalive, silence=silence, clock=clock
    )


def finite(value: Any) -> float | None:
    """``number(value)``, or ``None`` for NaN and infinities (no value)."""
    result = number(value)
    return result if math.isfinite(result) else None
