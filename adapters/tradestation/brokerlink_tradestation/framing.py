"""TradeStation's stream envelope on top of the core NDJSON reader (NOTES.md §5, §10).

:func:`ts_frames` wraps :func:`brokerlink.runtime.streaming.ndjson_frames` (connect, line
framing, reconnect after drops) with what is TradeStation's own:

- ``{"Heartbeat": n, "Timestamp": ...}`` every ~5 s on an idle stream: dropped, but it resets the
  **read-inactivity timeout** (30 s by default, as LEAN uses): a silent connection (NAT eviction,
  half-close) is dropped and reopened instead of hanging for days;
- ``GoAway`` in both shapes (``{"StreamStatus": "GoAway"}`` on brokerage streams,
  ``{"Error": "GoAway", ...}`` on market data): reopen at once;
- ``DualLogon`` (another session took the stream): reopen after the backoff; repeated, it uses
  up the reconnect budget and is raised;
- other stream ``Error`` objects: 5xx-like titles reopen with backoff, the rest are raised
  through the error table; per-symbol failures (``{"Symbol": ..., "Error": "FAILED, ..."}``)
  and ``EndSnapshot`` pass through to the stream that asked;
- v2 streams end with a text line ``END`` (reopen) or ``ERROR - ...`` (reopen, unless it says
  the symbol is invalid or not entitled).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from typing import Any, cast

from brokerlink import errors
from brokerlink._http import Response
from brokerlink.adapter import StreamSession
from brokerlink.runtime.retry import RetryPolicy
from brokerlink.runtime.streaming import ErrorTable, ndjson_frames
from brokerlink_tradestation.errors import error_from_item, error_from_text
from brokerlink_tradestation.wire import BROKER

__all__ = ["IDLE_TIMEOUT", "ts_frames"]

IDLE_TIMEOUT = 30.0
"""Seconds without any line (heartbeats included) before a stream is considered dead."""

_RETRY_TITLES = frozenset({"internalservererror", "serviceunavailable", "gatewaytimeout"})


def _never(frame: Mapping[str, Any]) -> bool:
    return False


def _control(frame: Mapping[str, Any]) -> str | None:
    """What a frame means for the connection: ``None`` (data), or a control word."""
    if "Heartbeat" in frame:
        return "heartbeat"
    status = frame.get("StreamStatus")
    if status == "GoAway":
        return "goaway"
    error = frame.get("Error")
    if not isinstance(error, str):
        return None
    if error == "GoAway":
        return "goaway"
    if error.replace(" ", "").lower() == "duallogon":
        return "duallogon"
    if "Symbol" in frame and error.upper().startswith("FAILED"):
        return None  # a per-symbol failure: the stream goes on for the other symbols
    return "error"


def _legacy_line(exc: errors.ResponseFormatError) -> errors.BrokerError | None:
    """A v2 ``END``/``ERROR - ...`` text line as the error it stands for, else ``None``."""
    line = exc.raw if isinstance(exc.raw, str) else ""
    text = line.strip()
    if text == "END" or text.startswith("END"):
        return errors.NetworkError("the server ended the stream (END)", broker=BROKER)
    if text.startswith("ERROR"):
        detail = text.removeprefix("ERROR").strip(" -")
        found = error_from_text("ERROR", detail)
        if isinstance(found, errors.SymbolNotFoundError | errors.AuthError):
            return found
        return errors.BrokerUnavailableError(f"the stream reported: {detail}", broker=BROKER)
    return None


async def ts_frames(
    session: StreamSession,
    url: str,
    query: Callable[[], Mapping[str, str | None]],
    check: ErrorTable,
    *,
    idle_timeout: float = IDLE_TIMEOUT,
    on_connect: Callable[[Response], None] | None = None,
    backoff: RetryPolicy | None = None,
    heartbeats: bool = False,
) -> AsyncIterator[dict[str, Any]]:
    """Data frames of a TradeStation stream, reopened after drops, GoAway and silence;
    ``heartbeats`` passes heartbeat frames through too (for callers that keep time by them)."""
    policy = backoff or RetryPolicy(max_retries=session.max_reconnects)
    failures = 0
    while True:
        # ndjson_frames is an async generator; closing it closes the HTTP response.
        frames = cast(
            AsyncGenerator[dict[str, Any], None],
            ndjson_frames(
                session, url, query, check, broker=BROKER, on_connect=on_connect,
                backoff=policy, is_heartbeat=_never,
            ),
        )  # fmt: skip
        reason: errors.OperationFailedError | None = None
        try:
            while True:
                try:
                    async with asyncio.timeout(idle_timeout):
                        frame = await anext(frames)
                except errors.ResponseFormatError as exc:
                    legacy = _legacy_line(exc)
                    if legacy is None:
                        raise
                    if not isinstance(legacy, errors.OperationFailedError):
                        raise legacy from None
                    reason = legacy
                    break
                except errors.BrokerError:
                    raise
                except TimeoutError:
                    reason = errors.TimeoutError(
                        f"no data or heartbeat for {idle_timeout:g} s: reopening the stream",
                        broker=BROKER,
                    )
                    break
                control = _control(frame)
                if control == "heartbeat":
                    if heartbeats:
                        yield frame
                    continue
                if control is None:
                    failures = 0
                    yield frame
                    continue
                if control == "goaway":
                    break  # the server asked us to reopen: no backoff
                if control == "duallogon":
                    reason = errors.NetworkError(
                        "DualLogon: another session opened this stream; reopening after a pause",
                        broker=BROKER,
                    )
                    break
                title = str(frame.get("Error", "")).replace(" ", "").lower()
                problem = error_from_item(frame, path=url)
                if title in _RETRY_TITLES and isinstance(problem, errors.OperationFailedError):
                    reason = problem
                    break
                raise problem
        finally:
            await frames.aclose()
        if reason is None:
            continue
        delay = policy.delay(failures, reason)
        if delay is None:
            raise reason
        failures += 1
        await asyncio.sleep(delay)
