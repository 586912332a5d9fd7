"""What a scenario is (:class:`Scenario`), what it needs (:class:`Requirements`), and the
:class:`ScenarioContext` it runs in, which measures and records what happens.

A scenario is a plain function of its context. It trades through the context's helpers
(``place``, ``cancel``, ``replace``, ``poll``) so that every status it sees, the time to the
broker's answer and to the first fill, and the fields the broker left empty are recorded the same
way in every scenario. It says what went wrong with :meth:`ScenarioContext.fail`; a scenario that
ends without a failure passed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

import attrs

from brokerlink.capabilities import Capabilities, Feature, StreamKind
from brokerlink.enums import AssetClass, GroupKind, OrderStatus, OrderType, TimeInForce
from brokerlink.errors import BrokerError
from brokerlink.testing.conformance.results import Outcome, ScenarioResult, StatusStep
from brokerlink.timeutil import utcnow

if TYPE_CHECKING:
    from brokerlink.broker.sync import Broker
    from brokerlink.models import Order
    from brokerlink.testing.conformance.waiting import Pacer

__all__ = ["Requirements", "Scenario", "ScenarioContext"]

_T = TypeVar("_T", bound=str)

_GROUP_NAMES = {GroupKind.OCO: "OCO", GroupKind.OTO: "OTO", GroupKind.BRACKET: "bracket"}


@attrs.frozen(kw_only=True)
class Requirements:
    """What a scenario needs from a profile's capabilities; anything missing means it is skipped
    as ``NOT_SUPPORTED`` before a single request."""

    features: frozenset[Feature] = frozenset()
    asset_classes: frozenset[AssetClass] = frozenset()
    order_types: frozenset[OrderType] = frozenset()
    time_in_force: tuple[tuple[AssetClass, TimeInForce], ...] = ()
    groups: frozenset[GroupKind] = frozenset()
    streams: frozenset[StreamKind] = frozenset()
    replace_fields: frozenset[str] = frozenset()
    legs: int = 1

    def missing(self, caps: Capabilities) -> list[str]:
        """What ``caps`` lacks, in words (``"OCO orders"``, ``"orders streaming"``); empty if none."""
        lacking = self.features - caps.features
        if StreamKind.QUOTES in caps.streams:
            # A broker without REST quotes (the tastytrade sandbox) still prices from its stream.
            lacking -= {Feature.QUOTES}
        gaps = [f"{f.value.replace('_', ' ')}" for f in _sorted(lacking)]
        gaps += [f"{a.value} orders" for a in _sorted(self.asset_classes - caps.asset_classes)]
        gaps += [f"{t.name} orders" for t in _sorted(self.order_types - caps.order_types)]
        for asset, tif in self.time_in_force:
            allowed = caps.time_in_force.get(asset)
            if allowed is not None and tif not in allowed:
                gaps.append(f"{tif.name} {asset.value} orders")
        gaps += [f"{_GROUP_NAMES[g]} orders" for g in _sorted(self.groups - caps.groups)]
        gaps += [f"{k.value} streaming" for k in _sorted(self.streams - set(caps.streams))]
        if self.replace_fields - caps.replace.fields:
            gaps.append("replacing " + ", ".join(sorted(self.replace_fields - caps.replace.fields)))
        if self.legs > caps.max_legs:
            gaps.append(f"{self.legs}-leg orders")
        return gaps


def _sorted(items: Iterable[_T]) -> list[_T]:
    return sorted(items, key=str)


@attrs.frozen(kw_only=True)
class Scenario:
    """One numbered conformance scenario: ``run`` does it in a :class:`ScenarioContext`."""

    number: str
    title: str
    requires: Requirements
    run: Callable[[ScenarioContext], None] = attrs.field(repr=False)
    client_prefix: str = ""
    """Prefix of the scenario's client ids (``"cmp001"``); every id it sends is derived from it,
    so a recording's request bodies are the same on replay."""


class ScenarioContext:
    """Where a scenario runs: the broker, the pacing of waits, and the record being built."""

    def __init__(self, scenario: Scenario, broker: Broker, pacer: Pacer, profile: str) -> None:
        self.scenario = scenario
        self.broker = broker
        self.pacer = pacer
        self.profile = profile
        self.started_at = utcnow()
        self._t0 = time.perf_counter()
        self.statuses: list[StatusStep] = []
        self._last: dict[tuple[str, str], str] = {}
        self._sent: dict[str, float] = {}
        self.ack_ms: float | None = None
        self.fill_ms: float | None = None
        self.error_class: str | None = None
        self.error_message: str | None = None
        self.empty_fields: list[str] = []
        self.notes: list[str] = []
        self.failures: list[str] = []
        self.tracked_orders: list[str] = []
        self.baselines: dict[str, Decimal] = {}
        self._ids = 0

    # -- identity and clocks ----------------------------------------------------------------
    def client_id(self, suffix: str) -> str:
        """A deterministic client id for this scenario (``cmp001a``)."""
        return f"{self.scenario.client_prefix}{suffix}"

    def ms(self) -> float:
        """Milliseconds since the scenario started (wall clock)."""
        return (time.perf_counter() - self._t0) * 1000.0

    # -- recording --------------------------------------------------------------------------
    def observe(self, order: Order, source: str = "rest") -> None:
        """Record ``order``'s status when it changed since the last sight from ``source``."""
        key = (order.id, source)
        status = order.status.value
        if self._last.get(key) != status:
            self._last[key] = status
            self.statuses.append(
                StatusStep(order_id=order.id, status=status, at_ms=self.ms(), source=source)
            )
        if order.status is OrderStatus.FILLED and self.fill_ms is None and order.id in self._sent:
            self.fill_ms = self.ms() - self._sent[order.id]
        self.check_order(order)

    def sent(self, order: Order, sent_at: float) -> None:
        """``order`` was answered for a request sent at ``sent_at`` (ms): the ack, and tracking."""
        ack = self.ms()
        if self.ack_ms is None:
            self.ack_ms = ack - sent_at
        self._sent.setdefault(order.id, sent_at)
        if order.id not in self.tracked_orders:
            self.tracked_orders.append(order.id)
        self.observe(order)

    def empty(self, model: str, obj: object, names: Iterable[str]) -> None:
        """Note each of ``names`` that ``obj`` holds as ``None`` or empty (``Order.updated_at``)."""
        for name in names:
            value = getattr(obj, name, None)
            label = f"{model}.{name}"
            if (value is None or value == "") and label not in self.empty_fields:
                self.empty_fields.append(label)

    def check_order(self, order: Order) -> None:
        """The order fields a reader expects filled, given its status."""
        self.empty("Order", order, ("updated_at", "client_id"))
        if order.status is OrderStatus.FILLED:
            self.empty("Order", order, ("average_fill_price",))

    def note(self, text: str) -> None:
        """An observation worth a line in the report."""
        if text not in self.notes:
            self.notes.append(text)

    def fail(self, detail: str) -> None:
        """The broker did not do what the scenario expects."""
        self.failures.append(detail)

    def error(self, exc: BaseException) -> None:
        """Record the class and message of an error the broker (or brokerlink) raised."""
        self.error_class = type(exc).__name__
        self.error_message = exc.message if isinstance(exc, BrokerError) else str(exc)

    def result(self, outcome: Outcome | None = None, detail: str = "") -> ScenarioResult:
        """The record of this run (``outcome`` defaults to PASSED unless something failed)."""
        if outcome is None:
            outcome = Outcome.FAILED if self.failures else Outcome.PASSED
            detail = "; ".join(self.failures)
        return ScenarioResult(
            scenario=self.scenario.number,
            title=self.scenario.title,
            profile=self.profile,
            outcome=outcome,
            detail=detail,
            statuses=tuple(self.statuses),
            ack_ms=self.ack_ms,
            fill_ms=self.fill_ms,
            error_class=self.error_class,
            error_message=self.error_message,
            empty_fields=tuple(self.empty_fields),
            notes=tuple(self.notes),
            started_at=self.started_at,
            duration_ms=self.ms(),
        )
