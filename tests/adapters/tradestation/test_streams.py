"""Streams: the documented chunked transcripts, the documented frames, and the frames LEAN
captured on TradeStation's simulator, served through an httpx2 MockTransport."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from brokerlink_tradestation.framing import ts_frames
from brokerlink_tradestation.streams import StreamSymbolWarning
from streamkit import collect, frame, lines, objects, streaming, transcript_chunks
from tskit import adapter, json_reply

import brokerlink as bl
from brokerlink import _http
from brokerlink.adapter import StreamSession
from brokerlink.instruments import Equity, Index, instrument
from brokerlink.timeframes import Timeframe

TS = adapter()
MINUTE = Timeframe.parse("1min")


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("stream_marketdata_barcharts.http-streaming-page.example1.chunked.txt", 2),
        ("stream_marketdata_barcharts.http-streaming-page.example2.two-objects-one-chunk.txt", 2),
        ("stream_marketdata_barcharts.http-streaming-page.example3.one-object-two-chunks.txt", 1),
    ],
)
async def test_documented_chunked_bar_transcripts(name: str, count: int) -> None:
    chunks = transcript_chunks(name)
    assert b"".join(chunks).count(b"\n") == count  # chunk edges fall anywhere, lines do not
    transport = _http.MockTransport(lambda request: streaming(chunks))
    events, error = await collect(
        transport, lambda s: TS.stream_bars(s, Equity("MSFT"), MINUTE), limit=count
    )
    assert error is None
    documented = {
        o["TimeStamp"]: o
        for o in objects("stream_marketdata_barcharts.http-streaming-page.bars.ndjson")
    }
    for event in events:
        end = (event.bar.time + timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
        source = documented[end]  # TradeStation stamps the end; Bar.time is the start
        assert (event.bar.open, event.bar.close, event.bar.volume) == (
            Decimal(source["Open"]), Decimal(source["Close"]), Decimal(source["TotalVolume"]),
        )  # fmt: skip
        assert event.complete


async def test_bar_stream_frames_open_then_heartbeat_then_goaway_reopens() -> None:
    served: list[str] = []

    def handler(request: _http.Request) -> _http.Response:
        served.append(request.url.params["unit"])
        return streaming(lines("stream_marketdata_barcharts.ndjson"))

    events, _ = await collect(
        _http.MockTransport(handler), lambda s: TS.stream_bars(s, Equity("MSFT"), MINUTE), limit=2
    )
    assert events[0].bar.time == datetime(2020, 11, 12, 16, 59, tzinfo=UTC)
    assert not events[0].complete  # BarStatus "Open": still forming
    assert len(served) == 2  # GoAway made it reopen; the re-sent open bar is delivered again
    assert events[1].bar == events[0].bar


async def test_v2_tick_bars_end_line_reopens_and_replays_are_skipped() -> None:
    bodies = [
        transcript_chunks("stream_v2_barchart.swagger-v2.example1.chunked-with-END.txt"),
        transcript_chunks("stream_v2_barchart.swagger-v2.example1.chunked-with-END.txt"),
        transcript_chunks("stream_v2_barchart.swagger-v2.example3.split-object.txt"),
    ]
    urls: list[str] = []

    def handler(request: _http.Request) -> _http.Response:
        urls.append(request.url.path)
        return (
            streaming(bodies.pop(0))
            if bodies
            else _http.Response(403, json={"Error": "Forbidden", "Message": "no"})
        )

    events, error = await collect(
        _http.MockTransport(handler), lambda s: TS.stream_tick_bars(s, Index("DJI"), ticks=1)
    )
    assert urls[0] == "/v2/stream/tickbars/$DJI.X/1/10"
    assert [e.time for e in events][:2] == [
        datetime.fromtimestamp(1482849060, UTC), datetime.fromtimestamp(1482849120, UTC),
    ]  # fmt: skip
    assert len(events) == 3  # the replayed first connection added nothing
    assert events[0].close == Decimal("19956.09")
    assert events[0].is_historical
    assert isinstance(error, bl.AuthError)


async def test_quote_changes_merge_and_per_symbol_errors_warn() -> None:
    bodies = [
        lines("stream_marketdata_quotes.ndjson"),  # quote, heartbeat, GoAway
        [
            frame({"Symbol": "BAD", "Error": "FAILED, NOT ENTITLED"}),
            frame({"Symbol": "msft", "Last": "213.00"}),
        ],
    ]
    transport = _http.MockTransport(lambda request: streaming(bodies.pop(0)))
    with pytest.warns(StreamSymbolWarning, match="NOT ENTITLED"):
        events, _ = await collect(
            transport, lambda s: TS.stream_quotes(s, [Equity("MSFT"), Equity("BAD")]), limit=2
        )
    first, second = (e.quote for e in events)
    assert (first.bid, first.ask, first.last) == (
        Decimal("212.85"),
        Decimal("212.87"),
        Decimal("212.85"),
    )
    assert (second.instrument, second.bid, second.last) == (
        Equity("MSFT"),
        Decimal("212.85"),
        Decimal("213.00"),
    )


async def test_a_quote_stream_whose_every_symbol_failed_raises() -> None:
    transport = _http.MockTransport(
        lambda request: streaming([frame({"Symbol": "BAD", "Error": "FAILED, INVALID SYMBOL"})])
    )
    events, error = await collect(transport, lambda s: TS.stream_quotes(s, [Equity("BAD")]))
    assert events == []
    assert isinstance(error, bl.SymbolNotFoundError)


async def test_dual_logon_reopens_after_a_pause_and_gives_up_when_it_repeats() -> None:
    dual = lines("stream_error.DualLogon.json")
    transport = _http.MockTransport(lambda request: streaming(dual))
    events, error = await collect(transport, lambda s: TS.stream_quotes(s, [Equity("AAPL")]))
    assert events == []
    assert isinstance(error, bl.NetworkError)
    assert "DualLogon" in str(error)


async def test_a_silent_stream_is_reopened_after_the_idle_timeout() -> None:
    bodies = [streaming([], hang=True), streaming([frame({"n": 1})])]
    transport = _http.MockTransport(lambda request: bodies.pop(0))
    async with _http.AsyncClient(transport=transport) as client:
        session = StreamSession(client=client, auth=None)
        frames = ts_frames(session, "http://ts.test/s", dict, TS.check_response, idle_timeout=0.05)
        got = await asyncio.wait_for(anext(frames), 5)
        await frames.aclose()  # type: ignore[attr-defined]
    assert got == {"n": 1}
    assert bodies == []


async def test_documented_order_stream_frames_then_an_account_error() -> None:
    transport = _http.MockTransport(
        lambda request: streaming(lines("stream_brokerage_accounts_orders.ndjson"))
    )
    events, error = await collect(transport, lambda s: TS.stream_orders(s, "123456782"))
    assert [(e.order.id, e.order.type.value, e.fill) for e in events] == [
        ("286234131", "market", None), ("286179864", "trailing_stop", None), ("286179864", "stop", None),
    ]  # fmt: skip
    assert isinstance(error, bl.RejectedError)
    assert "Invalid Account ID" in str(error)


LIVE_SEQUENCES = [
    "stream_orders.EmitsFillQuantityOnFilledEventAfterStopLimitUpdateSubmittedFromTradeStation.ndjson",
    "stream_orders.EmitsFillQuantityOnFilledEventAfterUpdateSubmittedFromTradeStation.ndjson",
    "stream_orders.EmitsFilledEventForLimitOrderAfterLeanUpdateDrainsFillCarryingAckFromTradeStation.ndjson",
    "stream_orders.EmitsFilledEventForLimitOrderAfterMultipleUserEditsAndLeanUpdateFromTradeStation.ndjson",
    "stream_orders.EmitsFilledEventForLimitOrderWhenLeanUpdateCollidesWithFillFromTradeStation.ndjson",
    "stream_orders.EmitsFilledEventForStopMarketDirectFllFromTradeStation.ndjson",
    "stream_orders.EmitsFilledEventForStopMarketWithoutStpFrameFromTradeStation.ndjson",
    "stream_orders.HandlesStopLimitUserStopPriceEditAndStopTriggeredFillFromTradeStation.ndjson",
]


@pytest.mark.parametrize("name", LIVE_SEQUENCES)
async def test_simulator_sequences_report_each_fill_once(name: str) -> None:
    """Live frames after an empty snapshot: whichever frame first shows the execution carries
    the fill, the FLL reports the status, nothing is counted twice."""
    frames = objects(name)
    body = [frame({"StreamStatus": "EndSnapshot"}), *lines(name)]
    transport = _http.MockTransport(lambda request: streaming(body, hang=True))
    events, _ = await collect(
        transport, lambda s: TS.stream_orders(s, "SIM2784990M"), limit=len(frames)
    )
    fills = [e.fill for e in events if e.fill is not None]
    last = frames[-1]["Legs"][0]
    assert [(f.quantity, f.price) for f in fills] == [
        (Decimal(last["ExecQuantity"]), Decimal(last["ExecutionPrice"]))
    ]
    assert events[-1].order.status is bl.OrderStatus.FILLED
    assert sum(f.quantity for f in fills) == events[-1].order.filled_quantity


def _account_stream(
    streams: list[_http.Response], rest: list[dict[str, Any]]
) -> _http.MockTransport:
    """Stream connections in order (then a refusal that ends the test); REST answers in order."""

    def handler(request: _http.Request) -> _http.Response:
        if "/stream/" in request.url.path:
            return (
                streams.pop(0)
                if streams
                else json_reply(403, {"Error": "Forbidden", "Message": "test over"})
            )
        return json_reply(200, rest.pop(0))

    return _http.MockTransport(handler)


def _working(filled_frame: dict[str, Any]) -> dict[str, Any]:
    """The same order before its fill: acknowledged, nothing executed."""
    leg = {
        **filled_frame["Legs"][0],
        "ExecQuantity": "0",
        "QuantityRemaining": filled_frame["Legs"][0]["QuantityOrdered"],
    }
    leg.pop("ExecutionPrice", None)
    working = {
        **filled_frame,
        "Status": "ACK",
        "StatusDescription": "Received",
        "FilledPrice": "0",
        "Legs": [leg],
    }
    working.pop("ClosedDateTime", None)
    return working


async def test_reconnect_snapshot_recovers_a_fill_missed_while_the_stream_was_down() -> None:
    name = "stream_orders.ReconnectSnapshotRecoversFillMissedWhileStreamWasDown.ndjson"
    filled = objects(name)[0]
    transport = _account_stream(
        [
            streaming([frame(_working(filled)), frame({"StreamStatus": "EndSnapshot"})], drop=True),
            streaming(lines(name), drop=True),
        ],
        rest=[{"Orders": [filled], "Errors": []}],
    )
    events, error = await collect(transport, lambda s: TS.stream_orders(s, "SIM2784990M"))
    assert [(e.order.status, e.fill and (e.fill.quantity, e.fill.price)) for e in events] == [
        (bl.OrderStatus.OPEN, None),  # the first snapshot: state only
        (bl.OrderStatus.FILLED, (Decimal(1), Decimal("298.38"))),  # the replayed snapshot
    ]  # REST said the same again: nothing more
    assert isinstance(error, bl.AuthError)


async def test_reconnect_snapshot_does_not_double_count_a_recorded_partial_fill() -> None:
    name = "stream_orders.ReconnectSnapshotDoesNotDoubleCountAnAlreadyRecordedPartialFill.ndjson"
    partial = objects(name)[0]
    transport = _account_stream(
        [
            streaming([frame({"StreamStatus": "EndSnapshot"}), frame(partial)], drop=True),
            streaming(lines(name), drop=True),
        ],
        rest=[{"Orders": [partial], "Errors": []}],
    )
    events, _ = await collect(transport, lambda s: TS.stream_orders(s, "SIM2784990M"))
    fills = [e.fill for e in events if e.fill]
    assert [(f.quantity, f.price) for f in fills] == [(Decimal(1), Decimal("298.00"))]
    assert len(events) == 1


async def test_reconnect_snapshot_ignores_a_working_acknowledgement_and_rest_finds_the_dropped_fill() -> (
    None
):
    name = "stream_orders.ReconnectSnapshotIgnoresWorkingAcknowledgement.ndjson"
    ack = objects(name)[0]
    leg = {**ack["Legs"][0], "ExecQuantity": "1", "ExecutionPrice": "1", "QuantityRemaining": "0"}
    filled = {**ack, "Status": "FLL", "StatusDescription": "Filled", "FilledPrice": "1", "Legs": [leg],
              "ClosedDateTime": "2026-06-23T16:07:00Z"}  # fmt: skip
    transport = _account_stream(
        [
            streaming([frame({"StreamStatus": "EndSnapshot"}), frame(ack)], drop=True),
            streaming(lines(name), drop=True),  # the stream still shows ACK: the FLL was dropped
        ],
        rest=[{"Orders": [filled], "Errors": []}],
    )
    events, _ = await collect(transport, lambda s: TS.stream_orders(s, "SIM2784990M"))
    assert [(e.order.status, e.fill and e.fill.quantity) for e in events] == [
        (bl.OrderStatus.OPEN, None),  # live ACK; its replay in the snapshot adds nothing
        (bl.OrderStatus.FILLED, Decimal(1)),  # found over REST after the reconnect
    ]


async def test_documented_position_frames_deleted_and_error() -> None:
    transport = _http.MockTransport(
        lambda request: streaming(lines("stream_brokerage_accounts_positions.ndjson"))
    )
    events, error = await collect(transport, lambda s: TS.stream_positions(s, "123456782"))
    assert [(str(e.position.instrument), e.position.quantity) for e in events] == [
        ("MSFT", Decimal(10)),
        ("MSFT", Decimal(0)),
    ]
    assert isinstance(error, bl.RejectedError)


async def test_a_position_closed_while_disconnected_is_reported_after_the_snapshot() -> None:
    position = objects("stream_brokerage_accounts_positions.ndjson")[0]
    transport = _account_stream(
        [
            streaming([frame(position), frame({"StreamStatus": "EndSnapshot"})], drop=True),
            streaming([frame(position), frame({"StreamStatus": "EndSnapshot"})], drop=True),
            streaming([frame({"StreamStatus": "EndSnapshot"})], drop=True),
        ],
        rest=[],
    )
    events, _ = await collect(transport, lambda s: TS.stream_positions(s, "123456782"))
    assert [e.position.quantity for e in events] == [Decimal(10), Decimal(0)]


async def test_market_depth_and_option_chain_frames() -> None:
    transport = _http.MockTransport(
        lambda request: streaming(lines("stream_marketdata_marketdepth_aggregates.ndjson"))
    )
    depth, _ = await collect(
        transport, lambda s: TS.stream_market_depth(s, Equity("MSFT"), aggregated=True), limit=1
    )
    level = depth[0].bids[0]
    assert (level.price, level.size, level.order_count, level.participants) == (
        Decimal("123.45"),
        Decimal(9000),
        15,
        5,
    )
    transport = _http.MockTransport(
        lambda request: streaming(lines("stream_marketdata_options_chains.ndjson"))
    )
    chain, _ = await collect(
        transport, lambda s: TS.stream_option_chain(s, Equity("MSFT")), limit=1
    )
    spread = chain[0]
    assert spread.legs == ((instrument("MSFT  211217P00332500"), 1),)
    assert (spread.delta, spread.bid, spread.open_interest) == (
        Decimal("0.0497"),
        Decimal("-0.1"),
        1996,
    )


async def test_the_brokerage_goaway_shape_reopens_at_once() -> None:
    order = objects("stream_brokerage_accounts_orders.ndjson")[0]
    bodies = [
        [frame({"StreamStatus": "EndSnapshot"}), frame({"StreamStatus": "GoAway"})],
        [frame(order), frame({"StreamStatus": "EndSnapshot"})],
    ]
    transport = _http.MockTransport(lambda request: streaming(bodies.pop(0), hang=not bodies))
    events, error = await collect(transport, lambda s: TS.stream_orders(s, "123456782"), limit=1)
    assert error is None
    assert [e.order.id for e in events] == ["286234131"]
    assert bodies == []


async def test_a_fill_dropped_on_a_healthy_connection_is_found_by_the_periodic_read() -> None:
    from brokerlink_tradestation.account_streams import stream_orders

    name = "stream_orders.ReconnectSnapshotRecoversFillMissedWhileStreamWasDown.ndjson"
    filled = objects(name)[0]
    heartbeat = frame({"Heartbeat": 1, "Timestamp": "2026-06-23T16:06:05Z"})
    transport = _account_stream(
        [
            streaming(
                [frame({"StreamStatus": "EndSnapshot"}), frame(_working(filled)), heartbeat],
                hang=True,
            )
        ],
        rest=[{"Orders": [filled], "Errors": []}],
    )
    events, _ = await collect(
        transport,
        lambda s: stream_orders(
            s,
            TS.converter,
            TS._stream,
            TS.environment.base_url,
            "SIM2784990M",
            TS.check_response,
            reconcile_every=0.0,
        ),
        limit=2,
    )
    assert [(e.order.status, e.fill and e.fill.quantity) for e in events] == [
        (bl.OrderStatus.OPEN, None),
        (bl.OrderStatus.FILLED, Decimal(1)),  # the FLL frame never came; REST had it
    ]
