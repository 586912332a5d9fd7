"""The websocket half of the client-side tap: a byte stream that records the messages on it.

httpx2 runs a websocket over the ``network_stream`` of the 101 reply: it writes the client's
frames to it and reads the server's from it. :class:`TapNetworkStream` passes every byte through
unchanged and parses a copy with two wsproto connections, one per direction (the client's frames
are masked, the server's are not), recording each whole message with its time:

- ``[t, "recv", text]``: a message the client sent (the front received it);
- ``[t, "send", text]``: a message the server sent;
- ``[t, "close", code]``: the server closed first;
- ``[t, "client-close", code]``: the client closed first.

Pings, pongs and the reply to the other side's close are not recorded: they are the websocket's
own housekeeping, not the conversation.
"""

from __future__ import annotations

from typing import Any

from wsproto.connection import Connection, ConnectionType
from wsproto.events import CloseConnection, Message
from wsproto.utilities import LocalProtocolError, RemoteProtocolError

from brokerlink.testing.journal import TranscriptLog

__all__ = ["TapNetworkStream"]


class _Direction:
    """One direction's parser: bytes in, whole messages out (fragments joined)."""

    def __init__(self, kind: ConnectionType, name: str) -> None:
        self.name = name
        self.connection = Connection(kind)
        self.parts: list[str | bytes] = []

    def messages(self, data: bytes) -> list[tuple[str, str]]:
        """``(what, text)`` for each whole message or close ``data`` completes."""
        try:
            self.connection.receive_data(data)
            events = list(self.connection.events())
        except (LocalProtocolError, RemoteProtocolError):
            return []  # after a close, or a frame we cannot parse: the client will notice
        found: list[tuple[str, str]] = []
        for event in events:
            if isinstance(event, Message):
                self.parts.append(event.data)
                if event.message_finished:
                    found.append((self.name, _joined(self.parts)))
                    self.parts = []
            elif isinstance(event, CloseConnection):
                found.append(("close", str(event.code)))
        return found


def _joined(parts: list[str | bytes]) -> str:
    # Broker streams speak JSON text; a binary message is kept as text all the same.
    return "".join(p if isinstance(p, str) else p.decode("utf-8", "replace") for p in parts)


class TapNetworkStream:
    """Wraps an upgraded connection's byte stream and records its messages into ``events``."""

    def __init__(self, inner: Any, events: list[list[Any]], log: TranscriptLog) -> None:
        self._inner = inner
        self._events = events
        self._log = log
        self._from_server = _Direction(ConnectionType.CLIENT, "send")
        self._from_client = _Direction(ConnectionType.SERVER, "recv")
        self._closed = False

    def _record(self, found: list[tuple[str, str]], closer: str) -> None:
        for what, text in found:
            if self._closed:
                return  # the answer to a close, or anything after it
            if what == "close":
                self._closed = True
                self._events.append([self._log.now(), closer, text])
            else:
                self._events.append([self._log.now(), what, self._log.text(text.encode())])

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read from the server, recording what it says."""
        data: bytes = await self._inner.read(max_bytes, timeout)
        if data:
            self._record(self._from_server.messages(data), "close")
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write to the server, recording what the client says."""
        self._record(self._from_client.messages(buffer), "client-close")
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        """Close the connection."""
        await self._inner.aclose()

    async def start_tls(self, *args: Any, **kwargs: Any) -> Any:
        """Not used on an upgraded connection; passed through for completeness."""
        return await self._inner.start_tls(*args, **kwargs)

    def get_extra_info(self, info: str) -> Any:
        """What the inner stream knows (socket, peer address, ...)."""
        return self._inner.get_extra_info(info)
