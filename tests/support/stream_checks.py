"""Checks shared by the stream tests: events taken until a condition holds, which reader
generators are still open, and what a served emulator logged at ERROR.

The reader check walks the garbage collector's objects for async generators started and not
finished in the modules named, so a test can tell that closing a stream closed the whole chain
under it (and not merely the outermost generator).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import types
from collections.abc import AsyncIterator, Callable, Collection, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest

from brokerlink.models import QuoteEvent

__all__ = ["error_messages", "open_readers", "quote_symbols", "server_logs", "take_until"]

T = TypeVar("T")


async def take_until(
    stream: AsyncIterator[T], done: Callable[[list[T]], bool], timeout: float = 5.0
) -> list[T]:
    """Events of ``stream`` until ``done(events so far)``, within ``timeout`` seconds."""
    taken: list[T] = []
    async with asyncio.timeout(timeout):
        while not done(taken):
            taken.append(await anext(stream))
    return taken


def quote_symbols(events: list[QuoteEvent]) -> set[str]:
    """The canonical symbols the quote events are about."""
    return {str(e.quote.instrument) for e in events}


def open_readers(files: Collection[str]) -> list[str]:
    """The async generators defined in ``files`` that were started and have not finished."""
    gc.collect()
    return [
        g.ag_code.co_qualname
        for g in gc.get_objects()
        if isinstance(g, types.AsyncGeneratorType)
        and g.ag_frame is not None
        and g.ag_code.co_filename in files
    ]


@contextmanager
def server_logs(caplog: pytest.LogCaptureFixture, level: int = logging.WARNING) -> Iterator[None]:
    """Capture, at ``level`` and above, what asyncio and the emulator's uvicorn server log.

    uvicorn's loggers do not propagate to the root logger, where ``caplog`` listens, so the
    handler goes on the "uvicorn" logger as well. Enter this after ``serve()``: starting a server
    configures uvicorn's logging, which drops the handlers its loggers had.
    """
    server_log = logging.getLogger("uvicorn")
    server_log.addHandler(caplog.handler)
    try:
        with caplog.at_level(level):
            yield
    finally:
        server_log.removeHandler(caplog.handler)


def error_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The messages ``caplog`` recorded at ERROR or above, from any logger."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
