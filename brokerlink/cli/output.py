"""How the CLI writes: rich tables for people, JSON and CSV for programs, one red line per error.

Colours and progress bars follow the terminal: when the output is not a TTY (a pipe, a file, a
test runner) rich drops the colours by itself, progress bars are not drawn, and
:func:`is_interactive` tells ``place`` there is nobody to ask for confirmation. Numbers are
written from their ``Decimal`` exactly: formatting never goes through ``float``.
"""

from __future__ import annotations

import csv
import functools
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, TextIO

import cattrs
import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from brokerlink.money import decimal_places
from brokerlink.redact import mask_account
from brokerlink.wire import make_converter

__all__ = [
    "Cell",
    "Column",
    "cell_text",
    "err_console",
    "is_interactive",
    "iso",
    "money",
    "out_console",
    "print_error",
    "print_table",
    "quantity",
    "to_data",
    "write_csv",
    "write_json",
]

Cell = str | Decimal | int | datetime | Enum | Text | None
"""What a table cell may hold; :func:`cell_text` renders each kind."""

Column = tuple[str, str]
"""A table column: its header and its justification (``"left"`` or ``"right"``)."""

# Piped output has no terminal width; rich would assume 80 columns and wrap wide tables, which
# breaks `grep` and `cut`. A generous fixed width keeps every row on one line.
_PIPE_WIDTH = 200


def _width() -> int | None:
    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        return None
    return _PIPE_WIDTH


# markup=False: text from brokers and users ("[paper] ...", a path with brackets) is printed as
# it is, never read as rich markup; styles are applied with Text objects instead.


def out_console() -> Console:
    """A console on the current stdout (made per call: tests swap ``sys.stdout``)."""
    return Console(file=sys.stdout, width=_width(), highlight=False, markup=False)


def err_console() -> Console:
    """A console on the current stderr, for errors, warnings and progress."""
    return Console(file=sys.stderr, width=_width(), highlight=False, markup=False)


def is_interactive() -> bool:
    """True when a person is at the terminal: stdin and stdout are both TTYs."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def money(value: Decimal | None) -> str:
    """An amount with thousands separators and at least 2 decimals, never rounded.

    ``money(Decimal("1234.5")) == "1,234.50"``; ``money(Decimal("0.0125")) == "0.0125"``. The
    ``Decimal`` format is exact, so no digit the broker sent is lost.
    """
    if value is None:
        return "-"
    places = max(2, decimal_places(value))
    return format(value, f",.{places}f")


def quantity(value: Decimal | None) -> str:
    """A quantity without exponent or trailing zeros: ``10``, ``0.5``, ``-3``."""
    if value is None:
        return "-"
    return format(value, f",.{decimal_places(value)}f")


def iso(value: datetime) -> str:
    """ISO 8601 with a ``Z`` for UTC, as the JSON output writes it: ``2025-01-06T14:30:00Z``."""
    return value.isoformat().replace("+00:00", "Z")


def cell_text(value: Cell) -> str | Text:
    """Render one cell: ``None`` as ``-``, enums by value, datetimes ISO 8601, Decimals exactly."""
    if value is None:
        return "-"
    if isinstance(value, Text | str):
        return value
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, Decimal):
        return quantity(value)
    return str(value)


def print_table(
    title: str | None,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Cell]],
    *,
    empty: str = "nothing to show",
    console: Console | None = None,
) -> None:
    """Print a rich table (on stdout unless ``console`` says otherwise), or the ``empty`` line
    when there are no rows."""
    # A key/value table (every header empty) reads better without a header row.
    show_header = any(header for header, _ in columns)
    table = Table(title=title, title_justify="left", header_style="bold", show_header=show_header)
    for header, justify in columns:
        # fold, not the default ellipsis: on a narrow terminal a price wraps onto a second line
        # instead of losing digits ("59…").
        table.add_column(header, justify="right" if justify == "right" else "left", overflow="fold")
    count = 0
    for row in rows:
        table.add_row(*(cell_text(cell) for cell in row))
        count += 1
    console = console or out_console()
    if count:
        console.print(table)
    else:
        console.print(f"{title}: {empty}" if title else empty)


def print_error(message: str) -> None:
    """Print ``error: <message>`` in red on stderr, on one line whatever the message holds."""
    line = " ".join(str(message).split())
    text = Text("error: ", style="bold red")
    text.append(line, style="red")
    err_console().print(text, soft_wrap=True)


@functools.cache
def _converter() -> cattrs.Converter:
    return make_converter()


def to_data(value: object) -> Any:
    """``value`` (models, lists, dicts of them) as JSON-ready data, with account numbers masked.

    The core converter writes Decimals as exact text, datetimes as ISO 8601 UTC and instruments
    as their canonical text, and leaves out each model's ``raw`` broker payload.
    """
    return _mask(_converter().unstructure(value))


def _mask(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            key: mask_account(item) if key == "account" and isinstance(item, str) else _mask(item)
            for key, item in data.items()
        }
    if isinstance(data, list):
        return [_mask(item) for item in data]
    return data


def _plain(value: Any) -> Any:
    # Decimal as exact text without exponent ("1E+2" is "100"): a float would round it.
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, set | frozenset):  # sorted, so the output is stable from run to run
        return sorted(value, key=str)
    return value


def _json_default(value: Any) -> Any:
    plain = _plain(value)
    if plain is value:
        raise TypeError(f"cannot write a {type(value).__name__} as JSON")
    return plain


@contextmanager
def _destination(target: str) -> Iterator[TextIO]:
    """``-`` is stdout (left open); anything else a file, opened for writing and closed after."""
    if target == "-":
        yield sys.stdout
        return
    with Path(target).open("w", encoding="utf-8", newline="") as stream:
        yield stream


def write_json(data: object, destination: str = "-") -> None:
    """Write ``data`` (already unstructured: dicts, lists, Decimals, datetimes) as indented JSON."""
    text = orjson.dumps(
        data, default=_json_default, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
    ).decode()
    with _destination(destination) as stream:
        stream.write(text + "\n")


def write_csv(
    header: Sequence[str], rows: Iterable[Sequence[object]], destination: str = "-"
) -> None:
    """Write a CSV with ``header``; Decimals as exact text, datetimes in ISO 8601."""
    with _destination(destination) as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_plain(value) for value in row] for row in rows)
