"""Watching the order stream from a sync scenario: :class:`OrderStreamWatch`.

The sync facade's stream iterators block until an event comes, so a helper thread iterates
``broker.stream_orders()`` into a queue and the scenario takes events from it. The scenario never
waits on the clock to decide that the stream has said all it will: it cancels a *marker* order
(a limit far from the market) after the orders it cares about, and reads until the marker's
cancel arrives. A stream delivers events in order, so everything before the marker has been seen
by then (or was lost). The thread stops by itself once the marker's final event passed, and
closes the stream. The time limit on a read is only a safety net for a stream that died.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from brokerlink.enums import OrderStatus

if TYPE_CHECKING:
    from brokerlink.broker.live import EventStream
    from brokerlink.broker.sync import Broker
    from brokerlink.models import OrderEvent

__all__ = ["OrderStreamWatch"]

SAFETY_SECONDS = 5.0
"""How long a read waits before the stream is declared dead (never hit by a live stream)."""
GRACE_SECONDS = 1.0
"""After the marker's cancel, how long events still missing may take: a stream that
reconciles after a reconnect sends its catch-up as one batch, in the broker's order."""


class OrderStreamWatch:
    """The order stream of ``broker``'s default account, read in a helper thread."""

    def __init__(self, broker: Broker) -> None:
        self._broker = broker
        self._queue: queue.Queue[OrderEvent | BaseException | None] = queue.Queue()
        self._stop_after: set[str] = set()
        self._expected: dict[str, OrderStatus] = {}
        self._lock = threading.Lock()
        self.events: list[OrderEvent] = []
        self.problem: BaseException | None = None

    def start(self) -> OrderStreamWatch:
        """Open the stream, read it in the helper thread, and return ``self`` once the broker
        accepted it (or after :data:`SAFETY_SECONDS`): the scenario's first order comes after."""
        stream = self._broker.stream_orders()
        thread = threading.Thread(
            target=self._pump, args=(stream,), name="conformance-orders", daemon=True
        )
        thread.start()
        stream.wait_live(SAFETY_SECONDS)  # a failed stream reports its error through the queue
        return self

    def stop_after(self, order_id: str) -> None:
        """Stop reading once ``order_id`` was reported in a final state (the marker)."""
        with self._lock:
            self._stop_after.add(order_id)

    def expect(self, order_id: str, status: OrderStatus) -> None:
        """The stream should report ``order_id`` as ``status`` before it is done."""
        with self._lock:
            self._expected[order_id] = status

    def complete(self, events: list[OrderEvent]) -> bool:
        """Whether every expected state is among ``events``."""
        with self._lock:
            wanted = set(self._expected.items())
        return wanted <= {(e.order.id, e.order.status) for e in events}

    def _ends(self, event: OrderEvent, seen: list[OrderEvent]) -> bool:
        with self._lock:
            marker = any(e.order.id in self._stop_after and e.order.status.is_final for e in seen)
        return marker and self.complete(seen)

    def _pump(self, stream: EventStream[OrderEvent]) -> None:
        seen: list[OrderEvent] = []
        try:
            for event in stream:
                seen.append(event)
                self._queue.put(event)
                if self._ends(event, seen):
                    break
        except Exception as exc:  # handed to the scenario, which records it
            self._queue.put(exc)
        finally:
            with contextlib.suppress(Exception):
                stream.close()
            self._queue.put(None)

    def until(
        self, done: Callable[[OrderEvent], bool], *, wait: float = SAFETY_SECONDS
    ) -> list[OrderEvent] | None:
        """Read events until one satisfies ``done``; the events read, or ``None`` when the
        stream ended, failed (see :attr:`problem`) or went silent for ``wait`` seconds."""
        taken: list[OrderEvent] = []
        while True:
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                return None
            if item is None or isinstance(item, BaseException):
                self.problem = item
                self._queue.put(item)  # later reads end at once too
                return None
            taken.append(item)
            self.events.append(item)
            if done(item):
                return taken

    def finish(self, marker_id: str) -> bool:
        """Read up to the marker's final event, then whatever expected state is still missing
        within the grace period; False when the marker's final event never came."""
        if self.until(self.final_of(marker_id)) is None:
            return False
        if not self.complete(self.events):
            self.until(lambda _event: self.complete(self.events), wait=GRACE_SECONDS)
        return True

    def final_of(self, order_id: str) -> Callable[[OrderEvent], bool]:
        """A ``done`` for :meth:`until`: ``order_id`` reported canceled (or otherwise final)."""

        def done(event: OrderEvent) -> bool:
            return event.order.id == order_id and (
                event.order.status is OrderStatus.CANCELED or event.order.status.is_final
            )

        return done
