"""``quote`` and ``bars``: market data, as tables, CSV or JSON.

``bars`` over a long range downloads in chunks (a day at a time for intraday timeframes, a year
at a time for daily and longer) so that a progress bar can move; the broker facade pages within
each chunk. The bar is drawn on stderr, only when stderr is a terminal, so ``--csv -`` output stays
clean when piped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from brokerlink.broker.sync import Broker
from brokerlink.cli.options import DEFAULT_PROFILE, JsonFlag, ProfileOption, open_broker, parse_when
from brokerlink.cli.output import err_console, out_console, to_data, write_csv, write_json
from brokerlink.cli.views import BAR_COLUMNS, print_bars, print_quotes
from brokerlink.models import Bar
from brokerlink.timeframes import Timeframe

__all__ = ["bars", "download_bars", "plan_chunks", "quote", "register"]

_DAY = timedelta(days=1)
_YEAR = timedelta(days=365)


def quote(
    ctx: typer.Context,
    symbols: Annotated[list[str], typer.Argument(help="One or more symbols: AAPL, /ESZ24, ...")],
    profile: ProfileOption = DEFAULT_PROFILE,
    json: JsonFlag = False,
) -> None:
    """Latest bid, ask and last trade for each symbol."""
    with open_broker(ctx, profile) as broker:
        quotes = broker.quotes(symbols)
    if json:
        write_json(to_data(quotes))
    else:
        print_quotes(list(quotes.values()))


def plan_chunks(
    frame: Timeframe, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Split ``[start, end)`` into download chunks: UTC days for intraday bars, else years.

    Day chunks end on midnight UTC, so each request covers whole sessions after the first.
    """
    chunks = []
    cursor = start
    while cursor < end:
        if frame.is_intraday:
            boundary = cursor.replace(hour=0, minute=0, second=0, microsecond=0) + _DAY
        else:
            boundary = cursor + _YEAR
        stop = min(boundary, end)
        chunks.append((cursor, stop))
        cursor = stop
    return chunks


def download_bars(
    broker: Broker,
    symbol: str,
    frame: Timeframe,
    chunks: list[tuple[datetime, datetime]],
    advance: Callable[[], None] = lambda: None,
) -> list[Bar]:
    """Fetch each chunk in turn, calling ``advance`` after each; bars come back oldest first.

    A bar on a chunk boundary may come back from both requests (brokers differ on whether the
    end is inclusive), so only bars later than the last one kept are added.
    """
    collected: list[Bar] = []
    for start, end in chunks:
        for bar in broker.bars(symbol, frame, start=start, end=end):
            if not collected or bar.time > collected[-1].time:
                collected.append(bar)
        advance()
    return collected


def bars(
    ctx: typer.Context,
    symbol: Annotated[str, typer.Argument(help="The symbol: AAPL, /ESZ24, ...")],
    timeframe: Annotated[
        str, typer.Option("--timeframe", "-t", help="1min, 5min, 15min, 1h, 1d, 1w, 1mo, ...")
    ] = "1min",
    start: Annotated[
        str | None, typer.Option(help="First bar time, ISO 8601 (UTC unless a zone is given).")
    ] = None,
    end: Annotated[
        str | None, typer.Option(help="End of the range, ISO 8601 (UTC unless a zone is given).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many bars.")] = None,
    csv_to: Annotated[
        str | None,
        typer.Option("--csv", metavar="FILE|-", help="Write CSV to FILE, or - for stdout."),
    ] = None,
    json_to: Annotated[
        str | None,
        typer.Option("--json", metavar="FILE|-", help="Write JSON to FILE, or - for stdout."),
    ] = None,
    profile: ProfileOption = DEFAULT_PROFILE,
) -> None:
    """Download bar history; long ranges show a progress bar on a terminal."""
    if csv_to == "-" and json_to == "-":
        raise typer.BadParameter(
            "only one of --csv and --json can write to stdout", param_hint="--csv/--json"
        )
    frame = Timeframe.parse(timeframe)
    first, last = parse_when(start, "--start"), parse_when(end, "--end")
    if first is not None and last is not None and first >= last:
        raise typer.BadParameter(f"--start ({start}) must be before --end ({end})")
    with open_broker(ctx, profile) as broker:
        if first is not None and last is not None and limit is None:
            chunks = plan_chunks(frame, first, last)
            found = _with_progress(broker, symbol, frame, chunks)
        else:
            # With --limit (or an open-ended range) the broker decides which bars the limit
            # keeps; one call, paged by the facade, keeps that meaning intact.
            found = broker.bars(symbol, frame, start=first, end=last, limit=limit)
    if csv_to is not None:
        write_csv(
            BAR_COLUMNS,
            ([b.time, b.open, b.high, b.low, b.close, b.volume] for b in found),
            csv_to,
        )
    if json_to is not None:
        write_json(to_data(found), json_to)
    for destination in (csv_to, json_to):
        if destination not in (None, "-"):
            out_console().print(f"wrote {len(found)} bars to {destination}")
    if csv_to is None and json_to is None:
        print_bars(symbol, str(frame), found)


def _with_progress(
    broker: Broker, symbol: str, frame: Timeframe, chunks: list[tuple[datetime, datetime]]
) -> list[Bar]:
    console = err_console()
    if len(chunks) < 2 or not console.is_terminal:
        return download_bars(broker, symbol, frame, chunks)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        unit = "days" if frame.is_intraday else "years"
        task = progress.add_task(f"{symbol} {frame} ({unit})", total=len(chunks))
        return download_bars(broker, symbol, frame, chunks, lambda: progress.advance(task))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command()(quote)
    app.command()(bars)
