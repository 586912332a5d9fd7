"""What one ``brokerlink compare`` invocation produced: the runs, the profiles that could not run,
and where and when it happened.

A :class:`Comparison` is what every renderer reads (the terminal table, the HTML page, the JSON
file), so the three always show the same thing. It holds the kit's records as they are
(:class:`~brokerlink.testing.conformance.ProfileRun`); the side-by-side view is computed from it
by :func:`brokerlink.compare.matrix.build_matrix`.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

import attrs

from brokerlink._version import __version__
from brokerlink.models._common import utc
from brokerlink.testing.conformance.results import ProfileRun

__all__ = ["Comparison", "ScenarioInfo", "Unavailable", "environment_line"]


@attrs.frozen(kw_only=True)
class ScenarioInfo:
    """A scenario's number (``"CMP-004"``) and title, in the order the kit runs them."""

    number: str
    title: str


@attrs.frozen(kw_only=True)
class Unavailable:
    """A profile that could not run at all, and why (one line, with how to fix it)."""

    profile: str
    message: str


def _host() -> str:
    return platform.node() or "unknown host"


def _python() -> str:
    return f"Python {sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"


@attrs.frozen(kw_only=True)
class Comparison:
    """Every profile's run of the kit in one invocation, in the order the profiles were given.

    - ``profiles``: every profile asked for, including those in ``unavailable``.
    - ``scenarios``: the scenarios that were asked for, in kit order (the matrix's rows).
    - ``personality``: the emulator personality (``"sandbox"`` or ``"ideal"``).
    - ``replay``: True when the runs replayed cassettes instead of reaching anything.
    - ``generated_at``, ``host``, ``software``: when and where it ran, for the report's header.
    """

    profiles: tuple[str, ...]
    scenarios: tuple[ScenarioInfo, ...]
    runs: tuple[ProfileRun, ...] = ()
    unavailable: tuple[Unavailable, ...] = ()
    personality: str = "sandbox"
    replay: bool = False
    generated_at: datetime = attrs.field(factory=lambda: datetime.now(UTC), validator=utc)
    duration_ms: float = 0.0
    host: str = attrs.field(factory=_host)
    software: str = attrs.field(factory=lambda: f"brokerlink {__version__}, {_python()}")

    @classmethod
    def from_runs(
        cls,
        runs: Sequence[ProfileRun],
        *,
        unavailable: Sequence[Unavailable] = (),
        scenarios: Sequence[ScenarioInfo] | None = None,
        personality: str = "sandbox",
        replay: bool = False,
        duration_ms: float = 0.0,
    ) -> Comparison:
        """A comparison of ``runs`` (then the ``unavailable`` profiles), generated now; without
        ``scenarios`` the rows are every scenario any run has, in the order first seen."""
        if scenarios is None:
            seen: dict[str, str] = {}
            for run in runs:
                for result in run.results:
                    seen.setdefault(result.scenario, result.title)
            scenarios = [ScenarioInfo(number=n, title=t) for n, t in seen.items()]
        profiles = [run.profile for run in runs] + [u.profile for u in unavailable]
        return cls(
            profiles=tuple(profiles),
            scenarios=tuple(scenarios),
            runs=tuple(runs),
            unavailable=tuple(unavailable),
            personality=personality,
            replay=replay,
            duration_ms=duration_ms,
        )

    def run_for(self, profile: str) -> ProfileRun | None:
        """The run of ``profile``, or ``None`` when it could not run."""
        return next((run for run in self.runs if run.profile == profile), None)

    def unavailable_for(self, profile: str) -> Unavailable | None:
        """Why ``profile`` could not run, or ``None`` when it ran."""
        return next((u for u in self.unavailable if u.profile == profile), None)

    @property
    def mode(self) -> str:
        """How the runs reached their brokers: ``"replay"``, or the distinct run modes joined."""
        if self.replay:
            return "replay"
        modes = dict.fromkeys(run.mode for run in self.runs)
        return ", ".join(modes) or "none"


def environment_line(comparison: Comparison) -> str:
    """One line for a report header: when, where, how and with which personality it ran."""
    when = comparison.generated_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    seconds = comparison.duration_ms / 1000
    return (
        f"{when} on {comparison.host} ({comparison.software}); mode {comparison.mode}; "
        f"emulator personality {comparison.personality}; took {seconds:.1f} s"
    )
