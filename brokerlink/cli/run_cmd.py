"""``brokerlink run FILE --profile SEL``: run a strategy file on a broker, an emulator or a replay.

The file defines one :class:`~brokerlink.Strategy` subclass (``--strategy NAME`` picks one of
several); ``-p name=value`` overrides its parameters. ``--record`` keeps the whole session (REST
and streams) in ``<cassettes>/<file stem>-<broker>-<environment>.stream.jsonl``; ``--replay``
plays it back offline, with no credentials and no network, and fails if the run asked for
anything the recording does not hold. Next to the transcript, ``.run.json`` keeps the time the
run started, so ``ctx.now`` (and the run's client ids) are the same in the replay.

Exit codes: 0 when the strategy ran; 1 on a broker error, a replay mismatch, or when the broker
lacks something the strategy requires (one line: ``not supported by tradier emulator: futures
...``); 2 on usage and configuration errors.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer
from rich.text import Text

from brokerlink.cli.options import PROFILE_ENV_VAR, AccountOption, open_broker
from brokerlink.cli.output import err_console, print_error
from brokerlink.cli.run_view import print_run
from brokerlink.errors import ConfigError
from brokerlink.strategy import RunClock, load_strategy, run_strategy
from brokerlink.strategy.base import parse_assignments
from brokerlink.timeutil import utcnow

if TYPE_CHECKING:
    from brokerlink.broker.sync import Broker
    from brokerlink.strategy import StrategyRun

__all__ = ["DEFAULT_CASSETTES", "cassette_path", "register", "run"]

DEFAULT_CASSETTES = Path("cassettes") / "runs"
"""Where ``--record`` and ``--replay`` keep sessions unless ``--cassettes`` says otherwise."""


def cassette_path(directory: Path, strategy_file: Path, selector: str) -> Path:
    """``<directory>/<file stem>-<broker>-<environment>.stream.jsonl`` for ``selector``."""
    from brokerlink.config import resolve_profile

    profile = resolve_profile(selector)
    return directory / f"{strategy_file.stem}-{profile.broker}-{profile.environment}.stream.jsonl"


def _meta_path(cassette: Path) -> Path:
    return cassette.with_name(cassette.name.removesuffix(".stream.jsonl") + ".run.json")


def _recorded_start(cassette: Path) -> datetime | None:
    meta = _meta_path(cassette)
    if not meta.is_file():
        return None
    return datetime.fromisoformat(orjson.loads(meta.read_bytes())["started_at"])


@contextlib.contextmanager
def _broker_for(
    ctx: typer.Context, selector: str, account: str | None, mode: str, cassette: Path
) -> Iterator[tuple[Broker, RunClock | None, list[str]]]:
    """The broker to run on, the clock to use (``None``: the default) and the replay's
    mismatch list (filled when a replay closes)."""
    from brokerlink.testing.sessions import recorded_session, replayed_session

    overrides = {"account": account} if account else {}
    if mode == "record":
        with recorded_session(selector, cassette, overrides=overrides) as session:
            # The clock a replay can rebuild: the start, then the events. (An emulator served on
            # a port pushes bars as fast as the socket takes them, so its own clock runs ahead
            # of what the strategy has read.)
            engine = session.engine
            start = engine.now() if engine is not None else utcnow()
            yield session.broker, RunClock(start=start), []
    elif mode == "replay":
        # session.mismatches is filled in place when the replay closes.
        with replayed_session(selector, cassette, overrides=overrides) as session:
            yield session.broker, RunClock(start=_recorded_start(cassette)), session.mismatches
    else:
        with open_broker(ctx, selector, account) as broker:
            yield broker, None, []


def run(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A Python file defining a brokerlink.Strategy.")],
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            envvar=PROFILE_ENV_VAR,
            help="Selector ('tradier:emulator', 'tastytrade:sandbox') or a profile name.",
        ),
    ] = "paper:emulator",
    params: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Override a strategy parameter: -p fast=5 (repeat)."),
    ] = None,
    strategy_name: Annotated[
        str | None,
        typer.Option("--strategy", help="The Strategy class, when the file has several."),
    ] = None,
    record: Annotated[
        bool, typer.Option("--record", help="Save the session for --replay.")
    ] = False,
    replay: Annotated[
        bool, typer.Option("--replay", help="Replay the saved session offline.")
    ] = False,
    cassettes: Annotated[
        Path, typer.Option("--cassettes", help="Where recorded sessions are kept.")
    ] = DEFAULT_CASSETTES,
    max_bars: Annotated[
        int | None, typer.Option("--max-bars", min=1, help="Stop after N completed bars.")
    ] = None,
    account: AccountOption = None,
) -> None:
    """Run a strategy file on any broker: live on a sandbox, on an emulator, or replayed."""
    if record and replay:
        raise ConfigError("--record and --replay exclude each other", key="--replay")
    strategy_type = load_strategy(file, strategy_name)
    strategy = strategy_type(**parse_assignments(params or [], strategy_type.parameters()))
    mode = "record" if record else "replay" if replay else "live"
    cassette = cassette_path(cassettes, file, profile)
    console = err_console()

    def show(line: str) -> None:
        console.print(Text(line, style="dim"), soft_wrap=True)

    with _broker_for(ctx, profile, account, mode, cassette) as (broker, clock, mismatches):
        result = run_strategy(
            strategy, broker, account=account, max_bars=max_bars, clock=clock, on_log=show
        )
    if mode == "record":
        meta = {"started_at": result.started_at.isoformat(), "strategy": result.strategy}
        _meta_path(cassette).write_bytes(orjson.dumps(meta))
    _finish(result, mode, cassette, mismatches)


def _finish(result: StrategyRun, mode: str, cassette: Path, mismatches: list[str]) -> None:
    if result.not_supported is not None:
        # One line, the broker's refusal itself: "not supported by tradier emulator: futures ..."
        line = " ".join(result.not_supported.split())
        err_console().print(Text(line, style="red"), soft_wrap=True)
        raise typer.Exit(1)
    print_run(result, cassette if mode != "live" else None)
    if mismatches:
        shown = "; ".join(mismatches[:3]) + (" ..." if len(mismatches) > 3 else "")
        print_error(f"the replay asked for what {cassette} does not hold: {shown}")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the command to ``app``."""
    app.command(name="run")(run)
