"""Serving stream transcripts through an httpx2 MockTransport, for the stream tests."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import orjson

from brokerlink import _http
from brokerlink.adapter import StreamSession

FRAMES = Path(__file__).parent / "frames"
T = TypeVar("T")
_HEX = re.compile(rb"[0-9a-fA-F]+")


class Chunks(_http.AsyncByteStream):
    """A body in the given pieces; then, optionally, a dropped connection or a hang."""

    def __init__(self, pieces: list[bytes], *, drop: bool = False, hang: bool = False) -> None:
        self.pieces, self.drop, self.hang = pieces, drop, hang

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            yield piece
        if self.hang:
            await asyncio.sleep(3600)
        if self.drop:
            raise _http.read_error("connection reset", _http.Request("GET", "http://ts.test/"))


def transcript_chunks(name: str) -> list[bytes]:
    """The chunks of a documented raw HTTP transcript (hex size lines start each chunk)."""
    raw = (FRAMES / name).read_bytes()
    body = raw.split(b"\n\n", 2)[-1] if raw.startswith(b"GET") else raw.split(b"\n\n", 1)[1]
    chunks: list[list[bytes]] = []
    for line in body.split(b"\n"):
        if _HEX.fullmatch(line.strip()) and line.strip() != b"":
            chunks.append([])
        elif chunks:
            chunks[-1].append(line)
    out = []
    for lines in chunks:
        data = b"\n".join(lines).strip(b"\n")
        out.append(data + b"\n" if data.endswith((b"}", b"END")) else data)
    return out


def lines(name: str) -> list[bytes]:
    """The lines of an ``.ndjson`` frames file, each ending in a newline."""
    return [line + b"\n" for line in (FRAMES / name).read_bytes().splitlines() if line.strip()]


def frame(payload: dict[str, Any]) -> bytes:
    """One NDJSON line."""
    return orjson.dumps(payload) + b"\n"


def objects(name: str) -> list[dict[str, Any]]:
    """The JSON objects of an ``.ndjson`` frames file."""
    return [json.loads(line) for line in lines(name)]


def streaming(pieces: list[bytes], **kwargs: bool) -> _http.Response:
    """A chunked stream response."""
    return _http.Response(
        200,
        stream=Chunks(pieces, **kwargs),
        headers={"content-type": "application/vnd.tradestation.streams.v3+json"},
    )


async def collect(
    transport: _http.MockTransport,
    open_stream: Callable[[StreamSession], AsyncIterator[T]],
    *,
    limit: int = 100,
) -> tuple[list[T], BaseException | None]:
    """Events until ``limit`` or until the stream raises; the exception is returned, not raised."""
    seen: list[T] = []
    async with _http.AsyncClient(transport=transport) as client:
        session = StreamSession(client=client, auth=None, max_reconnects=3)
        try:
            async for event in open_stream(session):
                seen.append(event)
                if len(seen) >= limit:
                    break
        except Exception as exc:  # the tests assert which one
            return seen, exc
    return seen, None
