"""TradeStation: ``sandbox`` is the SIM (refs/tradestation/NOTES.md §5 "Dropped frames" and §9
"SIM vs live"): its order stream loses fill frames while REST has every fill, and the emulator
declares SIM's capabilities."""

from __future__ import annotations

import asyncio

import pytest
from brokerlink_tradestation.capabilities import tradestation_capabilities

import brokerlink as bl
from brokerlink.capabilities import StreamKind
from brokerlink.enums import AssetClass, OrderStatus
from brokerlink.models import NewOrder


async def _fills_streamed_and_in_rest(personality: str) -> tuple[list[str], list[str]]:
    async with bl.connect_async(
        "tradestation:emulator", emulator_personality=personality
    ) as broker:
        streamed: list[str] = []

        async def collect() -> None:
            async for event in broker.stream_orders():
                if event.order.status is OrderStatus.FILLED:
                    streamed.append(event.order.id)

        task = asyncio.create_task(collect())
        await asyncio.sleep(0.2)  # the stream's snapshot is over
        for _ in range(4):
            await broker.place(NewOrder.market("AAPL", "buy", 1))
        await asyncio.sleep(0.5)
        task.cancel()
        rest = [o.id for o in await broker.orders(status="all") if o.status is OrderStatus.FILLED]
        return sorted(set(streamed)), sorted(rest)


async def test_ideal_streams_every_fill() -> None:
    streamed, rest = await _fills_streamed_and_in_rest("ideal")
    assert rest == ["1001", "1002", "1003", "1004"]
    assert streamed == rest


async def test_sandbox_stream_misses_every_second_fill_frame_while_rest_has_them() -> None:
    streamed, rest = await _fills_streamed_and_in_rest("sandbox")
    assert rest == ["1001", "1002", "1003", "1004"]
    assert streamed == ["1001", "1003"]


def test_sandbox_declares_what_sim_declares_still_as_emulator() -> None:
    with bl.connect("tradestation:emulator", emulator_personality="sandbox") as broker:
        caps = broker.capabilities
    sim = tradestation_capabilities("sim")
    assert caps.environment == "emulator"
    assert caps.features == sim.features
    assert caps.order_types == sim.order_types
    assert caps.streams == sim.streams
    assert not caps.streams[StreamKind.ORDERS].reliable
    assert set(sim.notes) <= set(caps.notes)
    # The engine prices no futures options: the one thing the emulator lacks in both.
    assert caps.asset_classes == sim.asset_classes - {AssetClass.FUTURE_OPTION}


def test_ideal_emulator_capabilities_are_unchanged() -> None:
    with bl.connect("tradestation:emulator") as broker:
        assert broker.capabilities == tradestation_capabilities("emulator")
    assert not any("SIM" in note for note in tradestation_capabilities("emulator").notes)


def test_a_future_option_order_is_refused_before_any_request_in_the_sandbox() -> None:
    from brokerlink.emulator.serving import servable_emulator
    from tests.personalities.conftest import counting

    transport = counting(servable_emulator("tradestation", personality="sandbox"))
    with bl.connect(
        "tradestation:emulator", transport=transport, emulator_personality="sandbox"
    ) as broker:
        before = len(transport.sent)
        with pytest.raises(bl.NotSupportedError, match="future_option"):
            broker.place(NewOrder.limit("./ESH25 EW3H25 250321C6000", "buy", 1, "10"))
        assert len(transport.sent) == before
