"""Deterministic waiting: how the kit lets time pass between polls, and polling an order.

A replay answers requests from a transcript in the order they were recorded, so the kit must ask
exactly the same questions when replaying as when recording. Waiting therefore never decides
anything on the wall clock: a poll loop stops on the broker's answers or after a fixed number of
polls, whatever the mode. Only the pause between polls differs:

- ``engine``: an emulator engine in this process; the pause advances its simulated clock by a
  fixed step (working orders trade minute by minute);
- ``sleep``: a real sandbox; the pause sleeps a fixed number of seconds;
- ``replay``: a transcript; the pause does nothing (the answers are already recorded).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from brokerlink.enums import OrderStatus

if TYPE_CHECKING:
    from brokerlink.emulator import Engine
    from brokerlink.models import Order
    from brokerlink.testing.conformance.scenario import ScenarioContext

__all__ = ["FILL_POLLS", "STATE_POLLS", "STOP_POLLS", "Pacer", "poll_order"]

FILL_POLLS = 30
"""Polls an order gets to fill (marketable orders; a sandbox may take a while)."""
STATE_POLLS = 15
"""Polls an order gets to reach a state it should reach promptly (working, canceled)."""
STOP_POLLS = 120
"""Polls a resting stop gets to trigger (two simulated hours at one minute a poll)."""


@attrs.define
class Pacer:
    """How time passes between polls (see the module docstring).

    ``simulated`` is true when the session runs (or ran, for a replay) on an emulator, so the
    scenarios take the same path, with engine-only steps (faults), on record and replay alike.
    """

    mode: str
    engine: Engine | None = None
    simulated: bool = False
    step: timedelta = timedelta(minutes=1)
    sleep_seconds: float = 2.0
    settle_seconds: float = 0.5

    @classmethod
    def for_session(cls, engine: Engine | None, *, mode: str, emulated: bool) -> Pacer:
        """The pacer for a run: ``mode`` ``"replay"`` never waits; an engine is advanced."""
        if mode == "replay":
            return cls("replay", None, simulated=emulated)
        if engine is not None:
            return cls("engine", engine, simulated=True)
        return cls("sleep", None, simulated=False)

    def pause(self) -> None:
        """Let one step of time pass."""
        if self.engine is not None:
            self.engine.advance(self.step)
        elif self.mode == "sleep":
            time.sleep(self.sleep_seconds)

    def settle(self) -> None:
        """Give a freshly opened stream a moment to subscribe (no wait on replay: the recorded
        stream is served whole as soon as it opens)."""
        if self.mode != "replay":
            time.sleep(self.settle_seconds)


def poll_order(
    ctx: ScenarioContext,
    order: Order,
    done: Callable[[Order], bool],
    *,
    polls: int = FILL_POLLS,
    record: bool = True,
) -> Order:
    """Poll ``order`` by REST until ``done(order)`` or ``polls`` polls were made; the last answer.

    ``order`` itself is checked first, so an order already done costs no request. ``record``
    False polls without recording the statuses (the clean-up's own orders).
    """
    current = order
    for _ in range(polls):
        if done(current):
            return current
        ctx.pacer.pause()
        current = ctx.broker.order(current.id)
        if record:
            ctx.observe(current)
    return current


def is_filled(order: Order) -> bool:
    """Done when filled, or when it can no longer fill (canceled, rejected, ...)."""
    return order.status is OrderStatus.FILLED or order.status.is_final


def is_working(order: Order) -> bool:
    """Done once the order works at the broker (open, or no longer pending either way)."""
    return order.status is not OrderStatus.PENDING


def is_final(order: Order) -> bool:
    """Done once the order can no longer change."""
    return order.status.is_final
