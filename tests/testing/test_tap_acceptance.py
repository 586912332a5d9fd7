"""The client-side tap, end to end: every adapter recorded against its SERVED emulator with a fake
token (REST and each stream it has), then replayed in-process with the server stopped and the
network blocked; the replay must give exactly the recorded events. Recording twice must give the
same bytes (REST cassettes) or the same transcript up to its timing fields."""

from __future__ import annotations

import asyncio
import socket
from itertools import islice
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest
import vcr

import brokerlink as bl
from brokerlink.testing import Scrubber, replay_broker, vcr_config
from brokerlink.testing.recording import TranscriptSession

ADAPTERS = ["paper", "tradestation", "tradier", "tastytrade"]
# What each adapter's streams are on the wire (refs/<broker>/NOTES.md).
WEBSOCKETS = {"paper": False, "tradestation": False, "tradier": True, "tastytrade": True}


async def _order_events(session: TranscriptSession) -> list[Any]:
    async with session.connect_async() as broker:
        stream = broker.stream_orders()

        async def until_filled() -> list[Any]:
            events = []
            async for event in stream:
                events.append(event)
                if event.order.status is bl.OrderStatus.FILLED:
                    break
            return events

        reader = asyncio.ensure_future(until_filled())
        await asyncio.sleep(0.3)
        placed = await broker.place(bl.NewOrder.market("SPY", bl.BUY, 1, client_id="taporder1"))
        events = await asyncio.wait_for(reader, 15)
        await stream.aclose()
    assert {e.order.id for e in events} == {placed.id}
    return events


def _events(events: list[Any]) -> list[dict[str, Any]]:
    # ``received_at`` is this machine's clock when the event arrived: the one field a replay
    # cannot (and must not) reproduce.
    return [attrs.asdict(e, filter=lambda a, _v: a.name != "received_at") for e in events]


def _scenario(session: TranscriptSession) -> dict[str, Any]:
    """REST, an order filled while the order stream is open, bars and quotes.

    The served emulator's clock moves as its streams are read, and a server reads a little ahead
    of a client that leaves: what comes after a stream would depend on that, so the open-ended
    streams come last and the fill first."""
    orders = _events(asyncio.run(_order_events(session)))
    # TradeStation's order frames carry no event time: the adapter stamps them on arrival.
    seen: dict[str, Any] = {"order events": [{**e, "time": None} for e in orders]}
    with session.connect() as broker:
        seen["accounts"] = broker.accounts()
        seen["quotes"] = broker.quotes(["AAPL", "SPY"])
        seen["bar events"] = _events(list(islice(broker.stream_bars("SPY", "1min"), 2)))
    # One sync stream per broker: the sync facade ends its loop with an abandoned stream.
    with session.connect() as broker:
        seen["quote events"] = _events(list(islice(broker.stream_quotes(["AAPL", "SPY"]), 6)))
    assert len(seen["quote events"]) == 6
    assert seen["order events"][-1]["order"]["status"] is bl.OrderStatus.FILLED
    assert len(seen["bar events"]) == 2
    return seen


def _record(adapter: str, path: Path) -> tuple[dict[str, Any], str]:
    session = TranscriptSession(adapter, path, record=True, served=True)
    assert session.base_url is not None
    assert session.base_url.startswith("http://127.0.0.1:")
    seen = _scenario(session)
    assert session.finish() == []
    return seen, session.base_url


def _untimed(path: Path) -> list[Any]:
    """The transcript without its timing fields (entry start, frame and message times)."""
    entries = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    for entry in entries:
        entry.pop("t", None)
        if "frames" in entry:
            entry["frames"] = [text for _at, text in entry["frames"]]
        if "events" in entry:
            entry["events"] = [event[1:] for event in entry["events"]]
    return entries


def _exchange(entry: dict[str, Any]) -> tuple[Any, ...]:
    sent = [e for e in entry.get("events", []) if e[0] == "recv"]
    return (entry["kind"], entry.get("method"), entry.get("path"), entry.get("query"), len(sent))


def _refused(base_url: str) -> bool:
    port = int(base_url.split(":")[2].split("/")[0])
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_a_served_recording_replays_the_same_events_with_nothing_running(
    adapter: str, tmp_path: Path
) -> None:
    first, base_url = _record(adapter, tmp_path / "first.stream.jsonl")
    _again, _ = _record(adapter, tmp_path / "again.stream.jsonl")
    assert _refused(base_url), "the served emulator must be stopped before the replay"

    # With the recorded timing, so the order stream waits for the placement as it did.
    replay = TranscriptSession(adapter, tmp_path / "first.stream.jsonl", record=False, timing=True)
    assert _scenario(replay) == first
    assert replay.finish() == []

    entries = _untimed(tmp_path / "first.stream.jsonl")
    kinds = {e["kind"] for e in entries}
    assert ("ws" in kinds) is WEBSOCKETS[adapter]
    assert "http" in kinds
    # Recorded twice: the same exchanges, and the same replies wherever the emulator's clock has
    # not moved (every REST reply before the first open-ended stream).
    again = _untimed(tmp_path / "again.stream.jsonl")
    assert [_exchange(e) for e in entries] == [_exchange(e) for e in again]
    text = (tmp_path / "first.stream.jsonl").read_text()
    assert base_url.split("/")[2] not in text, "the loopback port must be normalised"


def _rest_scenario(broker: bl.Broker) -> None:
    broker.accounts()
    broker.balances()
    broker.quotes(["AAPL", "SPY"])
    order = broker.place(bl.NewOrder.limit("AAPL", bl.BUY, 2, "1.00", client_id="tapcas1"))
    broker.cancel(order.id)
    broker.orders()


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_rest_cassettes_recorded_twice_are_byte_identical(adapter: str, tmp_path: Path) -> None:
    recorder = vcr.VCR(**vcr_config(Scrubber()))
    paths = [tmp_path / "one.yaml", tmp_path / "two.yaml"]
    for path in paths:
        with (
            recorder.use_cassette(str(path), record_mode="all"),
            replay_broker(adapter, record=True) as broker,
        ):
            _rest_scenario(broker)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert b"cassette-fake-token" not in paths[0].read_bytes()


def test_timings_are_rounded_to_the_documented_resolution(tmp_path: Path) -> None:
    from brokerlink.testing.journal import TIMING_RESOLUTION

    _record("paper", tmp_path / "p.stream.jsonl")
    times = []
    for line in (tmp_path / "p.stream.jsonl").read_bytes().splitlines()[1:]:
        entry = orjson.loads(line)
        times.append(entry["t"])
        times += [at for at, _text in entry.get("frames", [])]
    assert times
    for at in times:
        assert abs(at / TIMING_RESOLUTION - round(at / TIMING_RESOLUTION)) < 1e-6
    # Relative to the session's start, never the wall clock.
    assert all(0 <= at < 60 for at in times)
