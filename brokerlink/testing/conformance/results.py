"""What a conformance run records: one :class:`ScenarioResult` per scenario and profile.

These records are the contract between the kit (which runs scenarios against a broker) and its
readers (``brokerlink compare``: the terminal table, the HTML page and the JSON file). They hold
observations, not verdicts about which broker is "right": the point of the kit is to show how the
sandboxes differ. Every time is aware UTC; latencies are wall-clock milliseconds measured by the
kit on the client side.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from brokerlink.models._common import utc

__all__ = [
    "Outcome",
    "ProfileRun",
    "ScenarioResult",
    "StatusStep",
]


class Outcome(enum.StrEnum):
    """How a scenario ended on one profile."""

    PASSED = "passed"
    """Everything the scenario expects happened."""
    FAILED = "failed"
    """The broker behaved differently from what the scenario expects (see ``detail``)."""
    NOT_SUPPORTED = "not_supported"
    """The profile's capabilities exclude what the scenario needs; nothing was sent."""
    ERROR = "error"
    """The scenario could not run to the end (an unexpected exception; see ``error_*``)."""


@attrs.frozen(kw_only=True)
class StatusStep:
    """One order status the kit saw, when, and where it saw it (``"rest"`` or ``"stream"``)."""

    order_id: str
    status: str
    at_ms: float
    """Milliseconds since the scenario started."""
    source: str = "rest"


@attrs.frozen(kw_only=True)
class ScenarioResult:
    """What one scenario did on one profile.

    - ``scenario``: its number (``"CMP-001"``); ``title``: what it checks, in a few words.
    - ``statuses``: every order status observed, in order (REST answers and stream events).
    - ``ack_ms``: from sending the order to the broker's answer; ``fill_ms``: from sending to the
      first sight of a fill. ``None`` where the scenario has no such step or it never happened.
    - ``error_class``/``error_message``: the brokerlink error a rejection raised (the class name,
      ``"InvalidOrderError"``), for the scenarios that expect one, and for unexpected ones.
    - ``empty_fields``: model fields the broker left empty that a reader may expect filled
      (``"Order.average_fill_price"``, ``"Quote.bid_size"``).
    - ``notes``: other observations worth a line in the report (``"fill frame missing from the
      order stream; reconciled by REST"``).
    """

    scenario: str
    title: str
    profile: str
    outcome: Outcome
    detail: str = ""
    statuses: tuple[StatusStep, ...] = ()
    ack_ms: float | None = None
    fill_ms: float | None = None
    error_class: str | None = None
    error_message: str | None = None
    empty_fields: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    started_at: datetime = attrs.field(validator=utc)
    duration_ms: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping (times as ISO 8601 text, the outcome as its value)."""
        data = attrs.asdict(self, recurse=True)
        data["outcome"] = self.outcome.value
        data["started_at"] = self.started_at.isoformat()
        return data


@attrs.frozen(kw_only=True)
class ProfileRun:
    """Every scenario's result on one profile, with where the run happened.

    ``broker`` and ``environment`` name the adapter and environment (``"tradier"``,
    ``"emulator"``); ``mode`` is ``"emulator"``, ``"sandbox"`` (real, with credentials) or
    ``"replay"`` (from cassettes); ``personality`` is the emulator personality used (``"sandbox"``
    or ``"ideal"``; empty for a real broker); ``mismatches`` what a replay asked for that its
    transcript does not hold.
    """

    profile: str
    broker: str
    environment: str
    mode: str
    personality: str = ""
    results: tuple[ScenarioResult, ...] = ()
    mismatches: tuple[str, ...] = ()
    """For a replay: what the kit asked that the transcript does not hold (empty when the
    replay followed the recording exactly)."""

    def by_scenario(self) -> Mapping[str, ScenarioResult]:
        """The results keyed by scenario number."""
        return {result.scenario: result for result in self.results}

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping of the run."""
        return {
            "profile": self.profile,
            "broker": self.broker,
            "environment": self.environment,
            "mode": self.mode,
            "personality": self.personality,
            "results": [result.to_json() for result in self.results],
            "mismatches": list(self.mismatches),
        }
