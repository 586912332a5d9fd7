"""Running the kit: :func:`run_kit` over a connected broker, :func:`run_profile` over a profile
(connected, recorded into a transcript, or replayed from one)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from brokerlink.errors import ConfigError
from brokerlink.testing.conformance import actions
from brokerlink.testing.conformance.catalog import SCENARIOS
from brokerlink.testing.conformance.results import Outcome, ProfileRun, ScenarioResult
from brokerlink.testing.conformance.scenario import Scenario, ScenarioContext
from brokerlink.testing.conformance.waiting import Pacer

if TYPE_CHECKING:
    from brokerlink.broker.sync import Broker
    from brokerlink.config import Profile
    from brokerlink.emulator import Engine
    from brokerlink.testing.sessions import Session

__all__ = ["DEFAULT_CASSETTE_DIR", "cassette_path", "run_kit", "run_profile", "select"]

DEFAULT_CASSETTE_DIR = Path("cassettes/conformance")
"""Where :func:`run_profile` keeps its transcripts unless told otherwise."""


def select(numbers: Sequence[str] | None) -> list[Scenario]:
    """The scenarios named by ``numbers`` (all, in order, for ``None``), in catalogue order;
    an unknown number is a :class:`ConfigError` listing the valid ones."""
    if numbers is None:
        return list(SCENARIOS.values())
    wanted = [number.strip().upper() for number in numbers]
    unknown = [number for number in wanted if number not in SCENARIOS]
    if unknown:
        raise ConfigError(
            f"unknown conformance scenario {', '.join(unknown)}",
            key="scenarios",
            fix=f"use some of {', '.join(SCENARIOS)}",
        )
    return [scenario for number, scenario in SCENARIOS.items() if number in wanted]


def run_kit(
    broker: Broker,
    *,
    profile: str,
    scenarios: Sequence[str] | None = None,
    engine: Engine | None = None,
    mode: str = "emulator",
    personality: str = "",
) -> ProfileRun:
    """Run the scenarios (all by default) on ``broker`` and return what each did.

    ``engine`` is the emulator behind the broker when it is not ``broker.emulator`` (a served
    emulator being recorded); ``mode`` is ``"emulator"``, ``"sandbox"`` or ``"replay"`` (then
    nothing waits, and an emulator's recording is replayed along the path it was recorded on).
    A scenario the capabilities exclude is ``NOT_SUPPORTED`` and sends nothing.
    """
    chosen = select(scenarios)
    caps = broker.capabilities
    engine = engine if engine is not None else broker.emulator
    emulated = engine is not None or caps.environment == "emulator"
    pacer = Pacer.for_session(engine, mode=mode, emulated=emulated)
    results = [_run_one(scenario, broker, pacer, profile) for scenario in chosen]
    return ProfileRun(
        profile=profile,
        broker=caps.adapter,
        environment=caps.environment,
        mode=mode,
        personality=personality,
        results=tuple(results),
    )


def _run_one(scenario: Scenario, broker: Broker, pacer: Pacer, profile: str) -> ScenarioResult:
    ctx = ScenarioContext(scenario, broker, pacer, profile)
    gaps = scenario.requires.missing(broker.capabilities)
    if gaps:
        detail = f"not supported by {broker.capabilities.where}: {', '.join(gaps)}"
        return ctx.result(Outcome.NOT_SUPPORTED, detail)
    outcome: Outcome | None = None
    detail = ""
    try:
        scenario.run(ctx)
    except Exception as exc:  # any surprise ends this scenario only, recorded as an ERROR
        ctx.error(exc)
        outcome, detail = Outcome.ERROR, f"{type(exc).__name__}: {exc}"
    try:
        actions.cleanup(ctx)
    except Exception as exc:  # the clean-up's own trouble is worth a note, not a lost result
        ctx.note(f"clean-up failed: {type(exc).__name__}: {exc}")
    return ctx.result(outcome, detail)


def cassette_path(profile: Profile, personality: str, cassette_dir: Path | None = None) -> Path:
    """``<dir>/<broker>-<environment>[-<personality>].stream.jsonl`` for ``profile``."""
    from brokerlink.testing.sessions import is_emulator

    suffix = f"-{personality}" if is_emulator(profile) and personality else ""
    name = f"{profile.broker}-{profile.environment}{suffix}.stream.jsonl"
    return (cassette_dir or DEFAULT_CASSETTE_DIR) / name


def run_profile(
    selector: str,
    *,
    scenarios: Sequence[str] | None = None,
    replay: bool = False,
    personality: str = "sandbox",
    cassette_dir: Path | None = None,
    record: bool = False,
) -> ProfileRun:
    """Run the kit on a profile: connected (an emulator in ``personality``, or a real sandbox
    with its credentials), recorded into its transcript (``record``), or replayed from it
    (``replay``, no credentials or network). Problems a user can fix are ConfigErrors."""
    from brokerlink.config import resolve_profile
    from brokerlink.testing.sessions import credentials_hint, has_credentials, is_emulator

    select(scenarios)  # unknown numbers fail before anything connects
    if replay and record:
        raise ConfigError(
            "a conformance run cannot record and replay at once",
            key="replay",
            fix="pass either record=True or replay=True",
        )
    profile = resolve_profile(selector)
    emulated = is_emulator(profile)
    overrides: dict[str, Any] = {"emulator_personality": personality} if emulated else {}
    shown = personality if emulated else ""
    if profile.is_live:
        raise ConfigError(
            f"the conformance kit refuses the live profile {profile.name!r}: it places orders",
            key="environment",
            fix=f"run it on '{profile.broker}:sandbox', a simulator or '{profile.broker}:emulator'",
        )
    if not (emulated or replay or has_credentials(profile)):
        raise ConfigError(
            f"the conformance kit needs the credentials of {profile.name!r}",
            key="access_token",
            fix=credentials_hint(profile),
        )
    path = cassette_path(profile, shown, cassette_dir)
    mode = "replay" if replay else ("emulator" if emulated else "sandbox")
    with _session(selector, path, overrides, replay=replay, record=record) as session:
        run = run_kit(
            session.broker, profile=profile.name, scenarios=scenarios, engine=session.engine,
            mode=mode, personality=shown,
        )  # fmt: skip
    # A replay's mismatches are known once its session closed.
    return attrs.evolve(run, mismatches=tuple(session.mismatches))


@contextlib.contextmanager
def _session(
    selector: str, path: Path, overrides: Mapping[str, Any], *, replay: bool, record: bool
) -> Iterator[Session]:
    import brokerlink as bl
    from brokerlink.testing.sessions import Session, recorded_session, replayed_session

    if replay:
        with replayed_session(selector, path, overrides=overrides) as session:
            yield session
    elif record:
        path.parent.mkdir(parents=True, exist_ok=True)
        with recorded_session(selector, path, overrides=overrides) as session:
            yield session
    else:
        with bl.connect(selector, **overrides) as broker:
            yield Session(broker, broker.emulator)
