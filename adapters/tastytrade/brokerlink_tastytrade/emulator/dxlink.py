"""The DxLink market-data websocket at ``/dxlink`` (refs/tastytrade/NOTES.md §9; the exact
messages are ``examples/streaming/dxlink_01…13_*.json``).

Sequence: client ``SETUP`` → server ``SETUP`` and ``AUTH_STATE UNAUTHORIZED``; client ``AUTH``
with a token from ``GET /api-quote-tokens`` → ``AUTH_STATE AUTHORIZED`` (any other token:
``ERROR UNAUTHORIZED`` and ``AUTH_STATE UNAUTHORIZED``); ``CHANNEL_REQUEST`` (odd channel,
service ``FEED``) → ``CHANNEL_OPENED``; ``FEED_SETUP`` → ``FEED_CONFIG`` (always ``COMPACT``);
``FEED_SUBSCRIPTION`` add/remove/reset → ``FEED_DATA``. ``KEEPALIVE`` goes both ways: the server
sends one every half of the client's ``acceptKeepaliveTimeout`` and closes a client silent for
longer than its own ``keepaliveTimeout`` with ``ERROR TIMEOUT``.

Time: while something is subscribed, each tick (50 ms real) moves the engine clock one
simulated second, as every emulator quote stream does (:mod:`brokerlink.emulator.http.feeds`);
quotes are sent when they change. A candle subscription answers its snapshot from ``fromTime``,
then the latest candle stamped at or after ``fromTime`` whenever it changes (after an empty
snapshot too, as the real feed goes on). Stream faults planned for ``/dxlink`` apply to data
messages: ``Latency`` makes the server silent that long (keepalives included), ``StreamGap``
skips data messages, ``DropConnection`` closes the socket.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import orjson

from brokerlink.emulator.http import EmulatorSocket
from brokerlink.errors import BrokerError
from brokerlink.instruments import Instrument
from brokerlink_tastytrade.emulator.dxlink_events import (
    DEFAULT_FIELDS,
    candle_values,
    flatten,
    parse_candle_symbol,
    quote_values,
    snapshot_values,
)
from brokerlink_tastytrade.emulator.sockets_util import SocketFaults, run_until_either_ends
from brokerlink_tastytrade.emulator.symbols import parse_streamer_symbol

if TYPE_CHECKING:
    from brokerlink_tastytrade.emulator.base import TastyFrontBase

__all__ = ["SERVER_VERSION", "DxLinkSession"]

SERVER_VERSION = "1.0-brokerlink-emulator"
_TICK = 0.05
_FAST_TICK = 0.005  # real seconds per candle while only candles are subscribed
_STEP = timedelta(seconds=1)
_CHUNK = 500  # candles per FEED_DATA message


class _Channel:
    """One FEED channel: its contract, accepted fields and subscriptions."""

    def __init__(self, number: int, contract: str) -> None:
        self.number = number
        self.contract = contract
        self.fields: dict[str, tuple[str, ...]] = dict(DEFAULT_FIELDS)
        self.subs: set[tuple[str, str]] = set()
        self.sent: dict[tuple[str, str], tuple[Any, ...]] = {}
        self.since: dict[str, datetime] = {}  # candle symbol -> its subscription's fromTime


class DxLinkSession:
    """One DxLink connection."""

    def __init__(self, front: TastyFrontBase) -> None:
        self.front = front
        self.engine = front.engine
        self.channels: dict[int, _Channel] = {}
        self.authorized = False
        self.setup = False
        self.client_timeout = 60.0
        self.server_keepalive = 30.0
        self._send_lock = asyncio.Lock()
        self._summaries: dict[Instrument, tuple[datetime, Mapping[str, Decimal | None]]] = {}

    async def run(self, socket: EmulatorSocket) -> None:
        """Serve the connection until the client leaves or goes silent."""
        self.socket = socket
        self._faults = SocketFaults(self.engine.faults, socket, on_latency=self._silent_for)
        await run_until_either_ends(self._read(), self._pump())

    # -- sending --------------------------------------------------------------------------------
    async def send(self, message: dict[str, Any]) -> None:
        """Send one message (serialised: reader and pump both send)."""
        async with self._send_lock:
            await self.socket.send_text(orjson.dumps(message).decode())

    async def error(self, kind: str, message: str, channel: int = 0) -> None:
        """An ``ERROR`` message."""
        await self.send({"type": "ERROR", "channel": channel, "error": kind, "message": message})

    async def send_data(self, channel: int, event_type: str, values: list[Any]) -> None:
        """A ``FEED_DATA`` message, subject to the stream faults planned for ``/dxlink``."""
        if not await self._faults.admit():
            return
        await self.send({"type": "FEED_DATA", "channel": channel, "data": [event_type, values]})

    async def _silent_for(self, seconds: float) -> None:
        async with self._send_lock:  # silent for that long: keepalives wait too
            await asyncio.sleep(seconds)

    # -- reading --------------------------------------------------------------------------------
    async def _read(self) -> None:
        while True:
            try:
                text = await self.socket.receive_text(timeout=self.client_timeout)
            except TimeoutError:
                await self.error("TIMEOUT", "no message within the keepalive timeout")
                await self.socket.close(1000, "keepalive timeout")
                return
            try:
                message = orjson.loads(text)
            except orjson.JSONDecodeError:
                await self.error("INVALID_MESSAGE", "the message is not JSON")
                continue
            if not isinstance(message, dict):
                await self.error("INVALID_MESSAGE", "the message is not a JSON object")
                continue
            await self._handle(message)

    async def _handle(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        channel = message.get("channel", 0)
        if kind == "KEEPALIVE":
            return
        if kind == "SETUP":
            await self._setup(message)
            return
        if not self.setup:
            await self.error("UNSUPPORTED_PROTOCOL", "SETUP must be the first message")
            return
        if kind == "AUTH":
            await self._auth(message)
            return
        if not self.authorized:
            await self.error("UNAUTHORIZED", "authorize with AUTH first")
            return
        if not isinstance(channel, int) or channel <= 0 or channel % 2 == 0:
            await self.error("BAD_ACTION", "Protocol violation with an even channel usage.")
            return
        if kind == "CHANNEL_REQUEST":
            await self._open(channel, message)
            return
        found = self.channels.get(channel)
        if found is None:
            await self.error("BAD_ACTION", f"channel {channel} is not open", channel)
        elif kind == "CHANNEL_CANCEL":
            del self.channels[channel]
            await self.send({"type": "CHANNEL_CLOSED", "channel": channel})
        elif kind == "FEED_SETUP":
            await self._feed_setup(found, message)
        elif kind == "FEED_SUBSCRIPTION":
            await self._subscribe(found, message)
        else:
            await self.error("INVALID_MESSAGE", f"unknown message type {kind!r}", channel)

    async def _setup(self, message: dict[str, Any]) -> None:
        self.client_timeout = float(message.get("keepaliveTimeout") or 60)
        self.server_keepalive = float(message.get("acceptKeepaliveTimeout") or 60) / 2
        self.setup = True
        await self.send(
            {"type": "SETUP", "channel": 0, "keepaliveTimeout": 60,
             "acceptKeepaliveTimeout": 60, "version": SERVER_VERSION}
        )  # fmt: skip
        if not self.authorized:
            await self.send({"type": "AUTH_STATE", "channel": 0, "state": "UNAUTHORIZED"})

    async def _auth(self, message: dict[str, Any]) -> None:
        token = message.get("token")
        if isinstance(token, str) and token in self.front.book.tokens:
            self.authorized = True
            await self.send(
                {"type": "AUTH_STATE", "channel": 0, "state": "AUTHORIZED", "userId": "emulator"}
            )
            return
        self.authorized = False
        await self.error("UNAUTHORIZED", "the token is not valid; get one from /api-quote-tokens")
        await self.send({"type": "AUTH_STATE", "channel": 0, "state": "UNAUTHORIZED"})

    async def _open(self, channel: int, message: dict[str, Any]) -> None:
        if message.get("service") != "FEED":
            await self.error("UNSUPPORTED", "only the FEED service is offered", channel)
            return
        parameters = message.get("parameters") or {}
        contract = str(parameters.get("contract", "AUTO"))
        self.channels[channel] = _Channel(channel, contract)
        await self.send(
            {"type": "CHANNEL_OPENED", "channel": channel, "service": "FEED",
             "parameters": {"contract": contract, "subFormat": "LIST"}}
        )  # fmt: skip

    async def _feed_setup(self, found: _Channel, message: dict[str, Any]) -> None:
        accepted = message.get("acceptEventFields")
        reply: dict[str, Any] = {"type": "FEED_CONFIG", "channel": found.number,
                                 "dataFormat": "COMPACT",
                                 "aggregationPeriod": message.get("acceptAggregationPeriod", 0.1)}  # fmt: skip
        if isinstance(accepted, dict):
            for event_type, fields in accepted.items():
                if isinstance(fields, list):
                    found.fields[str(event_type)] = tuple(str(f) for f in fields)
        else:
            reply["eventFields"] = {k: list(v) for k, v in found.fields.items()}
        await self.send(reply)

    async def _subscribe(self, found: _Channel, message: dict[str, Any]) -> None:
        if message.get("reset"):
            found.subs.clear()
            found.sent.clear()
            found.since.clear()
        for item in message.get("remove") or []:
            key = (str(item.get("type")), str(item.get("symbol")))
            found.subs.discard(key)
            found.sent.pop(key, None)
            found.since.pop(key[1], None)
        for item in message.get("add") or []:
            key = (str(item.get("type")), str(item.get("symbol")))
            found.subs.add(key)
            found.sent.pop(key, None)
            if key[0] == "Candle":
                await self._snapshot(found, key[1], item.get("fromTime"))

    # -- data -----------------------------------------------------------------------------------
    async def _snapshot(self, found: _Channel, symbol: str, from_time: Any) -> None:
        start = datetime.fromtimestamp(float(from_time or 0) / 1000, UTC)
        found.since[symbol] = start
        bars = []
        parsed = parse_candle_symbol(symbol)
        if parsed is not None and not self._empty_auto(found):
            try:
                inst = parse_streamer_symbol(parsed.base, index_keys=self.front.index_keys)
                bars = self.engine.bars(
                    inst, parsed.timeframe, start, extended=not parsed.regular_only
                )
            except BrokerError:
                bars = []
        events = [(symbol, values) for values in snapshot_values(bars, start)]
        fields = found.fields.get("Candle", DEFAULT_FIELDS["Candle"])
        for offset in range(0, len(events), _CHUNK):
            values = flatten("Candle", fields, events[offset : offset + _CHUNK])
            await self.send_data(found.number, "Candle", values)
        if bars:
            found.sent[("Candle", symbol)] = tuple(flatten("Candle", fields, events[:1]))

    async def _pump(self) -> None:
        last_keepalive = time.monotonic()
        while True:
            await asyncio.sleep(_TICK if self._step() == _STEP else _FAST_TICK)
            if time.monotonic() - last_keepalive >= self.server_keepalive:
                await self.send({"type": "KEEPALIVE", "channel": 0})
                last_keepalive = time.monotonic()
            if not any(c.subs for c in self.channels.values()):
                continue
            for found in list(self.channels.values()):
                await self._push(found)
            self.engine.advance(self._step())

    def _empty_auto(self, found: _Channel) -> bool:
        # The sandbox switch for the known DxLink issue: AUTO channels get no candles at all.
        return self.front.sandbox.empty_auto_candles and found.contract == "AUTO"

    def _step(self) -> timedelta:
        # Simulated time per tick. With only candles subscribed, fast-forward a candle per tick
        # (like the core bar feed): a strategy on 1-minute bars should not wait a real minute.
        # Quotes and trades keep one-second steps, so their updates stay fine-grained.
        subs = [sub for found in self.channels.values() for sub in found.subs]
        if not subs or any(event_type != "Candle" for event_type, _ in subs):
            return _STEP
        durations = [
            parsed.timeframe.duration
            for _, symbol in subs
            if (parsed := parse_candle_symbol(symbol)) is not None and parsed.timeframe.duration
        ]
        return min(durations, default=_STEP)

    async def _push(self, found: _Channel) -> None:
        batches: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for event_type, symbol in sorted(found.subs):
            values = self._values(found, event_type, symbol)
            if values is None:
                continue
            fields = found.fields.get(event_type, DEFAULT_FIELDS.get(event_type, ()))
            flat = tuple(flatten(event_type, fields, [(symbol, values)]))
            if found.sent.get((event_type, symbol)) == flat:
                continue
            found.sent[(event_type, symbol)] = flat
            batches.setdefault(event_type, []).append((symbol, values))
        for event_type, events in batches.items():
            fields = found.fields.get(event_type, DEFAULT_FIELDS.get(event_type, ()))
            await self.send_data(found.number, event_type, flatten(event_type, fields, events))

    def _summary(self, inst: Instrument) -> Mapping[str, Decimal | None]:
        # Daily figures move at most once a simulated minute; recomputing them every tick from
        # the engine's daily bars would cost milliseconds per symbol.
        minute = self.engine.now().replace(second=0, microsecond=0)
        cached = self._summaries.get(inst)
        if cached is None or cached[0] != minute:
            cached = self._summaries[inst] = (minute, self.front.day_summary(inst))
        return cached[1]

    def _values(self, found: _Channel, event_type: str, symbol: str) -> dict[str, Any] | None:
        try:
            if event_type == "Candle":
                if self._empty_auto(found):
                    return None  # the empty AUTO snapshot: nothing to update live either
                parsed = parse_candle_symbol(symbol)
                if parsed is None:
                    return None
                inst = parse_streamer_symbol(parsed.base, index_keys=self.front.index_keys)
                now = self.engine.now()
                # From the start of the previous interval: the last completed candle (and the
                # forming one, where the engine has it) is what a live Candle update carries.
                since = parsed.timeframe.floor(now) - (parsed.timeframe.duration or _STEP)
                bars = self.engine.bars(inst, parsed.timeframe, since,
                                        extended=not parsed.regular_only)  # fmt: skip
                # The feed answers candles from fromTime on: after an empty snapshot (fromTime
                # after the last completed candle, or no session yet) the next one still comes.
                start = found.since.get(symbol)
                if not bars or (start is not None and bars[-1].time < start):
                    return None
                return candle_values(bars[-1], 0)
            inst = parse_streamer_symbol(symbol, index_keys=self.front.index_keys)
            quote = self.front.quote_of(inst)
            summary = self._summary(inst) if event_type == "Summary" else {}
            details = self.engine.details(inst).details
            described = details.description if details else str(inst)
            return quote_values(quote, summary, described).get(event_type)
        except BrokerError:
            return None  # unknown symbols never send data, as on the real feed
