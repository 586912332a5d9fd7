"""Fault injection for the emulator (DESIGN §9).

The engine only *stores* the plan; the transport and the wire fronts consume it. Before serving a
request they call :meth:`Faults.take` with the request path and act on the fault it returns:

=====================  ==========================================================================
fault                  what the consumer does
=====================  ==========================================================================
:class:`Latency`       waits ``seconds`` (simulated or real, the consumer's choice) then serves
:class:`HttpError`     answers ``status`` (429 or 5xx) with ``Retry-After`` when given
:class:`DropConnection` raises a network error instead of answering (mid-stream: closes it)
:class:`StreamGap`     the stream silently skips the next ``events`` events (streams only)
:class:`TokenExpired`  answers 401 as if the access token had expired
=====================  ==========================================================================

Faults are matched in the order they were added, so a plan is deterministic; each entry fires
``times`` times and is then spent.
"""

from __future__ import annotations

import threading

import attrs

__all__ = [
    "DropConnection",
    "Fault",
    "Faults",
    "HttpError",
    "Latency",
    "PlannedFault",
    "StreamGap",
    "TokenExpired",
]


@attrs.frozen(kw_only=True)
class Latency:
    """Delay the response by ``seconds``."""

    seconds: float = attrs.field(validator=attrs.validators.ge(0.0))


@attrs.frozen(kw_only=True)
class HttpError:
    """Answer with an HTTP error status (429 or a 5xx); ``retry_after`` in seconds when set."""

    status: int = attrs.field(
        validator=attrs.validators.and_(attrs.validators.ge(400), attrs.validators.le(599))
    )
    retry_after: float | None = None


@attrs.frozen(kw_only=True)
class DropConnection:
    """Drop the connection: the transport raises a network error (a stream is cut)."""


@attrs.frozen(kw_only=True)
class StreamGap:
    """A stream skips the next ``events`` events, as a lossy broker stream would."""

    events: int = attrs.field(default=1, validator=attrs.validators.ge(1))


@attrs.frozen(kw_only=True)
class TokenExpired:
    """The next request is answered 401, as if the access token had expired."""


Fault = Latency | HttpError | DropConnection | StreamGap | TokenExpired
"""Any one of the fault types."""


@attrs.define(kw_only=True)
class PlannedFault:
    """One entry of the plan: the fault, how many firings remain (``None`` = forever), the path filter."""

    fault: Fault
    remaining: int | None
    match: str | None

    def applies(self, path: str, *, streaming: bool) -> bool:
        """Whether this entry fires for a request to ``path``."""
        if self.remaining is not None and self.remaining <= 0:
            return False
        # A gap only makes sense inside a stream; a plain request never consumes it.
        if isinstance(self.fault, StreamGap) and not streaming:
            return False
        return self.match is None or self.match in path


class Faults:
    """A thread-safe, ordered plan of faults to inject.

    >>> faults = Faults()
    >>> faults.add(HttpError(status=429, retry_after=1.0), match="/quotes")
    >>> faults.take("/v1/accounts") is None
    True
    >>> faults.take("/v1/markets/quotes")
    HttpError(status=429, retry_after=1.0)
    >>> faults.take("/v1/markets/quotes") is None
    True
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plan: list[PlannedFault] = []
        self._taken: list[tuple[str, Fault]] = []

    def add(self, fault: Fault, *, times: int | None = 1, match: str | None = None) -> None:
        """Plan ``fault`` for the next ``times`` matching requests (``None``: every one, until cleared).

        ``match`` is a substring of the request path (``"/orders"``); ``None`` matches any path.
        """
        if times is not None and times < 1:
            raise ValueError(f"times must be at least 1 (or None for always), got {times}")
        with self._lock:
            self._plan.append(PlannedFault(fault=fault, remaining=times, match=match))

    def take(self, path: str, *, streaming: bool = False) -> Fault | None:
        """Consume and return the first planned fault that applies to ``path``, or ``None``.

        :class:`StreamGap` faults are only returned when ``streaming`` is true.
        """
        with self._lock:
            for entry in self._plan:
                if entry.applies(path, streaming=streaming):
                    if entry.remaining is not None:
                        entry.remaining -= 1
                    self._taken.append((path, entry.fault))
                    self._plan = [e for e in self._plan if e.remaining is None or e.remaining > 0]
                    return entry.fault
            return None

    def pending(self) -> list[PlannedFault]:
        """Copies of the entries that can still fire, in matching order."""
        with self._lock:
            return [attrs.evolve(entry) for entry in self._plan]

    def taken(self) -> list[tuple[str, Fault]]:
        """Every fault handed out so far, with the path it was handed out for (for tests and logs)."""
        with self._lock:
            return list(self._taken)

    def clear(self) -> None:
        """Forget every planned fault (the history of taken faults is kept)."""
        with self._lock:
            self._plan.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._plan)
