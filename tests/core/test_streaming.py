"""The shared NDJSON stream reader: framing across chunks, heartbeats, errors, reconnects."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from brokerlink import _http, errors
from brokerlink.adapter import StreamSession
from brokerlink.runtime.retry import RetryPolicy
from brokerlink.runtime.statuses import error_for_status
from brokerlink.runtime.streaming import ndjson_frames

NO_WAIT = RetryPolicy(max_retries=3, base_delay=0.0, jitter=0.0)


class Chunks(_http.AsyncByteStream):
    """A body delivered in the given pieces, then optionally a dropped connection."""

    def __init__(self, pieces: list[bytes], *, drop: bool = False) -> None:
        self.pieces = pieces
        self.drop = drop

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            yield piece
        if self.drop:
            raise _http.read_error("connection reset", _http.Request("GET", "http://stream.test/"))


def check(response: _http.Response) -> errors.BrokerError | None:
    return error_for_status(response, broker="test")


async def collect(
    transport: _http.MockTransport, *, limit: int, cursor: list[str] | None = None
) -> list[dict[str, object]]:
    seen: list[dict[str, object]] = []
    async with _http.AsyncClient(transport=transport) as client:
        session = StreamSession(client=client, auth=None)
        query = (
            (lambda: {"after": cursor[-1] if cursor else None}) if cursor is not None else (dict)
        )
        async for frame in ndjson_frames(
            session, "http://stream.test/events", query, check, broker="test", backoff=NO_WAIT
        ):
            seen.append(frame)
            if cursor is not None:
                cursor.append(str(frame["n"]))
            if len(seen) == limit:
                break
    return seen


async def test_objects_split_across_chunks_are_reassembled_and_heartbeats_dropped() -> None:
    body = [
        b'{"type": "tick", "n"',
        b': 1}\n{"type": "heart',
        b'beat"}\n\n{"type": "tick", "n": 2}\n',
    ]
    transport = _http.MockTransport(lambda request: _http.Response(200, stream=Chunks(body)))
    assert await collect(transport, limit=2) == [{"type": "tick", "n": 1}, {"type": "tick", "n": 2}]


async def test_a_dropped_connection_reconnects_with_the_callers_cursor() -> None:
    queries: list[str | None] = []

    def handler(request: _http.Request) -> _http.Response:
        after = request.url.params.get("after")
        queries.append(after)
        start = int(after or 0) + 1
        lines = b"".join(b'{"type": "tick", "n": %d}\n' % n for n in range(start, start + 2))
        return _http.Response(200, stream=Chunks([lines], drop=True))

    frames = await collect(_http.MockTransport(handler), limit=5, cursor=[])
    assert [f["n"] for f in frames] == [1, 2, 3, 4, 5]
    assert queries == [None, "2", "4"]


async def test_a_refused_connect_with_a_client_error_is_raised_not_retried() -> None:
    calls: list[int] = []

    def handler(request: _http.Request) -> _http.Response:
        calls.append(1)
        return _http.Response(401, json={"error": "expired"})

    with pytest.raises(errors.UnauthorizedError):
        await collect(_http.MockTransport(handler), limit=1)
    assert len(calls) == 1


async def test_repeated_failures_give_up_after_the_reconnect_budget() -> None:
    calls: list[int] = []

    def handler(request: _http.Request) -> _http.Response:
        calls.append(1)
        return _http.Response(503, text="maintenance")

    with pytest.raises(errors.BrokerUnavailableError):
        await collect(_http.MockTransport(handler), limit=1)
    assert len(calls) == 4  # the first try and three reconnects


async def test_a_line_that_is_not_json_is_a_format_error() -> None:
    transport = _http.MockTransport(
        lambda request: _http.Response(200, stream=Chunks([b"<html>\n"]))
    )
    with pytest.raises(errors.ResponseFormatError, match="not JSON"):
        await collect(transport, limit=1)
