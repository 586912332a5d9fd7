"""Emulator engine plumbing: the event log, personality knobs, faults, clock, threads."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from brokerlink.emulator import (
    DropConnection,
    Engine,
    Faults,
    HttpError,
    Latency,
    Personality,
    SimClock,
    StreamGap,
    TokenExpired,
)
from brokerlink.enums import AssetClass, OrderStatus
from brokerlink.errors import SymbolNotFoundError
from brokerlink.models import NewOrder, OrderEvent, PositionEvent

ACCOUNT = "EMU00001"


def test_clock_only_moves_forward() -> None:
    clock = SimClock(datetime(2025, 1, 6, 9, 30, tzinfo=UTC))
    assert clock.advance(timedelta(minutes=1)) == datetime(2025, 1, 6, 9, 31, tzinfo=UTC)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="backwards"):
        clock.set(datetime(2025, 1, 6, tzinfo=UTC))
    with pytest.raises(ValueError, match="naive"):
        SimClock(datetime(2025, 1, 6))


def test_engine_time() -> None:
    engine = Engine()
    assert engine.now() == datetime(2025, 1, 6, 14, 30, tzinfo=UTC)
    assert engine.advance(timedelta(minutes=90)) == datetime(2025, 1, 6, 16, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="back in time"):
        engine.advance_to(datetime(2025, 1, 6, tzinfo=UTC))


def test_events_are_ordered_and_resumable() -> None:
    engine = Engine()
    engine.place(ACCOUNT, NewOrder.market("AAPL", "buy", 700))
    first, cursor = engine.events_since(0)
    assert [e.seq for e in first] == list(range(1, len(first) + 1))
    assert cursor == first[-1].seq
    kinds = [type(e.event) for e in first]
    assert kinds[:4] == [OrderEvent, OrderEvent, OrderEvent, PositionEvent]  # pending, open, fill
    engine.advance(timedelta(minutes=5))
    more, cursor2 = engine.events_since(cursor)
    assert more
    assert more[0].seq == cursor + 1
    assert cursor2 == more[-1].seq
    assert engine.events_since(cursor2) == ([], cursor2)
    times = [e.event.time for e in first + more]
    assert times == sorted(times)
    fills = [e for e in first + more if e.is_fill]
    positions = [
        e.event.position.quantity for e in first + more if isinstance(e.event, PositionEvent)
    ]
    assert positions == sorted(positions)
    assert positions[-1] == 700
    assert all(isinstance(f.event, OrderEvent) and f.event.fill is not None for f in fills)
    assert engine.events_since(0, account="EMU00002") == ([], cursor2)


def test_cancel_is_async() -> None:
    engine = Engine(personality=Personality(cancel_is_async=True))
    order = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 1, "150.00"))
    pending = engine.cancel(ACCOUNT, order.id)
    assert pending.status is OrderStatus.CANCEL_PENDING
    assert engine.cancel(ACCOUNT, order.id).status is OrderStatus.CANCEL_PENDING  # idempotent
    assert engine.orders(ACCOUNT)[0].status is OrderStatus.CANCEL_PENDING
    engine.advance(timedelta(seconds=1))
    assert engine.order(ACCOUNT, order.id).status is OrderStatus.CANCELED


def test_replace_keeps_id() -> None:
    engine = Engine(personality=Personality(replace_keeps_id=True))
    order = engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 10, "150.00"))
    changed = engine.replace(ACCOUNT, order.id, limit_price="151.00", time_in_force="gtc")
    assert changed.id == order.id
    assert changed.limit_price == 151
    assert changed.time_in_force.value == "gtc"
    assert changed.status is OrderStatus.OPEN
    assert len(engine.orders(ACCOUNT, status="all")) == 1


def test_drop_fill_event_every() -> None:
    engine = Engine(personality=Personality(drop_fill_event_every=2))
    for _ in range(4):
        engine.place(ACCOUNT, NewOrder.market("AAPL", "buy", 1))
    stream, cursor = engine.events_since(0)
    everything, same = engine.events_since(0, include_hidden=True)
    assert cursor == same
    assert sum(e.is_fill for e in everything) == 4
    assert sum(e.is_fill for e in stream) == 2  # the 2nd and 4th fills are dropped
    assert [e.seq for e in everything if e.hidden] == [e.seq for e in everything if e.is_fill][1::2]
    # Order state is unaffected.
    assert all(o.status is OrderStatus.FILLED for o in engine.orders(ACCOUNT, status="all"))
    assert sum(1 for e in stream if isinstance(e.event, PositionEvent)) == 4


def test_asset_classes_personality() -> None:
    engine = Engine(personality=Personality(asset_classes=frozenset({AssetClass.EQUITY})))
    assert engine.quote("AAPL").bid is not None
    with pytest.raises(SymbolNotFoundError):
        engine.quote("/ESH25")
    with pytest.raises(SymbolNotFoundError):
        engine.place(ACCOUNT, NewOrder.market("BTC/USD", "buy", 1))


def test_market_orders_may_queue_with_another_personality() -> None:
    engine = Engine(personality=Personality(reject_market_orders_outside_regular_hours=False))
    engine.advance_to(datetime(2025, 1, 7, 2, 0, tzinfo=UTC))
    order = engine.place(ACCOUNT, NewOrder.market("AAPL", "buy", 1))
    assert order.status is OrderStatus.OPEN
    engine.advance_to(datetime(2025, 1, 7, 14, 31, tzinfo=UTC))
    assert engine.order(ACCOUNT, order.id).status is OrderStatus.FILLED


def test_errors_name_the_broker() -> None:
    engine = Engine(personality=Personality(name="tradier"))
    with pytest.raises(SymbolNotFoundError) as info:
        engine.quote("NOSUCH")
    assert info.value.broker == "tradier"


def test_fault_plan_take_semantics() -> None:
    faults = Faults()
    assert faults.take("/anything") is None
    faults.add(HttpError(status=429, retry_after=2.0), match="/quotes", times=2)
    faults.add(StreamGap(events=3))
    faults.add(Latency(seconds=0.5))
    assert faults.take("/v1/accounts") == Latency(seconds=0.5)  # first applicable, in order
    assert faults.take("/v1/accounts") is None  # spent
    assert faults.take("/v1/markets/quotes") == HttpError(status=429, retry_after=2.0)
    assert faults.take("/v1/markets/quotes", streaming=True) == HttpError(
        status=429, retry_after=2.0
    )
    assert faults.take("/v1/markets/quotes") is None
    assert faults.take("/stream", streaming=True) == StreamGap(events=3)
    assert len(faults) == 0
    faults.add(TokenExpired(), times=None)
    faults.add(DropConnection())
    for _ in range(3):
        assert faults.take("/x") == TokenExpired()
    assert [p.fault for p in faults.pending()] == [TokenExpired(), DropConnection()]
    faults.clear()
    assert faults.take("/x") is None
    assert len(faults.taken()) == 7
    with pytest.raises(ValueError, match="times"):
        faults.add(DropConnection(), times=0)
    with pytest.raises(ValueError, match="status"):
        HttpError(status=200)


def test_fault_plan_is_thread_safe() -> None:
    faults = Faults()
    faults.add(HttpError(status=503), times=500)
    taken: list[object] = []

    def worker() -> None:
        for _ in range(200):
            fault = faults.take("/p")
            if fault is not None:
                taken.append(fault)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 500


def test_engine_is_usable_from_threads() -> None:
    engine = Engine()
    errors: list[BaseException] = []

    def trader() -> None:
        try:
            for _ in range(20):
                engine.place(ACCOUNT, NewOrder.limit("AAPL", "buy", 1, "150.00"))
                engine.quote("MSFT")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=trader) for _ in range(4)]
    for thread in threads:
        thread.start()
    engine.advance(timedelta(minutes=5))
    for thread in threads:
        thread.join()
    assert errors == []
    ids = [int(o.id) for o in engine.orders(ACCOUNT)]
    assert sorted(ids) == list(range(1001, 1081))


def test_every_connection_to_one_engine_sees_the_same_broker_front() -> None:
    """Broker-side state kept by a wire front (Tradier watchlists here) survives reconnecting."""
    import brokerlink as bl
    from brokerlink.emulator import Engine

    engine = Engine()
    with bl.connect("tradier:emulator", emulator=engine) as first:
        created = first.extension("tradier").create_watchlist("kept", ["AAPL"])
    with bl.connect("tradier:emulator", emulator=engine) as second:
        assert second.extension("tradier").watchlist(created.id).symbols == ("AAPL",)
    assert engine.attached("tradier.front", object) is engine.attached("tradier.front", object)
