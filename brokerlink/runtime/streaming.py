"""Long-lived chunked HTTP streams of newline-delimited JSON, with reconnect (adapter-neutral).

TradeStation's ``/stream/...`` endpoints, Tradier's HTTP stream and the paper emulator all send
one JSON object per line on an endless ``GET``. :func:`ndjson_frames` owns what they share: the
connect, the error table on a refused connect, line framing, heartbeat filtering, and reconnect
with backoff. What a reconnect should resume from is the caller's business: ``query()`` is
asked again on every connect, so it can carry a cursor the caller advances as frames arrive.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import orjson

from brokerlink import errors
from brokerlink._http import Response, TransportFailure, translate_transport_error
from brokerlink.adapter import StreamSession
from brokerlink.runtime.retry import RetryPolicy

__all__ = ["ErrorTable", "ndjson_frames"]

ErrorTable = Callable[[Response], errors.BrokerError | None]


def _type_heartbeat(frame: Mapping[str, Any]) -> bool:
    return frame.get("type") == "heartbeat"


async def ndjson_frames(
    session: StreamSession,
    url: str,
    query: Callable[[], Mapping[str, str | None]],
    check: ErrorTable,
    *,
    broker: str,
    on_connect: Callable[[Response], None] | None = None,
    backoff: RetryPolicy | None = None,
    is_heartbeat: Callable[[Mapping[str, Any]], bool] = _type_heartbeat,
) -> AsyncIterator[dict[str, Any]]:
    """Decoded frames of an NDJSON stream, reconnecting after drops.

    ``query()`` is called for every (re)connect, so it can carry a resume cursor the caller
    advances as frames arrive; ``on_connect`` sees each accepted response (its headers) before
    the first frame. Frames ``is_heartbeat`` recognises only keep the line alive and are dropped.
    The backoff budget (``session.max_reconnects`` by default) counts failures in a row: any
    frame delivered resets it.
    """
    policy = backoff or RetryPolicy(max_retries=session.max_reconnects)
    failures = 0
    while True:
        failure: errors.OperationFailedError | None = None
        params = {key: value for key, value in query().items() if value is not None}
        extra: dict[str, Any] = {} if session.auth is None else {"auth": session.auth}
        try:
            async with session.client.stream("GET", url, params=params, **extra) as response:
                if response.status_code >= 300:
                    await response.aread()
                    problem = check(response) or errors.BrokerUnavailableError(
                        f"HTTP {response.status_code} on connect", broker=broker
                    )
                    if not isinstance(problem, errors.OperationFailedError):
                        raise problem
                    failure = problem
                else:
                    if on_connect is not None:
                        on_connect(response)
                    async for line in response.aiter_lines():
                        if not line.strip():
                            continue
                        try:
                            frame = orjson.loads(line)
                        except orjson.JSONDecodeError as exc:
                            raise errors.ResponseFormatError(
                                f"a stream line is not JSON: {exc}", raw=line, broker=broker
                            ) from exc
                        if not isinstance(frame, dict):
                            raise errors.ResponseFormatError(
                                "a stream frame is not a JSON object", raw=line, broker=broker
                            )
                        if is_heartbeat(frame):
                            continue
                        failures = 0
                        yield frame
                    failure = errors.NetworkError("the server ended the stream", broker=broker)
        except TransportFailure as exc:
            translated = translate_transport_error(exc, broker=broker)
            failure = translated if isinstance(translated, errors.OperationFailedError) else None
            if failure is None:
                raise translated from exc
        assert failure is not None  # every way out of the attempt above sets it or raises
        delay = policy.delay(failures, failure)
        if delay is None:
            raise failure
        failures += 1
        await asyncio.sleep(delay)
