"""What an emulator front answers: a status, headers, and a body that is bytes or a stream.

A :class:`Reply` is independent of any HTTP library, so the same front serves the in-process
transport (:mod:`.transport`) and the real server (:mod:`.server`). A streaming body is an async
iterator of chunks, and each chunk is one *frame* (an NDJSON line, one event): stream faults
(gaps, dropped connections) act frame by frame.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import attrs
import orjson

__all__ = ["NDJSON", "Reply"]

NDJSON = "application/x-ndjson"
"""The content type of newline-delimited JSON streams."""


def _headers(value: Mapping[str, str] | None) -> dict[str, str]:
    return dict(value or {})


@attrs.frozen(kw_only=True)
class Reply:
    """One response of an emulator front.

    ``body`` is the whole body as bytes, or, for a streaming response, an async iterator whose
    chunks are the frames of the stream, sent as they are produced.
    """

    status: int
    headers: Mapping[str, str] = attrs.field(factory=dict, converter=_headers)
    body: bytes | AsyncIterator[bytes] = b""

    @property
    def is_stream(self) -> bool:
        """True when the body is streamed frame by frame."""
        return not isinstance(self.body, bytes)

    @classmethod
    def json(cls, status: int, obj: Any, *, headers: Mapping[str, str] | None = None) -> Reply:
        """A JSON reply (orjson; ``Decimal`` and other non-JSON values must be converted first)."""
        merged = {"Content-Type": "application/json", **(headers or {})}
        return cls(status=status, headers=merged, body=orjson.dumps(obj))

    @classmethod
    def empty(cls, status: int = 204, *, headers: Mapping[str, str] | None = None) -> Reply:
        """A reply without a body."""
        return cls(status=status, headers=dict(headers or {}))

    @classmethod
    def stream(
        cls,
        frames: AsyncIterator[bytes],
        *,
        status: int = 200,
        content_type: str = NDJSON,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """A streaming reply: each chunk ``frames`` yields is sent at once (chunked encoding)."""
        merged = {"Content-Type": content_type, "Cache-Control": "no-store", **(headers or {})}
        return cls(status=status, headers=merged, body=frames)

    def with_headers(self, extra: Mapping[str, str]) -> Reply:
        """A copy with ``extra`` headers added (replacing ones of the same name)."""
        return attrs.evolve(self, headers={**self.headers, **extra})

    def __repr__(self) -> str:
        size = f"{len(self.body)} bytes" if isinstance(self.body, bytes) else "stream"
        return f"<Reply {self.status} {size}>"
