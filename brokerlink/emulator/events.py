"""The engine's event log: every order and position change, in order, for the stream fronts.

Fronts poll :meth:`EventLog.since` with the cursor they last saw. The log keeps everything; the
*stream view* (what ``since`` returns by default) can hide some fill events to imitate a broker
whose stream drops them (``Personality.drop_fill_event_every``), while order state stays right.
"""

from __future__ import annotations

import attrs

from brokerlink.models.events import OrderEvent, PositionEvent

__all__ = ["EngineEvent", "EventLog"]


@attrs.frozen(kw_only=True)
class EngineEvent:
    """One entry of the log: ``seq`` (1, 2, ...), the account, and the model event.

    ``hidden`` is true for the fill events the personality drops from the stream view.
    """

    seq: int
    account: str = attrs.field(repr=False)
    event: OrderEvent | PositionEvent
    hidden: bool = False

    @property
    def is_fill(self) -> bool:
        """True for an order event that carries an execution."""
        return isinstance(self.event, OrderEvent) and self.event.fill is not None


class EventLog:
    """An append-only, ordered list of :class:`EngineEvent` (not locked: the engine locks)."""

    def __init__(self, drop_fill_every: int = 0) -> None:
        self._events: list[EngineEvent] = []
        self._drop_every = drop_fill_every
        self._fills = 0

    def append(self, account: str, event: OrderEvent | PositionEvent) -> EngineEvent:
        """Add an event; returns the stored entry with its sequence number."""
        hidden = False
        if isinstance(event, OrderEvent) and event.fill is not None:
            self._fills += 1
            hidden = self._drop_every > 0 and self._fills % self._drop_every == 0
        entry = EngineEvent(seq=len(self._events) + 1, account=account, event=event, hidden=hidden)
        self._events.append(entry)
        return entry

    def since(
        self, cursor: int, *, account: str | None = None, include_hidden: bool = False
    ) -> tuple[list[EngineEvent], int]:
        """Events after sequence number ``cursor`` and the new cursor (the last sequence number).

        ``account`` filters to one account; ``include_hidden`` shows dropped fill events too.
        The cursor always advances past hidden events, so a poller never sees them later.
        """
        start = max(cursor, 0)
        selected = [
            entry
            for entry in self._events[start:]
            if (include_hidden or not entry.hidden)
            and (account is None or entry.account == account)
        ]
        return selected, len(self._events)

    def __len__(self) -> int:
        return len(self._events)
