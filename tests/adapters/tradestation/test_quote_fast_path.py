"""The quote stream's fast path (msgspec decode, trusted constructors, one idle timer per
connection) against the strict reader, on TradeStation's documented quote payloads.

Fixtures: ``frames/stream_marketdata_quotes.ndjson`` (the documented stream frames) and
``emulator/examples/GET_marketdata_quotes.*.json`` / ``stream_marketdata_quotes.Quote.json``
(the documented REST and stream examples), all copied from ../shared/refs/tradestation/examples.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from brokerlink_tradestation import parse
from brokerlink_tradestation.framing import ts_frames
from brokerlink_tradestation.quote_frames import RawFrame
from brokerlink_tradestation.quote_stream import _QuoteReader
from brokerlink_tradestation.wire import Fields
from streamkit import collect, frame, objects, streaming
from tskit import adapter

import brokerlink as bl
from brokerlink import _http
from brokerlink.adapter import StreamSession
from brokerlink.instruments import Equity, Instrument, instrument
from brokerlink.models import Quote, QuoteEvent

TS = adapter()
EXAMPLES = Path(__file__).parent / "emulator" / "examples"


def documented_quotes() -> list[dict[str, Any]]:
    """Every documented quote object: the stream frames and the REST ``Quotes`` items."""
    found = [o for o in objects("stream_marketdata_quotes.ndjson") if "Symbol" in o]
    found.append(json.loads((EXAMPLES / "stream_marketdata_quotes.Quote.json").read_text()))
    for name in ("GET_marketdata_quotes.Quotes.json", "GET_marketdata_quotes.Partial-Success.json"):
        found.extend(json.loads((EXAMPLES / name).read_text())["Quotes"])
    return found


def strict(item: Mapping[str, Any], target: Instrument | None = None) -> Quote:
    return parse.quote_from_ts(Fields(TS.converter, dict(item)), target)


def fast(reader: _QuoteReader, item: Mapping[str, Any]) -> Quote:
    """``item`` through the stream's reader: the line handler, then (for the data frames it
    hands back as a ``dict``, as the framing does) the strict frame handler."""
    event = reader.line(orjson.dumps(item))
    if isinstance(event, dict):
        event = reader.frame(event)
    assert isinstance(event, QuoteEvent), event
    return event.quote


def reader_for(*symbols: str) -> _QuoteReader:
    return _QuoteReader(TS.converter, [instrument(s) for s in symbols])


FIELDS = ("instrument", "bid", "ask", "last", "bid_size", "ask_size", "time", "volume")


def same(a: Quote, b: Quote) -> None:
    """Equal, and equal in every field's type and digits (Decimal("1.0") == Decimal("1"))."""
    assert a == b
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert type(x) is type(y), name
        assert str(x) == str(y), name


@pytest.mark.parametrize("item", documented_quotes(), ids=lambda o: str(o["Symbol"]))
def test_documented_quotes_fast_equals_strict(item: dict[str, Any]) -> None:
    assert isinstance(reader_for(item["Symbol"]).line(orjson.dumps(item)), QuoteEvent)
    quote = fast(reader_for(item["Symbol"]), item)  # the fast path: no dict came back above
    same(quote, strict(item))
    assert isinstance(quote.raw, RawFrame)
    assert dict(quote.raw) == item  # the frame as sent, decoded on first use
    assert quote.time is not None
    assert quote.time.tzinfo is UTC


def test_changes_merge_like_the_strict_reader_on_the_merged_frame() -> None:
    first = documented_quotes()[0]
    changes: list[dict[str, Any]] = [
        {"Symbol": "MSFT", "Last": "213.00", "Volume": "5852999"},
        {"Symbol": "msft", "Bid": "212.99", "TradeTime": "2020-11-18T15:20:01Z"},
        {"Symbol": "MSFT", "Ask": None, "AskSize": ""},  # null and "" both mean "none now"
    ]
    reader = reader_for("MSFT")
    merged = dict(first)
    same(fast(reader, first), strict(merged))
    for change in changes:
        merged.update(change)
        quote = fast(reader, change)
        same(quote, strict(merged, Equity("MSFT")))
        assert quote.raw == change  # raw is this frame, not the merge
    assert (quote.ask, quote.ask_size, quote.bid) == (None, None, Decimal("212.99"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("Bid", "NaN"),
        ("Ask", "Infinity"),
        ("Last", "-inf"),
        ("Volume", "sNaN"),
        ("BidSize", "lots"),
        ("TradeTime", "yesterday"),
        ("AskSize", True),
    ],
)
def test_bad_values_raise_with_the_field_path(field: str, value: object) -> None:
    item = {**documented_quotes()[0], field: value}
    with pytest.raises(bl.ResponseFormatError) as fast_error:
        fast(reader_for("MSFT"), item)
    with pytest.raises(bl.ResponseFormatError) as strict_error:
        strict(item)
    assert fast_error.value.path == strict_error.value.path == f"$.{field}"


def test_a_trade_time_with_an_offset_comes_back_in_utc() -> None:
    item = {**documented_quotes()[0], "TradeTime": "2020-11-18T10:19:14-05:00"}
    quote = fast(reader_for("MSFT"), item)
    assert quote.time == datetime(2020, 11, 18, 15, 19, 14, tzinfo=UTC)
    assert quote.time is not None
    assert quote.time.tzinfo is UTC
    same(quote, strict(item))


def test_odd_but_valid_values_take_the_strict_path_and_agree() -> None:
    item = {
        **documented_quotes()[0],
        "Bid": "",  # msgspec refuses an empty Decimal: the strict reader says None
        "Volume": 5852511,  # a JSON number
        "TradeTime": "2020-11-18T15:19:14.1234567Z",  # more digits than microseconds
    }
    quote = fast(reader_for("MSFT"), item)
    same(quote, strict(item))
    assert quote.bid is None


def test_control_frames_and_other_symbols_are_not_quotes() -> None:
    reader = reader_for("MSFT")
    assert reader.line(b'{"Heartbeat":1,"Timestamp":"2021-03-02T18:01:23Z"}') == {
        "Heartbeat": 1,
        "Timestamp": "2021-03-02T18:01:23Z",
    }
    assert reader.line(b'{"Error":"GoAway","Message":"bye"}') == {
        "Error": "GoAway",
        "Message": "bye",
    }
    failed = {"Symbol": "MSFT", "Error": "FAILED, NOT ENTITLED"}
    assert reader.line(orjson.dumps(failed)) == failed
    assert reader.line(b'{"Symbol":"AAPL","Last":"1"}') is None


def test_raw_frame_is_a_read_only_mapping_of_the_line() -> None:
    raw = RawFrame(b'{"Symbol":"MSFT","Last":"212.85"}\r')
    assert isinstance(raw, Mapping)
    assert raw == {"Symbol": "MSFT", "Last": "212.85"}
    assert (raw["Last"], raw.get("Bid"), "Symbol" in raw, len(raw)) == ("212.85", None, True, 2)
    assert sorted(raw.keys()) == ["Last", "Symbol"]


async def test_the_stream_yields_the_strict_quotes_and_raises_on_a_nan_bid() -> None:
    items = [o for o in objects("stream_marketdata_quotes.ndjson") if "Symbol" in o]
    body = [b"".join(frame(o) for o in items)[:50], b"".join(frame(o) for o in items)[50:]]
    body.append(frame({"Symbol": "MSFT", "Bid": "NaN"}))
    events, error = await collect(
        _http.MockTransport(lambda request: streaming(body)),
        lambda s: TS.stream_quotes(s, [Equity("MSFT")]),
    )
    assert [e.quote for e in events] == [strict(o) for o in items]
    assert all(e.received_at.tzinfo is UTC for e in events)
    assert isinstance(error, bl.ResponseFormatError)
    assert error.path == "$.Bid"


async def test_a_slow_consumer_is_not_taken_for_a_silent_server() -> None:
    served: list[int] = []

    def handler(request: _http.Request) -> _http.Response:
        served.append(1)
        return streaming([frame({"n": i}) for i in range(3)], hang=True)

    async with _http.AsyncClient(transport=_http.MockTransport(handler)) as client:
        session = StreamSession(client=client, auth=None)
        frames = ts_frames(session, "http://ts.test/s", dict, TS.check_response, idle_timeout=0.05)
        got = []
        for _ in range(3):
            got.append(await anext(frames))
            await asyncio.sleep(0.12)  # longer than the timeout, but nobody is waiting on it
        await frames.aclose()  # type: ignore[attr-defined]
    assert got == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert served == [1]


async def test_the_idle_timer_reopens_when_each_read_runs_in_its_own_task() -> None:
    bodies = [
        streaming([frame({"n": 1})], hang=True),
        streaming([frame({"n": 2})], hang=True),
    ]
    transport = _http.MockTransport(lambda request: bodies.pop(0))
    async with _http.AsyncClient(transport=transport) as client:
        session = StreamSession(client=client, auth=None)
        frames = ts_frames(session, "http://ts.test/s", dict, TS.check_response, idle_timeout=0.05)
        first = await asyncio.wait_for(anext(frames), 5)  # wait_for: a new task per read
        second = await asyncio.wait_for(anext(frames), 5)
        await frames.aclose()  # type: ignore[attr-defined]
    assert (first, second) == ({"n": 1}, {"n": 2})
    assert bodies == []


async def test_a_cancel_from_outside_is_not_turned_into_a_reconnect() -> None:
    transport = _http.MockTransport(lambda request: streaming([], hang=True))
    async with _http.AsyncClient(transport=transport) as client:
        session = StreamSession(client=client, auth=None)
        frames = ts_frames(session, "http://ts.test/s", dict, TS.check_response, idle_timeout=5)
        reading = asyncio.ensure_future(anext(frames))
        await asyncio.sleep(0.02)
        reading.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reading


def test_more_than_100_symbols_is_refused_before_anything_is_sent() -> None:
    never = _http.MockTransport(lambda request: pytest.fail("nothing should be sent"))
    client = _http.AsyncClient(transport=never)
    session = StreamSession(client=client, auth=None)
    with pytest.raises(bl.NotSupportedError, match="at most 100"):
        TS.stream_quotes(session, [Equity(f"S{i}") for i in range(101)])


def test_the_number_cache_converts_like_the_strict_reader_and_stays_bounded() -> None:
    from brokerlink_tradestation.quote_frames import NumberCache
    from msgspec import UNSET

    numbers = NumberCache(limit=4)
    assert numbers[UNSET] is UNSET
    assert numbers[None] is None
    first = numbers["212.850"]
    assert (first, str(first)) == (Decimal("212.85"), "212.850")  # the digits as sent
    assert numbers["212.850"] is first  # the second frame's price is a lookup
    for bad in ("NaN", "-Infinity", "sNaN", "", "lots"):
        with pytest.raises(ValueError, match="not a"):
            numbers[bad]
    for i in range(10):
        assert numbers[str(i)] == Decimal(i)
    assert len(numbers) <= 4 + 1  # started over past the limit ...
    assert (numbers[UNSET], numbers[None]) == (UNSET, None)  # ... keeping the two markers
