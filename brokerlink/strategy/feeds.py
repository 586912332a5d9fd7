"""Several sync streams merged into one queue, each read by a daemon thread in lock-step.

``Broker.stream_*`` iterators block, so each subscribed stream is read in its own daemon thread
into one :class:`queue.Queue`; the runner takes events from it in arrival order and calls the
hooks on its own thread, one at a time.

Each reader waits, after handing over an event, until the runner has *handled* it before it
asks its stream for the next one. That matters on an emulator: its bar stream moves simulated
time forward as bars are read, so a reader running ahead would move the market past an order the
strategy is still deciding to place. Lock-step keeps the run exactly as deterministic as a plain
``for bar in broker.stream_bars(...)`` loop.

Stopping: a reader waiting for its turn sees the stop and closes its iterator itself (a
generator must be closed by the thread that runs it). A reader blocked inside its stream (an
order stream with nothing to say) is a daemon: it closes its iterator at its stream's next event,
or when the broker is closed, whichever comes first.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import attrs

__all__ = ["END", "Feed", "FeedItem", "Merger"]

END = object()
"""The value a feed hands over when its stream ended."""


@attrs.frozen
class FeedItem:
    """One thing from a feed: an event, :data:`END`, or the exception the stream raised."""

    feed: Feed
    value: object
    error: BaseException | None = None


class Feed:
    """One stream and the daemon thread reading it into the merger's queue."""

    def __init__(
        self,
        name: str,
        open_stream: Callable[[], Iterator[Any]],
        out: queue.Queue[FeedItem],
        keep: Callable[[Any], bool] | None = None,
    ) -> None:
        self.name = name
        self._open = open_stream
        self._keep = keep
        self._out = out
        self._turn = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._read, name=f"brokerlink-feed-{name}", daemon=True
        )
        self.ended = False
        """Set by the runner once the stream ended."""
        self._in_stream = False

    def start(self) -> None:
        """Start reading."""
        self._thread.start()

    def handled(self) -> None:
        """The runner is done with this feed's last item: the reader may fetch the next."""
        self._turn.set()

    def stop(self) -> None:
        """Ask the reader to close its stream (now if it waits for its turn, else at its next event)."""
        self._stopping.set()
        self._turn.set()

    def join(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the reader to finish; True if it did."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def in_stream(self) -> bool:
        """True while the reader waits inside its stream for the next event."""
        return self._in_stream

    def _read(self) -> None:
        try:
            stream = self._open()
        except BaseException as exc:  # handed to the runner, which raises it on its thread
            self._out.put(FeedItem(self, None, exc))
            return
        try:
            while not self._stopping.is_set():
                self._in_stream = True
                try:
                    event = next(stream)
                except StopIteration:
                    self._out.put(FeedItem(self, END))
                    return
                finally:
                    self._in_stream = False
                if self._stopping.is_set():
                    return
                if self._keep is not None and not self._keep(event):
                    continue  # filtered out here, without a round trip through the runner
                self._turn.clear()
                self._out.put(FeedItem(self, event))
                self._turn.wait()
        except BaseException as exc:
            if not self._stopping.is_set():
                self._out.put(FeedItem(self, None, exc))
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                # A stream failing to close must not hide the run's result.
                with contextlib.suppress(Exception):
                    close()


class Merger:
    """The feeds of one run and the queue they share."""

    def __init__(self) -> None:
        self.queue: queue.Queue[FeedItem] = queue.Queue()
        self.feeds: list[Feed] = []

    def add(
        self,
        name: str,
        open_stream: Callable[[], Iterator[Any]],
        keep: Callable[[Any], bool] | None = None,
    ) -> Feed:
        """Add a feed (started by :meth:`start`); ``keep`` filters its events in the reader."""
        feed = Feed(name, open_stream, self.queue, keep)
        self.feeds.append(feed)
        return feed

    def start(self) -> None:
        """Start every feed's reader."""
        for feed in self.feeds:
            feed.start()

    def next(self, timeout: float) -> FeedItem | None:
        """The next item, or ``None`` after ``timeout`` seconds without one."""
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self, wait: float = 5.0) -> None:
        """Stop every feed, and wait (up to ``wait`` s each) for the readers that were waiting
        for their turn: they close their streams at once. Readers inside a stream are left to
        close at its next event (or when the broker closes)."""
        for feed in self.feeds:
            feed.stop()
        deadline = time.monotonic() + wait
        for feed in self.feeds:
            while not feed.join(0.01) and not feed.in_stream and time.monotonic() < deadline:
                pass
