"""TradeStation's quote stream: the hot path (DESIGN §2 "bulk decode"; NOTES.md §5).

Frames carry *changes*; they are merged into the last full quote per symbol (matched
case-insensitively: the live stream sometimes sends ``"spy"``). A per-symbol failure warns and
the stream goes on; when every symbol failed, the first failure is raised. A quote's ``raw`` is
its frame as sent (the fields that changed), a mapping decoded on first use.

Quotes arrive by the thousand a second, so each line is decoded once, by msgspec, into a
:class:`QuoteFrame` (numeric strings to ``Decimal`` in C), checked, merged and built into the
event inside the core reader (:meth:`_QuoteReader.line`), with the models' trusted
constructors. Anything unusual takes the strict path instead, so results and errors are the
ones ``parse.quote_from_ts`` gives: a frame msgspec refuses (an empty string, a wrong type), a
non-finite number, a ``TradeTime`` that is not plain UTC ISO 8601. Control frames (heartbeats,
GoAway, errors) go back to the framing as ``dict``. ``received_at`` is when the piece of the
body holding the frame was read (the clock is read once a chunk, not once a frame).
"""

from __future__ import annotations

import warnings
from collections.abc import (
    AsyncIterator,
    Callable,
    ItemsView,
    Iterator,
    KeysView,
    Mapping,
    Sequence,
    ValuesView,
)
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import cattrs
import msgspec
import orjson
from msgspec import UNSET, UnsetType

from brokerlink import errors
from brokerlink.adapter import StreamSession
from brokerlink.instruments import Instrument
from brokerlink.models import Quote, QuoteEvent
from brokerlink.runtime.streaming import ErrorTable, json_object
from brokerlink_tradestation import parse
from brokerlink_tradestation.capabilities import MAX_QUOTE_SYMBOLS
from brokerlink_tradestation.errors import error_from_item
from brokerlink_tradestation.framing import ts_frames
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


_Number = Decimal | UnsetType | None


class QuoteFrame(msgspec.Struct, gc=False):
    """The fields of a quote-stream frame that a :class:`~brokerlink.models.Quote` needs,
    decoded by msgspec in C (numeric strings straight to ``Decimal``).

    A field the frame did not send is ``UNSET`` (TradeStation sends changes). ``TradeTime``
    stays text: :func:`datetime.fromisoformat` is what the strict reader uses, and msgspec
    rounds where it truncates. The control fields only say "not a quote": such frames go
    back to the ``dict`` path.
    Untracked by the garbage collector (``gc=False``): decoded JSON holds no cycles, and
    a stream makes one of these per frame.
    """

    Symbol: str = ""
    Bid: _Number = UNSET
    Ask: _Number = UNSET
    Last: _Number = UNSET
    BidSize: _Number = UNSET
    AskSize: _Number = UNSET
    Volume: _Number = UNSET
    TradeTime: str | UnsetType | None = UNSET
    Heartbeat: Any = UNSET
    Error: Any = UNSET
    StreamStatus: Any = UNSET


_QUOTE_DECODER = msgspec.json.Decoder(QuoteFrame)
# The models' trusted constructors, bound once. Loosely typed on purpose: mypy cannot narrow
# msgspec's UNSET away, and the reader has replaced it in every value before the call.
_trusted_quote: Callable[..., Quote] = Quote._trusted
_trusted_event: Callable[[Quote, datetime], QuoteEvent] = QuoteEvent._trusted


class RawFrame(msgspec.Struct, gc=False, eq=False, repr_omit_defaults=True):
    """A stream frame's JSON object, read-only, decoded from its ``text`` on first use.

    ``Quote.raw`` on the quote stream: most consumers never look, and decoding every frame a
    second time is the cost the fast path exists to avoid. A msgspec struct because it is
    built once per frame (in C, untracked by the collector); it registers as a
    :class:`~collections.abc.Mapping` and has the mapping methods.
    """

    text: bytes
    decoded: dict[str, Any] | None = None

    def _data(self) -> dict[str, Any]:
        if self.decoded is None:
            self.decoded = orjson.loads(self.text)
        return self.decoded

    def __getitem__(self, key: str) -> Any:
        return self._data()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def __contains__(self, key: object) -> bool:
        return key in self._data()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data() == dict(other.items())
        return NotImplemented

    def get(self, key: str, default: Any = None) -> Any:
        """The value at ``key``, or ``default``."""
        return self._data().get(key, default)

    def keys(self) -> KeysView[str]:
        """The frame's keys."""
        return self._data().keys()

    def items(self) -> ItemsView[str, Any]:
        """The frame's items."""
        return self._data().items()

    def values(self) -> ValuesView[Any]:
        """The frame's values."""
        return self._data().values()


Mapping.register(RawFrame)


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


class _QuoteReader:
    """One quote stream's state (the merged quote per symbol, the failed symbols) and its
    handlers: :meth:`line` for every line (the fast path, run inside the core reader),
    :meth:`frame` for the data frames it handed back as ``dict`` (the strict path)."""

    def __init__(self, conv: cattrs.Converter, instruments: Sequence[Instrument]) -> None:
        self.conv = conv
        self.wanted = {to_tradestation(i).lower(): i for i in instruments}
        # Symbol as sent -> (its lower-case key, the instrument asked for): one lookup a frame.
        self.route = {key: (key, target) for key, target in self.wanted.items()}
        self.route.update(
            {to_tradestation(i): (to_tradestation(i).lower(), i) for i in instruments}
        )
        self.latest: dict[str, Quote] = {}  # the merged quote per lower-case symbol
        self.failed: dict[str, errors.BrokerError] = {}
        self.time_text: str | None = None  # the last TradeTime parsed, and its value
        self.time: datetime | None = None
        self.received_at = datetime.now(UTC)

    def arrived(self) -> None:
        """A piece of the body arrived: its frames were received now (once a chunk, not a
        frame: the clock read costs about as much as building the event)."""
        self.received_at = datetime.now(UTC)

    def line(self, line: bytes) -> QuoteEvent | dict[str, Any] | None:
        """A line as its event; as its ``dict`` for the framing and :meth:`frame` (a control
        frame, an error, a value msgspec refuses); ``None`` when it is not ours.

        One function on purpose: it runs for every quote, and each call saved is measurable.
        The result equals the strict reader's on the merged frame, which takes over for any
        value this does not vouch for.
        """
        try:
            frame = _QUOTE_DECODER.decode(line)
        except msgspec.DecodeError:
            return json_object(line, broker=BROKER)
        if frame.Error is not UNSET or frame.Heartbeat is not UNSET:
            return json_object(line, broker=BROKER)
        if frame.StreamStatus is not UNSET:
            return json_object(line, broker=BROKER)
        hit = self.route.get(frame.Symbol) or self.route.get(frame.Symbol.lower())
        if hit is None:
            return None
        symbol, target = hit
        previous = self.latest.get(symbol)
        bid, ask, last = frame.Bid, frame.Ask, frame.Last
        bid_size, ask_size, volume = frame.BidSize, frame.AskSize, frame.Volume
        text = frame.TradeTime
        moment: datetime | None
        # msgspec reads "NaN" and "Infinity" as Decimals: the strict reader refuses them.
        if not (
            (bid.__class__ is not Decimal or bid.is_finite())
            and (ask.__class__ is not Decimal or ask.is_finite())
            and (last.__class__ is not Decimal or last.is_finite())
            and (bid_size.__class__ is not Decimal or bid_size.is_finite())
            and (ask_size.__class__ is not Decimal or ask_size.is_finite())
            and (volume.__class__ is not Decimal or volume.is_finite())
        ):
            return self._strict(line, target, symbol, previous)
        if text is UNSET:
            moment = None if previous is None else previous.time
        elif not text:  # null or "": no time, as the strict reader says
            moment = None
        elif text == self.time_text:  # frames of one burst mostly share the stamp
            moment = self.time
        else:
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                return self._strict(line, target, symbol, previous)
            if moment.tzinfo is not UTC:  # an offset, or naive: converted or refused there
                return self._strict(line, target, symbol, previous)
            self.time_text, self.time = text, moment
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
        found = _trusted_quote(
            target, bid, ask, last, bid_size, ask_size, moment, volume, RawFrame(line)
        )
        self.latest[symbol] = found
        return _trusted_event(found, self.received_at)

    def _strict(
        self, line: bytes, target: Instrument, symbol: str, previous: Quote | None
    ) -> QuoteEvent:
        found = _strict_quote(self.conv, json_object(line, broker=BROKER), target, previous)
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
        found = _strict_quote(self.conv, frame, target, self.latest.get(symbol))
        self.latest[symbol] = found
        return _trusted_event(found, self.received_at)


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
        session, url, dict, check, decode=reader.line, data=reader.frame, on_chunk=reader.arrived
    )
