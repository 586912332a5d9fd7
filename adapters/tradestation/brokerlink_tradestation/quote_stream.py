"""TradeStation's quote stream: the hot path (DESIGN §2 "bulk decode"; NOTES.md §5).

Frames carry *changes*; they are merged into the last full quote per symbol (matched
case-insensitively: the live stream sometimes sends ``"spy"``). A per-symbol failure warns and
the stream goes on; when every symbol failed, the first failure is raised. A quote's ``raw`` is
its frame as sent (the fields that changed), a mapping decoded on first use.

Quotes arrive by the thousand a second, so each line is decoded once, by msgspec, into a
:class:`~.quote_frames.QuoteFrame`, its numbers looked up in a per-stream
:class:`~.quote_frames.NumberCache`, merged and built into the event inside the core reader
(:meth:`_QuoteReader.reading`), with the models' trusted constructors. Anything unusual takes
the strict path instead, so results and errors are the ones ``parse.quote_from_ts`` gives: a
frame msgspec refuses (a wrong type), text that is not a finite number (``""``, ``"NaN"``), a
``TradeTime`` that is not plain UTC ISO 8601. Control frames (heartbeats,
GoAway, errors) go back to the framing as ``dict``. ``received_at`` is when the piece of the
body holding the frame was read (the clock is read once a chunk, not once a frame).
"""

from __future__ import annotations

import warnings
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import cattrs
import msgspec
from msgspec import UNSET

from brokerlink import errors
from brokerlink.adapter import StreamSession
from brokerlink.instruments import Instrument
from brokerlink.models import Quote, QuoteEvent
from brokerlink.runtime.streaming import ErrorTable, json_object
from brokerlink_tradestation import parse
from brokerlink_tradestation.capabilities import MAX_QUOTE_SYMBOLS
from brokerlink_tradestation.errors import error_from_item
from brokerlink_tradestation.framing import ts_frames
from brokerlink_tradestation.quote_frames import NumberCache, QuoteFrame, RawFrame
from brokerlink_tradestation.symbology import to_tradestation
from brokerlink_tradestation.wire import BROKER, Fields

__all__ = [
    "QuoteFrame",
    "RawFrame",
    "StreamSymbolWarning",
    "stream_quotes",
]

UrlOf = Callable[[str], str]


class StreamSymbolWarning(UserWarning):
    """A stream reported one symbol as failed (``FAILED, NOT ENTITLED``, ...) and goes on."""


_QUOTE_DECODER = msgspec.json.Decoder(QuoteFrame)
# The models' trusted constructors, bound once. Loosely typed on purpose: mypy cannot narrow
# msgspec's UNSET away, and the reader has replaced it in every value before the call.
_trusted_quote: Callable[..., Quote] = Quote._trusted
_trusted_event: Callable[[Quote, datetime], QuoteEvent] = QuoteEvent._trusted


_QUOTE_KEYS = ("Bid", "Ask", "Last", "BidSize", "AskSize", "Volume", "TradeTime")
_QUOTE_FIELDS = ("bid", "ask", "last", "bid_size", "ask_size", "volume", "time")


def _strict_quote(
    conv: cattrs.Converter, frame: dict[str, Any], target: Instrument, previous: Quote | None
) -> Quote:
    """The strict reader on ``frame`` merged over ``previous`` (errors name ``$.<field>``)."""
    quote = parse.quote_from_ts(Fields(conv, frame), target)
    if previous is None:
        return quote
    changes = {
        name: getattr(quote, name)
        for key, name in zip(_QUOTE_KEYS, _QUOTE_FIELDS, strict=True)
        if key in frame
    }
    return Quote(
        instrument=target,
        **{name: changes.get(name, getattr(previous, name)) for name in _QUOTE_FIELDS},
        raw=frame,
    )


LineHandler = Callable[[bytes], Any]


def _as_dict(line: bytes) -> dict[str, Any]:
    return json_object(line, broker=BROKER)


class _QuoteReader:
    """One quote stream's state (the merged quote per symbol, the failed symbols) and its
    handlers: :attr:`line` for every line (the fast path, run inside the core reader), and
    :meth:`frame` for the data frames the framing hands back as ``dict`` (the strict path).

    ``line`` hands every line it does not vouch for (a control frame, an error, a value msgspec
    refuses) to ``fallback``: the framing's own line handler on a stream (see
    :meth:`reading`), and by default the line's JSON object, so a test sees what went back.
    """

    def __init__(
        self,
        conv: cattrs.Converter,
        instruments: Sequence[Instrument],
        fallback: LineHandler = _as_dict,
    ) -> None:
        self.conv = conv
        self.wanted = {to_tradestation(i).lower(): i for i in instruments}
        # Symbol as sent -> (its lower-case key, the instrument asked for): one lookup a frame.
        self.route = {key: (key, target) for key, target in self.wanted.items()}
        self.route.update(
            {to_tradestation(i): (to_tradestation(i).lower(), i) for i in instruments}
        )
        self.latest: dict[str, Quote] = {}  # the merged quote per lower-case symbol
        self.failed: dict[str, errors.BrokerError] = {}
        self.received_at = datetime.now(UTC)
        self.line = self.reading(fallback)

    def arrived(self) -> None:
        """A piece of the body arrived: its frames were received now (once a chunk, not a
        frame: the clock read costs about as much as building the event)."""
        self.received_at = datetime.now(UTC)

    def reading(self, fallback: LineHandler) -> LineHandler:
        """The line handler: a line as its event, ``None`` for another symbol's quote, and
        ``fallback(line)`` for anything else.

        A closure over the state rather than a method, and one function on purpose: it runs
        for every quote, and each attribute lookup saved is measurable (a tenth of the
        decode). The result equals the strict reader's on the merged frame, which takes over
        for any value this does not vouch for.
        """
        route, latest, decode, reader = self.route, self.latest, _QUOTE_DECODER.decode, self
        strict, new_quote, new_event = self._strict, _trusted_quote, _trusted_event
        numbers = NumberCache()
        time_text: str | None = None  # the last TradeTime parsed, and its value
        time: datetime | None = None

        def line(raw: bytes) -> Any:
            nonlocal time_text, time
            try:
                frame = decode(raw)
            except msgspec.DecodeError:
                return fallback(raw)
            hit = route.get(frame.Symbol)
            if hit is None:
                hit = route.get(frame.Symbol.lower())
                if hit is None:  # a control frame (no Symbol), or not one of ours
                    return fallback(raw) if not frame.Symbol or frame.Error is not UNSET else None
            if frame.Error is not UNSET:  # a per-symbol failure
                return fallback(raw)
            symbol, target = hit
            previous = latest.get(symbol)
            try:  # the numbers: Decimal, UNSET (not sent) or None (null)
                bid, ask, last = numbers[frame.Bid], numbers[frame.Ask], numbers[frame.Last]
                bid_size, ask_size = numbers[frame.BidSize], numbers[frame.AskSize]
                volume = numbers[frame.Volume]
            except ValueError:  # not a finite number: the strict reader says what is wrong
                return strict(json_object(raw, broker=BROKER), target, symbol)
            text = frame.TradeTime
            moment: datetime | None
            if text is UNSET:
                moment = None if previous is None else previous.time
            elif not text:  # null or "": no time, as the strict reader says
                moment = None
            elif text == time_text:  # frames of one burst mostly share the stamp
                moment = time
            else:
                try:
                    moment = datetime.fromisoformat(text)
                except ValueError:
                    return strict(json_object(raw, broker=BROKER), target, symbol)
                if moment.tzinfo is not UTC:  # an offset, or naive: converted or refused there
                    return strict(json_object(raw, broker=BROKER), target, symbol)
                time_text, time = text, moment
            if previous is None:
                bid = None if bid is UNSET else bid
                ask = None if ask is UNSET else ask
                last = None if last is UNSET else last
                bid_size = None if bid_size is UNSET else bid_size
                ask_size = None if ask_size is UNSET else ask_size
                volume = None if volume is UNSET else volume
            else:  # frames carry changes: what is not sent stays as it was
                bid = previous.bid if bid is UNSET else bid
                ask = previous.ask if ask is UNSET else ask
                last = previous.last if last is UNSET else last
                bid_size = previous.bid_size if bid_size is UNSET else bid_size
                ask_size = previous.ask_size if ask_size is UNSET else ask_size
                volume = previous.volume if volume is UNSET else volume
            found = new_quote(
                target, bid, ask, last, bid_size, ask_size, moment, volume, RawFrame(raw)
            )
            latest[symbol] = found
            return new_event(found, reader.received_at)

        return line

    def _strict(self, frame: dict[str, Any], target: Instrument, symbol: str) -> QuoteEvent:
        """The strict reader on ``frame`` merged over the symbol's last quote, kept as its new
        last quote."""
        found = _strict_quote(self.conv, frame, target, self.latest.get(symbol))
        self.latest[symbol] = found
        return _trusted_event(found, self.received_at)

    def frame(self, frame: dict[str, Any]) -> QuoteEvent | None:
        """A data frame the fast path handed back: a per-symbol failure (warned, or raised
        once every symbol failed) or a quote for the strict reader."""
        symbol = str(frame.get("Symbol", "")).lower()
        if "Error" in frame:
            problem = error_from_item(frame, path="/marketdata/stream/quotes")
            self.failed[symbol] = problem
            if set(self.wanted) <= set(self.failed):
                raise problem
            warnings.warn(f"[tradestation] {problem.message}", StreamSymbolWarning, stacklevel=2)
            return None
        target = self.wanted.get(symbol)
        if target is None:
            return None
        return self._strict(frame, target, symbol)


def stream_quotes(
    session: StreamSession,
    conv: cattrs.Converter,
    url_of: UrlOf,
    instruments: Sequence[Instrument],
    check: ErrorTable,
) -> AsyncIterator[QuoteEvent]:
    """``/marketdata/stream/quotes/{symbols}`` (at most 100 symbols per stream, checked
    before anything is sent). The events come straight out of the framing generator: the
    quote is built as each line is read."""
    if len(instruments) > MAX_QUOTE_SYMBOLS:
        raise errors.NotSupportedError(
            f"one TradeStation quote stream takes at most {MAX_QUOTE_SYMBOLS} symbols, got "
            f"{len(instruments)}; open one stream per batch",
            broker=BROKER,
        )
    symbols = ",".join(quote(to_tradestation(i), safe="@$") for i in instruments)
    url = url_of(f"/marketdata/stream/quotes/{symbols}")
    reader = _QuoteReader(conv, instruments)
    return ts_frames(
        session, url, dict, check, fast=reader.reading, data=reader.frame, on_chunk=reader.arrived
    )
