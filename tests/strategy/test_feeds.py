"""The stream merger: one daemon reader per stream, lock-step with the runner, one queue."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from brokerlink.strategy.feeds import END, FeedItem, Merger


class Source:
    """A blocking iterator that records how far it has been read and whether it was closed."""

    def __init__(self, items: list[object], block_after: bool = False) -> None:
        self.items = items
        self.read = 0
        self.closed = False
        self.block_after = block_after
        self.release = threading.Event()

    def __iter__(self) -> Iterator[object]:
        try:
            for item in self.items:
                self.read += 1
                yield item
            if self.block_after:
                self.release.wait(5)
        finally:
            self.closed = True


def take(merger: Merger) -> FeedItem:
    item = merger.next(2.0)
    assert item is not None, "the feed delivered nothing within 2 s"
    return item


def test_a_reader_waits_for_its_item_to_be_handled_before_reading_on() -> None:
    source = Source([1, 2, 3])
    merger = Merger()
    merger.add("numbers", lambda: iter(source))
    merger.start()

    first = take(merger)
    time.sleep(0.05)  # room for a reader that would run ahead

    assert first.value == 1
    assert source.read == 1
    first.feed.handled()
    assert take(merger).value == 2
    merger.stop()


def test_every_item_then_the_end() -> None:
    merger = Merger()
    merger.add("numbers", lambda: iter([1, 2]))
    merger.start()

    values = []
    while True:
        item = take(merger)
        if item.value is END:
            break
        values.append(item.value)
        item.feed.handled()

    assert values == [1, 2]


def test_two_feeds_merge_into_one_queue() -> None:
    merger = Merger()
    merger.add("letters", lambda: iter(["a", "b"]))
    merger.add("numbers", lambda: iter([1, 2]))
    merger.start()

    seen: dict[str, list[object]] = {"letters": [], "numbers": []}
    ended = 0
    while ended < 2:
        item = take(merger)
        if item.value is END:
            ended += 1
            continue
        seen[item.feed.name].append(item.value)
        item.feed.handled()

    assert seen == {"letters": ["a", "b"], "numbers": [1, 2]}


def test_a_filter_drops_items_in_the_reader() -> None:
    merger = Merger()
    merger.add("evens", lambda: iter(range(6)), keep=lambda n: n % 2 == 0)
    merger.start()

    values = []
    while (item := take(merger)).value is not END:
        values.append(item.value)
        item.feed.handled()

    assert values == [0, 2, 4]


def test_a_stream_error_is_handed_over() -> None:
    def broken() -> Iterator[int]:
        yield 1
        raise ConnectionError("dropped")

    merger = Merger()
    merger.add("broken", broken)
    merger.start()

    take(merger).feed.handled()
    item = take(merger)

    assert isinstance(item.error, ConnectionError)


def test_an_open_failure_is_handed_over() -> None:
    def refuse() -> Iterator[int]:
        raise PermissionError("no")

    merger = Merger()
    merger.add("refused", refuse)
    merger.start()

    assert isinstance(take(merger).error, PermissionError)


def test_stop_closes_a_waiting_reader_and_leaves_a_blocked_one() -> None:
    waiting = Source([1, 2, 3])
    blocked = Source([], block_after=True)
    merger = Merger()
    merger.add("waiting", lambda: iter(waiting))
    merger.add("blocked", lambda: iter(blocked))
    merger.start()
    take(merger)  # "waiting" handed over 1 and waits for its turn
    time.sleep(0.05)

    started = time.monotonic()
    merger.stop()

    assert time.monotonic() - started < 1.0  # the blocked reader is not waited for
    assert waiting.closed
    assert waiting.read == 1
    assert not blocked.closed
    blocked.release.set()  # its stream moves on: the reader sees the stop and closes it
    merger.feeds[1].join(2.0)
    assert blocked.closed


@pytest.fixture(autouse=True)
def no_reader_left_behind() -> Iterator[None]:
    before = {t.name for t in threading.enumerate()}
    yield
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        left = {t.name for t in threading.enumerate()} - before
        if not any(name.startswith("brokerlink-feed") for name in left):
            return
        time.sleep(0.01)
    raise AssertionError(f"feed threads still running: {left}")
