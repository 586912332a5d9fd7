"""The one module that imports httpx2 (DESIGN §2), and the one place its exceptions become ours.

Everything else in brokerlink (and in the adapters) imports HTTP types from here, so a change of
HTTP library, or a quirk of the current one, is absorbed in a single file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx2
from httpx2 import (
    URL,
    AsyncBaseTransport,
    AsyncByteStream,
    AsyncClient,
    AsyncHTTPTransport,
    Auth,
    BaseTransport,
    Client,
    Headers,
    HTTPTransport,
    MockTransport,
    QueryParams,
    Request,
    Response,
    Timeout,
)
from httpx2.websockets import (
    AsyncWebSocketSession,
    HTTPXWSException,
    WebSocketDisconnect,
    WebSocketUpgradeError,
)
from wsproto.utilities import LocalProtocolError

from brokerlink import errors

__all__ = [
    "URL",
    "WEBSOCKET_FAILURES",
    "AsyncBaseTransport",
    "AsyncByteStream",
    "AsyncClient",
    "AsyncHTTPTransport",
    "AsyncWebSocketSession",
    "Auth",
    "BaseTransport",
    "Client",
    "HTTPError",
    "HTTPTransport",
    "Headers",
    "MockTransport",
    "QueryParams",
    "Request",
    "Response",
    "Timeout",
    "TransportFailure",
    "UpgradedStream",
    "WebSocketClosed",
    "WebSocketError",
    "WebSocketStateError",
    "WebSocketUpgradeError",
    "connect_error",
    "read_error",
    "read_timeout",
    "translate_transport_error",
    "was_delivered",
]

HTTPError = httpx2.HTTPError
TransportFailure = httpx2.TransportError
# Websockets (httpx2[ws]): open one with ``async with client.websocket(url) as ws``.
WebSocketError = HTTPXWSException
"""Base of every websocket failure (upgrade refused, network error, server closed)."""
WebSocketClosed = WebSocketDisconnect
"""The server closed the websocket (``.code``, ``.reason``)."""
WebSocketStateError = LocalProtocolError
"""The websocket state machine (wsproto) refused a send on a socket the server is closing;
httpx2 lets it through unwrapped. It is a dropped connection."""
WEBSOCKET_FAILURES: tuple[type[Exception], ...] = (
    HTTPXWSException,
    httpx2.TransportError,
    LocalProtocolError,
)
"""Everything a websocket can raise for a broken connection: catch these around socket I/O and
pass them to :func:`translate_transport_error`."""

# Failures that happen before the request left this machine: the broker cannot have acted on it.
_NOT_DELIVERED: tuple[type[BaseException], ...] = (
    httpx2.ConnectError,
    httpx2.ConnectTimeout,
    httpx2.PoolTimeout,
    httpx2.UnsupportedProtocol,
    httpx2.ProxyError,
)


def was_delivered(exc: BaseException) -> bool:
    """False when ``exc`` proves the request never reached the broker (safe to say "not placed")."""
    return not isinstance(exc, _NOT_DELIVERED)


def translate_transport_error(exc: BaseException, *, broker: str | None) -> errors.BrokerError:
    """Map an httpx2 exception onto our tree. Anything unexpected becomes a ``NetworkError``."""
    detail = type(exc).__name__
    message = str(exc) or detail
    if isinstance(exc, httpx2.TimeoutException):
        return errors.TimeoutError(f"timed out ({detail}): {message}", broker=broker)
    if isinstance(exc, httpx2.DecodingError):
        return errors.ResponseFormatError(
            f"could not decode the response: {message}", broker=broker
        )
    if isinstance(exc, httpx2.HTTPError):
        return errors.NetworkError(f"network failure ({detail}): {message}", broker=broker)
    if isinstance(exc, WebSocketUpgradeError):
        status = exc.response.status_code
        return errors.NetworkError(
            f"the websocket upgrade was refused (HTTP {status})", broker=broker
        )
    if isinstance(exc, WebSocketDisconnect):
        reason = f": {exc.reason}" if exc.reason else ""
        return errors.NetworkError(
            f"the websocket was closed by the server (code {exc.code}{reason})", broker=broker
        )
    if isinstance(exc, HTTPXWSException):
        return errors.NetworkError(f"websocket failure ({detail}): {message}", broker=broker)
    if isinstance(exc, LocalProtocolError):
        return errors.NetworkError(f"the websocket is closing: {message}", broker=broker)
    return errors.NetworkError(f"unexpected transport failure ({detail}): {message}", broker=broker)


# Constructors used by transports (emulator faults, tests) so they need not import httpx2.
def connect_error(message: str, request: Request) -> httpx2.ConnectError:
    """A connection-refused style failure for ``request``."""
    return httpx2.ConnectError(message, request=request)


def read_error(message: str, request: Request) -> httpx2.ReadError:
    """A connection dropped after the request was sent."""
    return httpx2.ReadError(message, request=request)


def read_timeout(message: str, request: Request) -> httpx2.ReadTimeout:
    """No response in time after the request was sent."""
    return httpx2.ReadTimeout(message, request=request)


class UpgradedStream(AsyncByteStream):
    """An upgraded (websocket) reply's stream: closing it closes the socket, then the transport
    that opened it, then calls ``done`` (once). The socket left the connection pool when it was
    upgraded, so closing the pool alone would leave it open."""

    def __init__(
        self,
        inner: object,
        transport: AsyncBaseTransport,
        network: object,
        done: Callable[[], None] | None = None,
    ) -> None:
        self._inner = inner
        self._transport = transport
        self._network = network
        self._done = done

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:  # type: ignore[attr-defined]
            yield chunk

    async def aclose(self) -> None:
        """Close the socket, the transport, and tell ``done``."""
        for owner in (self._network, self._inner):
            closer = getattr(owner, "aclose", None)
            if closer is not None:
                await closer()
        await self._transport.aclose()
        done, self._done = self._done, None
        if done is not None:
            done()
