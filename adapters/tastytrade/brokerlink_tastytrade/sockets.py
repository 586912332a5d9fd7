"""Websocket plumbing shared by DxLink and the account streamer.

Both clients are async generators that yield events while a socket is open. httpx2's websocket
context manager runs a task group, and an exception crossing it (the ``GeneratorExit`` of a
consumer that stops early included) comes out wrapped in an exception group. So the socket is
entered on an :class:`~contextlib.AsyncExitStack` the generator closes itself in ``finally``
(:func:`open_socket`, :func:`close_quietly`), and every await on it goes through :func:`step`,
which turns transport failures into brokerlink's retryable errors.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable
from typing import TypeVar

from brokerlink import errors
from brokerlink._http import (
    AsyncWebSocketSession,
    TransportFailure,
    WebSocketError,
    translate_transport_error,
)
from brokerlink.adapter import StreamSession

__all__ = ["close_quietly", "open_socket", "step"]

BROKER = "tastytrade"
T = TypeVar("T")


async def step(awaitable: Awaitable[T]) -> T:
    """``await awaitable``; websocket and transport failures become ``OperationFailedError``."""
    try:
        return await awaitable
    except (WebSocketError, TransportFailure) as exc:
        found = translate_transport_error(exc, broker=BROKER)
        if isinstance(found, errors.OperationFailedError):
            raise found from exc
        raise errors.NetworkError(found.message, broker=BROKER) from exc
    except Exception as exc:
        # The websocket state machine (wsproto) refuses to send on a socket the server is
        # closing; httpx2 lets that through unwrapped. It is a dropped connection.
        if type(exc).__module__.split(".")[0] != "wsproto":
            raise
        raise errors.NetworkError(f"the websocket is closing: {exc}", broker=BROKER) from exc


async def open_socket(
    session: StreamSession, url: str, stack: contextlib.AsyncExitStack
) -> AsyncWebSocketSession:
    """A websocket to ``url`` through the session's client, closed when ``stack`` is."""
    return await step(stack.enter_async_context(session.client.websocket(url)))


async def close_quietly(stack: contextlib.AsyncExitStack) -> None:
    """Close the socket on ``stack``; a connection already broken has nothing left to say."""
    # Closing a dead socket re-raises its failure (often as a group); it is already handled.
    with contextlib.suppress(Exception):
        await stack.aclose()
