"""The transcript log both recorders write: entries with their times, scrubbed, saved as JSONL.

A recorder at the emulator front (:class:`~brokerlink.testing.transcripts.RecordingFront`) and the
client-side tap (:class:`~brokerlink.testing.tap.TapTransport`) produce the same file, so one
:class:`~brokerlink.testing.transcripts.ReplayFront` replays both:

- the first line is ``{"kind": "meta", "front": <name>, "format": 1}``;
- every further line is one exchange (``http``, ``http-stream`` or ``ws``), with sorted keys, in
  the order the exchanges started.

Times are seconds since the log was created, rounded to :data:`TIMING_RESOLUTION`: finer digits
would be scheduler noise, and coarser times make two recordings of one scenario differ less.
Every text passes through the :class:`~brokerlink.testing.scrub.Scrubber` before it is kept, so
nothing unscrubbed is ever held for writing.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import orjson

from brokerlink.testing.scrub import Scrubber

__all__ = ["TIMING_RESOLUTION", "TRANSCRIPT_FORMAT", "TranscriptLog"]

TIMING_RESOLUTION = 0.01
"""Seconds: every recorded time is a multiple of this (10 ms)."""

TRANSCRIPT_FORMAT = 1
"""The ``format`` of the meta line. Additions that older readers can skip keep the number."""

# Digits kept when rounding to TIMING_RESOLUTION (float noise would otherwise show: 0.30000000004).
_DIGITS = 2


class TranscriptLog:
    """The entries of one recording session, timed from its creation, scrubbed as they arrive."""

    def __init__(self, front: str, scrubber: Scrubber | None = None) -> None:
        self.front = front
        self.scrubber = scrubber or Scrubber()
        self._start = time.monotonic()
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []

    def now(self) -> float:
        """Seconds since the log began, rounded to :data:`TIMING_RESOLUTION`."""
        elapsed = time.monotonic() - self._start
        return round(round(elapsed / TIMING_RESOLUTION) * TIMING_RESOLUTION, _DIGITS)

    def text(self, data: bytes) -> str:
        """``data`` scrubbed (secrets blanked, accounts faked, ports normalised) as text."""
        return self.scrubber.body(data).decode("utf-8", "replace")

    def add(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Keep ``entry`` (the caller may keep appending frames or events to it) and return it."""
        with self._lock:
            self._entries.append(entry)
        return entry

    @property
    def entries(self) -> list[dict[str, Any]]:
        """A snapshot of the entries, in start order."""
        with self._lock:
            return sorted(self._entries, key=lambda e: float(e["t"]))

    def save(self, path: str | Path) -> Path:
        """Write the transcript (meta line first, then the exchanges in start order)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        meta = {"kind": "meta", "front": self.front, "format": TRANSCRIPT_FORMAT}
        lines = [orjson.dumps(meta)]
        lines += [orjson.dumps(e, option=orjson.OPT_SORT_KEYS) for e in self.entries]
        target.write_bytes(b"\n".join(lines) + b"\n")
        return target
