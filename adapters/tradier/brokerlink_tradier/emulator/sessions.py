"""Per-token bookkeeping of the Tradier front: rate-limit windows and stream sessions.

Rate limits (DOC overview/rate-limiting): each access token has a fixed one-minute window per
class (``standard`` reads, ``market`` data, ``trading``) that starts with the first request and
resets a minute later; every limited answer carries ``X-Ratelimit-Allowed``, ``-Used``,
``-Available`` and ``-Expiry`` (epoch **milliseconds** of the reset).

Stream sessions (DOC streaming/create-market-session): a session id is valid for 5 minutes to
start a stream; the emulator keeps it alive while a stream uses it and for another 5 minutes of
disuse after. Only one market session per token is active: creating one retires the previous
one, whose streams then end.

Both use real (wall-clock) time from an injectable ``clock``, since they model the client's
pace, not the simulated market.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping

import attrs

__all__ = ["RateWindows", "StreamSession", "StreamSessions", "Usage"]


@attrs.frozen
class Usage:
    """One request's place in its window: what the ``X-Ratelimit-*`` headers say."""

    allowed: int
    used: int
    expiry_ms: int

    @property
    def exceeded(self) -> bool:
        """True when this request is over the allowance."""
        return self.used > self.allowed

    def headers(self) -> dict[str, str]:
        """The four ``X-Ratelimit-*`` headers."""
        return {
            "X-Ratelimit-Allowed": str(self.allowed),
            "X-Ratelimit-Used": str(min(self.used, self.allowed)),
            "X-Ratelimit-Available": str(max(self.allowed - self.used, 0)),
            "X-Ratelimit-Expiry": str(self.expiry_ms),
        }


class RateWindows:
    """Fixed one-minute windows per (token, class)."""

    def __init__(self, limits: Mapping[str, int], clock: Callable[[], float]) -> None:
        self._limits = dict(limits)
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}

    def count(self, token: str, rate_class: str) -> Usage:
        """Count one request of ``rate_class`` for ``token``."""
        now = self._clock()
        with self._lock:
            start, used = self._windows.get((token, rate_class), (now, 0))
            if now >= start + 60.0:
                start, used = now, 0
            used += 1
            self._windows[(token, rate_class)] = (start, used)
        return Usage(self._limits[rate_class], used, int((start + 60.0) * 1000))


@attrs.define
class StreamSession:
    """One session id: what it streams (``markets``/``accounts``), for whom, and when last used."""

    sessionid: str
    kind: str
    token: str
    last_used: float
    streams: int = 0
    retired: bool = False


class StreamSessions:
    """The session ids handed out, their expiry, and the one-market-session-per-token rule."""

    def __init__(self, ttl: float, clock: Callable[[], float], seed: int) -> None:
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, StreamSession] = {}
        self._seed = seed
        self._count = 0

    def create(self, kind: str, token: str) -> StreamSession:
        """A new session; an earlier market session of the same token is retired."""
        with self._lock:
            self._count += 1
            # Deterministic ids (same seed, same calls, same ids) that look like Tradier's UUIDs.
            sessionid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"tradier:{self._seed}:{self._count}"))
            if kind == "markets":
                for old in self._sessions.values():
                    if old.kind == "markets" and old.token == token:
                        old.retired = True
            session = StreamSession(sessionid, kind, token, self._clock())
            self._sessions[sessionid] = session
            return session

    def find(self, sessionid: str | None, kind: str) -> StreamSession | None:
        """The live session ``sessionid`` of ``kind`` (``None``: unknown, expired or retired)."""
        with self._lock:
            session = self._sessions.get(sessionid or "")
            if session is None or session.kind != kind or not self._alive(session):
                return None
            return session

    def _alive(self, session: StreamSession) -> bool:
        if session.retired:
            return False
        return session.streams > 0 or self._clock() - session.last_used < self._ttl

    def streaming(self, kind: str) -> list[str]:
        """The ids of the sessions of ``kind`` a stream is using now, oldest first (tests and
        diagnostics: a client that reconnected cleanly holds exactly one)."""
        with self._lock:
            return [s.sessionid for s in self._sessions.values() if s.kind == kind and s.streams]

    def is_alive(self, session: StreamSession) -> bool:
        """Whether a session a stream holds is still the live one (not retired)."""
        with self._lock:
            return not session.retired

    def attach(self, session: StreamSession) -> None:
        """A stream starts using ``session``."""
        with self._lock:
            session.streams += 1
            session.last_used = self._clock()

    def detach(self, session: StreamSession) -> None:
        """A stream stopped using ``session``: its 5 minutes of disuse start now."""
        with self._lock:
            session.streams = max(session.streams - 1, 0)
            session.last_used = self._clock()
