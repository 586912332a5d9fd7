"""TradeStation's stream envelope on top of the core NDJSON reader (NOTES.md §5, §10).

:func:`ts_frames` wraps :func:`brokerlink.runtime.streaming.ndjson_lines` (connect, line
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

All of it runs inside the core reader's ``decode`` (control frames raise its ``Reconnect``), and
the inactivity timeout is the core reader's (one timer per connection, checked around network
reads): a frame goes through one generator, not one per layer. A stream may put its own
line handler in front (``fast``: the quote stream's msgspec struct), which hands the lines it
does not recognise to this one, and a ``data`` callback for the data ``dict`` frames, so it
needs no generator of its own on top.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Mapping
from typing import Any, TypeVar, overload

from brokerlink import errors
from brokerlink._http import Response
from brokerlink.adapter import StreamSession
from brokerlink.runtime.retry import RetryPolicy
from brokerlink.runtime.streaming import ErrorTable, Reconnect, json_object, ndjson_lines
from brokerlink_tradestation.errors import error_from_item, error_from_text
from brokerlink_tradestation.wire import BROKER

__all__ = ["IDLE_TIMEOUT", "ts_frames"]

IDLE_TIMEOUT = 30.0
"""Seconds without any line (heartbeats included) before a stream is considered dead."""

_RETRY_TITLES = frozenset({"internalservererror", "serviceunavailable", "gatewaytimeout"})
T = TypeVar("T")


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


LineHandler = Callable[[bytes], Any]
"""What the core reader calls on each line: the item to yield, or ``None`` to skip the line."""


@overload
def ts_frames(
    session: StreamSession,
    url: str,
    query: Callable[[], Mapping[str, str | None]],
    check: ErrorTable,
    *,
    idle_timeout: float = ...,
    on_connect: Callable[[Response], None] | None = ...,
    backoff: RetryPolicy | None = ...,
    heartbeats: bool = ...,
    fast: None = ...,
    data: None = ...,
    on_chunk: Callable[[], None] | None = ...,
) -> AsyncGenerator[dict[str, Any], None]: ...
@overload
def ts_frames(
    session: StreamSession,
    url: str,
    query: Callable[[], Mapping[str, str | None]],
    check: ErrorTable,
    *,
    idle_timeout: float = ...,
    on_connect: Callable[[Response], None] | None = ...,
    backoff: RetryPolicy | None = ...,
    heartbeats: bool = ...,
    fast: Callable[[LineHandler], LineHandler] | None = ...,
    data: Callable[[dict[str, Any]], T | None],
    on_chunk: Callable[[], None] | None = ...,
) -> AsyncGenerator[T, None]: ...
def ts_frames(
    session: StreamSession,
    url: str,
    query: Callable[[], Mapping[str, str | None]],
    check: ErrorTable,
    *,
    idle_timeout: float = IDLE_TIMEOUT,
    on_connect: Callable[[Response], None] | None = None,
    backoff: RetryPolicy | None = None,
    heartbeats: bool = False,
    fast: Callable[[LineHandler], LineHandler] | None = None,
    data: Callable[[dict[str, Any]], Any] | None = None,
    on_chunk: Callable[[], None] | None = None,
) -> AsyncGenerator[Any, None]:
    """Data frames of a TradeStation stream, reopened after drops, GoAway and silence;
    ``heartbeats`` passes heartbeat frames through too (for callers that keep time by them).

    Each line is decoded as a JSON object and its envelope handled here (control frames,
    errors, v2 text lines); a data frame is yielded as its ``dict``, or as ``data(frame)``
    when ``data`` is given (``None`` skips it). ``fast``, when given, builds the line handler
    from this one: it answers the lines it recognises itself (the quote stream's msgspec
    decode) and passes every other line to the handler it was given, so the envelope is
    still handled here and a recognised frame costs no second call. ``on_chunk`` is the core
    reader's (called as each piece of the body arrives).

    The result is the core reader's own async generator: the envelope is handled inside its
    line handler (control frames raise :class:`~brokerlink.runtime.streaming.Reconnect`), so
    a frame passes through no generator of TradeStation's.
    """

    def line(raw: bytes) -> Any:
        try:
            frame = json_object(raw, broker=BROKER)
        except errors.ResponseFormatError as exc:
            legacy = _legacy_line(exc)
            if legacy is None:
                raise
            if not isinstance(legacy, errors.OperationFailedError):
                raise legacy from None
            raise Reconnect(legacy) from None
        control = _control(frame)
        if control is None:
            return frame if data is None else data(frame)
        if control == "heartbeat":
            return frame if heartbeats else None
        if control == "goaway":
            raise Reconnect()  # the server asked us to reopen: no backoff
        if control == "duallogon":
            raise Reconnect(
                errors.NetworkError(
                    "DualLogon: another session opened this stream; reopening after a pause",
                    broker=BROKER,
                )
            )
        title = str(frame.get("Error", "")).replace(" ", "").lower()
        problem = error_from_item(frame, path=url)
        if title in _RETRY_TITLES and isinstance(problem, errors.OperationFailedError):
            raise Reconnect(problem)
        raise problem

    return ndjson_lines(
        session, url, query, check, line if fast is None else fast(line), broker=BROKER,
        on_connect=on_connect, backoff=backoff or RetryPolicy(max_retries=session.max_reconnects),
        idle_timeout=idle_timeout, on_chunk=on_chunk,
    )  # fmt: skip
