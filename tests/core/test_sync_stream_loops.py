"""The sync facade's streams (``StreamPortal``): each stream on a loop of its own, so one
stream's close cannot stop the loop the next stream or a blocking call needs, and ``close()``
stops streams whose iterators were dropped without being closed."""

from __future__ import annotations

import threading
from itertools import islice

import brokerlink as bl


def test_streams_read_one_after_another_on_one_broker() -> None:
    # tastytrade's DxLink socket left a cancellation behind when a stream was closed early,
    # which stopped the one shared loop: the second stream never started.
    with bl.connect("tastytrade:emulator") as broker:
        first = list(islice(broker.stream_quotes(["SPY"]), 2))
        second = list(islice(broker.stream_quotes(["AAPL"]), 2))
        assert broker.accounts()  # blocking calls still run
    assert {str(e.quote.instrument) for e in first} == {"SPY"}
    assert {str(e.quote.instrument) for e in second} == {"AAPL"}


def test_close_stops_a_stream_whose_iterator_was_dropped_open() -> None:
    broker = bl.connect("paper:emulator")
    events = broker.stream_quotes(["SPY"])
    assert next(events).quote.bid is not None  # started, then left suspended (not closed)
    done = threading.Event()
    closing = threading.Thread(target=lambda: (broker.close(), done.set()))
    closing.start()
    assert done.wait(15), "close() waited for a stream nobody reads"
    assert list(events) == []  # the stream of a closed broker ends, it does not hang
