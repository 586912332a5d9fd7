"""Stream transcripts: what vcrpy cannot record (endless chunked streams, websockets), recorded
at the emulator front and replayed through the adapters' real stream code.

A transcript (``<scenario>.stream.jsonl``) holds every exchange of one session with a broker's
front, in the order they started, each with its timing relative to the start:

- ``http``: a request and its whole reply;
- ``http-stream``: a request and the frames of its chunked reply, each with its time, and whether
  the server ended the stream (otherwise the client left);
- ``ws``: a websocket connection: every message received from and sent to the client, in order,
  each with its time, and the server's close if it closed.

:class:`RecordingFront` wraps a real front (an emulator's) and writes what passes through it,
scrubbed (:mod:`brokerlink.testing.scrub`) before anything reaches the disk. :class:`ReplayFront`
serves a transcript to the same adapter: a request is answered by the first unused exchange with
the same method, path, query and (scrubbed) body; a websocket replays its messages in order,
checking each message the client sends against the recorded one (broker keepalives, whose timing
is the client's own, are left out of the comparison), and optionally keeping the recorded timing.
Anything that does not match is collected in :attr:`ReplayFront.mismatches` and answered 404 or by
closing the socket, so a test fails loudly.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson

from brokerlink._http import Request
from brokerlink.emulator.http import EmulatorSocket, Front, Reply, SocketClosed, WebSocketHandler
from brokerlink.runtime.streaming import close_stream
from brokerlink.testing.journal import TranscriptLog
from brokerlink.testing.scrub import Scrubber

__all__ = ["RecordingFront", "ReplayFront", "TranscriptMismatch"]


class TranscriptMismatch(AssertionError):
    """A replayed session asked for something the transcript does not hold."""


def request_key(request: Request, scrub: Scrubber) -> dict[str, str]:
    """What a request is recorded under and matched on: method, path, query and body, scrubbed
    (a path naming an account holds its fake, in the recording and in the replay alike)."""
    body = scrub.body(request.content).decode("utf-8", "replace") if request.content else ""
    return {
        "method": request.method,
        "path": scrub.text(request.url.path.encode()).decode("utf-8", "replace"),
        "query": scrub.text(request.url.query).decode("utf-8", "replace"),
        "body": body,
    }


def _is_keepalive(text: str, keepalives: Iterable[Mapping[str, str]]) -> bool:
    try:
        message = orjson.loads(text)
    except orjson.JSONDecodeError:
        return False
    if not isinstance(message, dict):
        return False
    return any(all(message.get(k) == v for k, v in pattern.items()) for pattern in keepalives)


def _same_message(expected: str, actual: str) -> bool:
    try:
        return bool(orjson.loads(expected) == orjson.loads(actual))
    except orjson.JSONDecodeError:
        return expected == actual


class RecordingFront(Front):
    """Passes everything to ``inner`` and records it; :meth:`save` writes the transcript."""

    def __init__(self, inner: Front, scrubber: Scrubber | None = None) -> None:
        super().__init__(inner.engine)
        self.name = inner.name  # type: ignore[misc]  # a per-instance copy of the inner name
        self._inner = inner
        self._scrub = scrubber or Scrubber()
        self.log = TranscriptLog(inner.name, self._scrub)

    def _now(self) -> float:
        return self.log.now()

    def _text(self, data: bytes) -> str:
        return self.log.text(data)

    def _add(self, entry: dict[str, Any]) -> dict[str, Any]:
        return self.log.add(entry)

    def error_reply(self, status: int, message: str, *, retry_after: float | None = None) -> Reply:
        return self._inner.error_reply(status, message, retry_after=retry_after)

    def handle(self, request: Request) -> Reply:
        reply = self._inner.handle(request)
        entry: dict[str, Any] = {
            "kind": "http" if isinstance(reply.body, bytes) else "http-stream",
            "t": self._now(),
            **request_key(request, self._scrub),
            "status": reply.status,
            "headers": dict(reply.headers),
        }
        if isinstance(reply.body, bytes):
            entry["reply"] = self._text(reply.body)
            self._add(entry)
            return reply
        entry.update(frames=[], ended=False)
        self._add(entry)
        return Reply(status=reply.status, headers=reply.headers, body=self._tee(reply.body, entry))

    async def _tee(
        self, frames: AsyncIterator[bytes], entry: dict[str, Any]
    ) -> AsyncIterator[bytes]:
        try:
            async for frame in frames:
                entry["frames"].append([self._now(), self._text(frame)])
                yield frame
            entry["ended"] = True
        finally:
            await close_stream(frames)

    def websocket(self, path: str) -> WebSocketHandler | None:
        handler = self._inner.websocket(path)
        if handler is None:
            return None

        async def recorded(socket: EmulatorSocket) -> None:
            entry = self._add(
                {
                    "kind": "ws",
                    "t": self._now(),
                    "path": self._scrub.text(path.encode()).decode(),
                    "query": self._scrub.text(str(socket.query).encode()).decode(),
                    "events": [],
                }
            )
            await handler(_TapSocket(socket, entry["events"], self))

        return recorded

    def save(self, path: str | Path) -> Path:
        """Write the transcript (meta line first, then the exchanges in start order)."""
        return self.log.save(path)


class _TapSocket:
    """An :class:`EmulatorSocket` that records what passes through it."""

    def __init__(
        self, inner: EmulatorSocket, events: list[list[Any]], owner: RecordingFront
    ) -> None:
        self._inner = inner
        self._events = events
        self._owner = owner
        self.path = inner.path
        self.query = inner.query
        self.headers = inner.headers

    async def receive_text(self, timeout: float | None = None) -> str:
        text = await self._inner.receive_text(timeout)
        self._events.append([self._owner._now(), "recv", self._owner._text(text.encode())])
        return text

    async def send_text(self, text: str) -> None:
        self._events.append([self._owner._now(), "send", self._owner._text(text.encode())])
        await self._inner.send_text(text)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self._events.append([self._owner._now(), "close", str(code)])
        await self._inner.close(code, reason)


class ReplayFront(Front):
    """Serves a transcript to an adapter, as its emulator front would (see the module docstring)."""

    name = "replay"

    def __init__(
        self,
        path: str | Path,
        *,
        timing: bool = False,
        scrubber: Scrubber | None = None,
        keepalives: Iterable[Mapping[str, str]] = (),
    ) -> None:
        from brokerlink.emulator import Engine

        super().__init__(Engine())
        lines = Path(path).read_bytes().splitlines()
        self._entries = [orjson.loads(line) for line in lines if line.strip()][1:]
        self._used: set[int] = set()
        self._lock = threading.Lock()
        self._timing = timing
        self._scrub = scrubber or Scrubber()
        self._keepalives = tuple(keepalives)
        self.mismatches: list[str] = []

    def _take(self, kinds: Iterable[str], key: Mapping[str, str]) -> dict[str, Any] | None:
        with self._lock:
            for index, entry in enumerate(self._entries):
                if index in self._used or entry["kind"] not in kinds:
                    continue
                if all(entry.get(k) == v for k, v in key.items()):
                    self._used.add(index)
                    return dict(entry)
        return None

    def error_reply(self, status: int, message: str, *, retry_after: float | None = None) -> Reply:
        return Reply.json(status, {"error": message})

    def handle(self, request: Request) -> Reply:
        key = request_key(request, self._scrub)
        entry = self._take(("http", "http-stream"), key)
        if entry is None:
            self.mismatches.append(f"no recorded exchange for {key}")
            return self.error_reply(404, f"the transcript holds no {request.method} {request.url}")
        if entry["kind"] == "http":
            return Reply(
                status=entry["status"], headers=entry["headers"], body=entry["reply"].encode()
            )
        if entry["ended"]:
            # A stream the server finished is answered whole (its frame timing is not replayed):
            # a broker may send an ordinary reply chunked, and a sync client must get it too.
            body = "".join(str(text) for _at, text in entry["frames"]).encode()
            return Reply(status=entry["status"], headers=entry["headers"], body=body)
        return Reply(status=entry["status"], headers=entry["headers"], body=self._frames(entry))

    async def _frames(self, entry: dict[str, Any]) -> AsyncIterator[bytes]:
        last = float(entry["t"])
        for at, text in entry["frames"]:
            if self._timing:
                await asyncio.sleep(max(0.0, float(at) - last))
                last = float(at)
            yield str(text).encode()
        if not entry["ended"]:
            # The recorded stream was still open when the client left: stay open, like the broker.
            await asyncio.Event().wait()

    def websocket(self, path: str) -> WebSocketHandler | None:
        def play(socket: EmulatorSocket) -> Any:
            return self._play(socket, path)

        return play

    async def _play(self, socket: EmulatorSocket, path: str) -> None:
        entry = self._take(("ws",), {"path": self._scrub.text(path.encode()).decode()})
        if entry is None:
            self.mismatches.append(f"no recorded websocket on {path}")
            await socket.close(1008, "not in the transcript")
            return
        last = 0.0
        for at, direction, text in entry["events"]:
            if direction == "recv":
                if _is_keepalive(text, self._keepalives):
                    continue
                if not await self._expect(socket, text):
                    return
            elif direction == "send":
                if self._timing and last:
                    await asyncio.sleep(max(0.0, float(at) - last))
                last = float(at)
                await socket.send_text(text)
            elif direction == "close":
                await socket.close(int(text))
                return
            elif direction == "client-close":
                # The client hung up here when recorded: nothing more was said.
                break
        # Everything recorded was played: hold the line until the client leaves.
        while True:
            await socket.receive_text()

    async def _expect(self, socket: EmulatorSocket, expected: str) -> bool:
        while True:
            try:
                actual = await socket.receive_text(timeout=30)
            except (SocketClosed, TimeoutError):
                self.mismatches.append(f"the client never sent {expected}")
                return False
            if _is_keepalive(actual, self._keepalives):
                continue
            if _same_message(expected, self._scrub.body(actual.encode()).decode()):
                return True
            self.mismatches.append(f"expected {expected}, the client sent {actual}")
            await socket.close(1008, "not what the transcript holds")
            return False
