"""The runtime's resilience rules, through the real drivers, with faults injected by the engine.

Reads are retried (honouring ``Retry-After``), placements are never resent, a lost placement
answer ends in a lookup by client id, and a call the capabilities exclude is refused before any
request reaches the broker.
"""

from __future__ import annotations

import time

import attrs
import pytest

import brokerlink as bl
from brokerlink.broker.connect import connect, connect_async
from brokerlink.capabilities import Capabilities, StreamKind
from brokerlink.emulator import DropConnection, Engine, HttpError, Latency, TokenExpired
from brokerlink.errors import (
    AmbiguousOrderError,
    NotSupportedError,
    RateLimitedError,
    UnauthorizedError,
)
from brokerlink.models import NewOrder, OrderGroup
from brokerlink.paper import PaperAdapter
from brokerlink.registry import AdapterRegistry

from .conftest import ACCOUNT, Either, Recording

# -- reads are retried -------------------------------------------------------------------------


async def test_a_429_read_is_retried_after_retry_after(
    either: Either, engine: Engine, recording: Recording
) -> None:
    engine.faults.add(HttpError(status=429, retry_after=0.2), match="/positions")
    started = time.monotonic()
    assert await either.positions() == []
    assert time.monotonic() - started >= 0.2
    assert len(recording.sent("GET", "/positions")) == 2


async def test_a_503_read_is_retried_with_backoff(
    either: Either, engine: Engine, recording: Recording
) -> None:
    engine.faults.add(HttpError(status=503), times=2, match="/quotes")
    started = time.monotonic()
    quotes = await either.quotes("AAPL")
    assert "AAPL" in quotes
    assert time.monotonic() - started >= 0.2 + 0.4  # 0.25s then 0.5s, less 20% jitter
    assert len(recording.sent("GET", "/quotes")) == 3


async def test_a_read_gives_up_after_the_retry_budget(
    either: Either, engine: Engine, recording: Recording
) -> None:
    engine.faults.add(HttpError(status=429, retry_after=0.01), times=None, match="/balance")
    with pytest.raises(RateLimitedError):
        await either.balances()
    assert len(recording.sent("GET", "/balance")) == 4  # the first try and three retries


async def test_latency_only_delays(either: Either, engine: Engine) -> None:
    engine.faults.add(Latency(seconds=0.05), match="/accounts")
    started = time.monotonic()
    assert len(await either.accounts()) == 2
    assert time.monotonic() - started >= 0.05


async def test_an_expired_token_is_unauthorized_and_not_retried(
    either: Either, engine: Engine, recording: Recording
) -> None:
    engine.faults.add(TokenExpired(), match="/accounts")
    with pytest.raises(UnauthorizedError):
        await either.accounts()
    assert len(recording.sent("GET", "/accounts")) == 1


# -- placements are never resent ---------------------------------------------------------------


async def test_a_placement_is_never_resent_after_a_503(
    either: Either, engine: Engine, recording: Recording
) -> None:
    engine.faults.add(HttpError(status=503), match="/orders")
    new = NewOrder.market("AAPL", bl.BUY, 10)
    with pytest.raises(AmbiguousOrderError, match="found no such order") as info:
        await either.place(new)
    assert info.value.client_id == new.client_id
    assert len(recording.sent("POST", "/orders")) == 1
    lookups = recording.sent("GET", "client_id=")
    assert len(lookups) == 1
    assert lookups[0].url.params["client_id"] == new.client_id
    assert engine.orders(ACCOUNT, "all") == []  # the 503 came before the broker acted


async def test_a_placement_is_never_retried_on_429(
    either: Either, engine: Engine, recording: Recording
) -> None:
    engine.faults.add(HttpError(status=429, retry_after=0.01), match="/orders")
    with pytest.raises(RateLimitedError):
        await either.place(NewOrder.market("AAPL", bl.BUY, 10))
    assert len(recording.sent("POST", "/orders")) == 1


async def test_a_lost_placement_answer_ends_in_a_lookup_by_client_id(
    either: Either, engine: Engine, recording: Recording
) -> None:
    engine.faults.add(DropConnection(), match="/orders")
    new = NewOrder.market("AAPL", bl.BUY, 10)
    order = await either.place(new)
    assert order.client_id == new.client_id
    assert order.status is bl.OrderStatus.FILLED
    assert [o.id for o in engine.orders(ACCOUNT, "all")] == [order.id]  # placed exactly once
    assert len(recording.sent("POST", "/orders")) == 1
    assert len(recording.sent("GET", "client_id=")) == 1


async def test_a_lost_group_answer_finds_every_member(
    either: Either, engine: Engine, recording: Recording
) -> None:
    engine.faults.add(DropConnection(), match="/order_groups")
    group = OrderGroup.bracket(
        NewOrder.limit("SPY", bl.BUY, 10, "500"), take_profit="700", stop_loss="450"
    )
    placed = await either.place(group)
    assert [o.client_id for o in placed] == [o.client_id for o in group.orders]
    assert len(recording.sent("POST", "/order_groups")) == 1
    assert len(engine.orders(ACCOUNT, "all")) == 3


# -- capabilities refuse before any request ----------------------------------------------------


class LimitedPaper(PaperAdapter):
    """paper without groups, replace of quantity, or quote streaming: for refusal tests."""

    name = "limited"

    def capabilities(self) -> Capabilities:
        full = super().capabilities()
        streams = {kind: s for kind, s in full.streams.items() if kind is not StreamKind.QUOTES}
        replace = attrs.evolve(full.replace, fields=frozenset({"limit_price"}))
        return attrs.evolve(
            full, adapter=self.name, groups=frozenset(), streams=streams, replace=replace
        )


def limited_registry() -> AdapterRegistry:
    registry = AdapterRegistry(discover=list)
    registry.register(LimitedPaper)
    return registry


def test_refusals_come_before_any_request(recording: Recording) -> None:
    with connect(
        "limited:emulator", transport=recording, registry=limited_registry(), account=ACCOUNT
    ) as broker:
        group = OrderGroup.oco(
            NewOrder.limit("AAPL", bl.SELL, 1, "300"), NewOrder.stop("AAPL", bl.SELL, 1, "100")
        )
        with pytest.raises(
            NotSupportedError, match="OCO order groups are not supported by limited emulator"
        ):
            broker.place(group)
        with pytest.raises(NotSupportedError, match="replace cannot change quantity"):
            broker.replace("1001", quantity=5)
        with pytest.raises(NotSupportedError, match="quotes streaming"):
            broker.stream_quotes("AAPL")
        with pytest.raises(NotSupportedError, match="tick bars are not supported"):
            broker.bars("AAPL", "tick")
    assert recording.requests == []


async def test_async_refusals_come_before_any_request(recording: Recording) -> None:
    registry = limited_registry()
    async with connect_async(
        "limited:emulator", transport=recording, registry=registry, account=ACCOUNT
    ) as broker:
        with pytest.raises(NotSupportedError, match="2min bars are not supported"):
            await broker.bars("AAPL", "2min")
        with pytest.raises(NotSupportedError, match="BRACKET order groups"):
            await broker.place(
                OrderGroup.bracket(
                    NewOrder.limit("SPY", bl.BUY, 1, "500"), take_profit="700", stop_loss="450"
                )
            )
        with pytest.raises(NotSupportedError, match="quotes streaming"):
            broker.stream_quotes("AAPL")
    assert recording.requests == []
