"""Run the conformance kit on several profiles and gather a :class:`Comparison`.

Everything a user can get wrong is checked before the first scenario runs, and raises
:class:`~brokerlink.errors.ConfigError` (a usage error): an empty profile list, a selector that
is not one, a profile name not in ``brokerlink.toml``, an adapter or environment that is not
installed, a live profile (the kit places orders), an unknown scenario number (the message
lists the valid ones). After that, a profile
that cannot run at all (missing credentials, an unreachable sandbox) is recorded as
:class:`Unavailable` with its one-line error, and the others still run.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import attrs

from brokerlink.compare.model import Comparison, ScenarioInfo, Unavailable
from brokerlink.config import resolve_profile
from brokerlink.errors import BrokerError, ConfigError
from brokerlink.registry import AdapterRegistry
from brokerlink.testing.conformance.results import ProfileRun

__all__ = [
    "CompareRequest",
    "RunProfile",
    "ScenarioLike",
    "check_profiles",
    "check_scenarios",
    "run_comparison",
    "split_list",
]


class ScenarioLike(Protocol):
    """What the runner reads of a kit scenario."""

    @property
    def number(self) -> str:
        """``"CMP-001"``."""

    @property
    def title(self) -> str:
        """What it checks, in a few words."""


class RunProfile(Protocol):
    """The kit's ``run_profile``: runs scenarios on one profile."""

    def __call__(
        self,
        selector: str,
        *,
        scenarios: Sequence[str] | None = None,
        replay: bool = False,
        personality: str = "sandbox",
        cassette_dir: Path | None = None,
        record: bool = False,
    ) -> ProfileRun:
        """One :class:`ProfileRun` for ``selector``."""


@attrs.frozen(kw_only=True)
class CompareRequest:
    """What to compare and how: ``scenarios=None`` is the whole kit."""

    profiles: tuple[str, ...]
    scenarios: tuple[str, ...] | None = None
    replay: bool = False
    record: bool = False
    personality: str = "sandbox"
    cassette_dir: Path | None = None


def split_list(text: str | None) -> list[str]:
    """``"a, b,,a"`` as ``["a", "b"]``: comma-separated, stripped, empties and repeats dropped."""
    if text is None:
        return []
    return list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


_BARE_NUMBER = re.compile(r"(?:CMP-?)?(\d{1,3})\Z")


def _normalize(number: str) -> str:
    # "cmp-4", "CMP4" and "4" all mean "CMP-004": the kit's numbers are zero-padded.
    match = _BARE_NUMBER.match(number.strip().upper())
    return f"CMP-{int(match[1]):03d}" if match else number.strip()


def check_scenarios(
    requested: Sequence[str] | None, catalogue: Mapping[str, ScenarioLike]
) -> tuple[ScenarioInfo, ...]:
    """The scenarios to run, in kit order; ``ConfigError`` listing the valid numbers when one of
    ``requested`` is not in ``catalogue``. ``None`` or empty is every scenario."""
    wanted = [_normalize(n) for n in requested or ()]
    unknown = [n for n in wanted if n not in catalogue]
    if unknown:
        raise ConfigError(
            f"unknown scenario {', '.join(repr(n) for n in unknown)}",
            key="--scenarios",
            fix=f"use numbers from the kit: {', '.join(catalogue)}",
        )
    chosen = set(wanted) if wanted else set(catalogue)
    return tuple(
        ScenarioInfo(number=number, title=scenario.title)
        for number, scenario in catalogue.items()
        if number in chosen
    )


def check_profiles(profiles: Sequence[str], registry: AdapterRegistry | None = None) -> None:
    """Raise ``ConfigError`` unless every profile resolves to an installed adapter environment.

    Only the selector, the config file and the installed adapters are read: credentials are
    checked when the profile runs, so one missing token does not stop the others.
    """
    if not profiles:
        raise ConfigError(
            "no profile to compare",
            key="--profiles",
            fix="pass one or more, e.g. --profiles tradier:emulator,tastytrade:emulator",
        )
    found = registry or AdapterRegistry()
    for selector in profiles:
        profile = resolve_profile(selector)
        found.environment(profile.broker, profile.environment)
        if profile.is_live:
            raise ConfigError(
                f"the conformance kit places orders; it refuses the live profile {selector!r}",
                key="--profiles",
                fix=f"compare '{profile.broker}:sandbox' or '{profile.broker}:emulator' instead",
            )


def run_comparison(
    request: CompareRequest,
    *,
    run: RunProfile,
    catalogue: Mapping[str, ScenarioLike],
    progress: Callable[[str], None] | None = None,
) -> Comparison:
    """Check ``request``, run the kit on each profile in turn, and gather the comparison.

    ``progress`` is told each profile before it runs (the CLI shows a spinner).
    """
    if request.replay and request.record:
        raise ConfigError(
            "--replay and --record cannot be used together",
            key="--record",
            fix="record once with --record (it reaches the brokers), then compare with --replay",
        )
    scenarios = check_scenarios(request.scenarios, catalogue)
    check_profiles(request.profiles)
    numbers = [scenario.number for scenario in scenarios]
    runs: list[ProfileRun] = []
    unavailable: list[Unavailable] = []
    names: list[str] = []  # the run's own profile name where it ran (the matrix looks it up)
    started = time.perf_counter()
    for selector in request.profiles:
        if progress is not None:
            progress(selector)
        try:
            done = run(
                selector,
                scenarios=numbers,
                replay=request.replay,
                personality=request.personality,
                cassette_dir=request.cassette_dir,
                record=request.record,
            )
        # One profile that cannot run (no token, sandbox down, no cassettes) must not hide the
        # others; its error is already one line saying what to do.
        except (BrokerError, OSError) as exc:
            message = " ".join((str(exc) or type(exc).__name__).split())
            unavailable.append(Unavailable(profile=selector, message=message))
            names.append(selector)
            continue
        runs.append(done)
        names.append(done.profile)
    return Comparison(
        profiles=tuple(names),
        scenarios=scenarios,
        runs=tuple(runs),
        unavailable=tuple(unavailable),
        personality=request.personality,
        replay=request.replay,
        duration_ms=(time.perf_counter() - started) * 1000,
    )
