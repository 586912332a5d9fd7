"""The client-side recording tap: record a session against any API root, real or emulated.

:class:`~brokerlink.testing.transcripts.RecordingFront` records inside an in-process emulator;
this records from the client's side of the wire instead, so it works against an emulator served
with ``brokerlink emulate`` and against a real sandbox alike. :class:`TapTransport` is an httpx2
transport (sync and async) wrapping the real network transports:

- a whole reply (one with a ``Content-Length``) becomes an ``http`` entry;
- a streamed (chunked) reply becomes an ``http-stream`` entry whose frames are teed as the client
  reads them, each with its time; the entry exists from the first byte, so a client that leaves
  an endless stream still leaves a complete record of what it read;
- a websocket upgrade becomes a ``ws`` entry: the tap sits on the upgraded byte stream and parses
  the frames going each way (``recv``: what the client sent, ``send``: what the server sent, as
  the front-side recorder names them), the server's ``close`` and the client's ``client-close``.

Everything is scrubbed by the log's :class:`~brokerlink.testing.scrub.Scrubber` before it is kept.
Requests are sent with ``Accept-Encoding: identity`` so that the recorded bodies are text.
Websockets need no seam in core: httpx2 opens them through the client's transport and talks over
the ``network_stream`` extension of the 101 reply, which the tap wraps.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from brokerlink._http import (
    AsyncBaseTransport,
    AsyncByteStream,
    AsyncHTTPTransport,
    BaseTransport,
    Headers,
    HTTPTransport,
    Request,
    Response,
    UpgradedStream,
)
from brokerlink.adapter import Transport
from brokerlink.runtime.streaming import close_stream
from brokerlink.testing.journal import TranscriptLog
from brokerlink.testing.scrub import Scrubber
from brokerlink.testing.transcripts import request_key
from brokerlink.testing.wstap import TapNetworkStream

__all__ = ["RECORDED_HEADER_DROPS", "TapTransport"]

RECORDED_HEADER_DROPS: frozenset[str] = frozenset(
    {
        # framing: the replay frames the recorded body itself
        "content-length",
        "transfer-encoding",
        "content-encoding",
        "connection",
        "keep-alive",
        # credentials and wall-clock or per-request noise
        "authorization",
        "cookie",
        "set-cookie",
        "date",
        "server",
        "x-request-id",
        "x-ratelimit-expiry",  # a wall-clock timestamp (Tradier)
    }
)
"""Reply headers never written to a transcript."""

# Headers of the reply handed to the client when the tap has read and decoded the body itself.
_FRAMING = ("content-length", "transfer-encoding", "content-encoding")


def _recorded_headers(headers: Headers, scrub: Scrubber) -> dict[str, str]:
    return {
        key.lower(): scrub.text(value.encode()).decode("utf-8", "replace")
        for key, value in sorted(headers.items())
        if key.lower() not in RECORDED_HEADER_DROPS
    }


def _whole(headers: Headers, content: bytes) -> Headers:
    kept = Headers([(k, v) for k, v in headers.multi_items() if k.lower() not in _FRAMING])
    kept["content-length"] = str(len(content))
    return kept


class TapTransport(Transport):
    """Records every exchange into :attr:`log` while passing it to the real network.

    ``log`` is the transcript being recorded (save it with ``tap.log.save(path)``). A fresh inner
    transport serves each exchange and is closed with it, so one tap serves clients on any
    thread or event loop (the sync facade's REST client and its streams' loop alike);
    ``sync_transport`` and ``async_transport`` make those inner transports (tests point them
    elsewhere).
    """

    def __init__(
        self,
        log: TranscriptLog | None = None,
        *,
        scrubber: Scrubber | None = None,
        sync_transport: Callable[[], BaseTransport] = HTTPTransport,
        async_transport: Callable[[], AsyncBaseTransport] = AsyncHTTPTransport,
    ) -> None:
        self.log = log or TranscriptLog("tap", scrubber)
        self._sync = sync_transport
        self._async = async_transport

    def _entry(self, kind: str, request: Request, response: Response) -> dict[str, Any]:
        return {
            "kind": kind,
            "t": self.log.now(),
            **request_key(request, self.log.scrubber),
            "status": response.status_code,
            "headers": _recorded_headers(response.headers, self.log.scrubber),
        }

    def handle_request(self, request: Request) -> Response:
        """A sync (REST) exchange: always read whole."""
        request.read()
        request.headers["accept-encoding"] = "identity"
        started = self.log.now()
        with self._sync() as transport:
            response = transport.handle_request(request)
            try:
                content = response.read()
            finally:
                response.close()
        return self._whole(request, response, started, content)

    def _whole(
        self, request: Request, response: Response, started: float, content: bytes
    ) -> Response:
        """Record a whole reply, and hand the client a copy of it (already read)."""
        entry = self._entry("http", request, response)
        entry.update(t=started, reply=self.log.text(content))
        self.log.add(entry)
        return Response(
            response.status_code,
            headers=_whole(response.headers, content),
            content=content,
            request=request,
        )

    async def handle_async_request(self, request: Request) -> Response:
        """An async exchange: a whole reply, a stream teed as it is read, or a websocket."""
        if request.headers.get("upgrade", "").lower() == "websocket":
            return await self._websocket(request)
        await request.aread()
        request.headers["accept-encoding"] = "identity"
        started = self.log.now()
        transport, response = await self._send(request)
        if "content-length" not in response.headers and response.status_code not in (204, 304):
            entry = self._entry("http-stream", request, response)
            entry.update(t=started, frames=[], ended=False)
            self.log.add(entry)
            response.stream = _TeeStream(response.stream, entry, self.log, transport)
            return response
        try:
            content = await response.aread()
        finally:
            await response.aclose()
            await transport.aclose()
        return self._whole(request, response, started, content)

    async def _send(self, request: Request) -> tuple[AsyncBaseTransport, Response]:
        """``request`` through a transport of its own (closed here if the send fails)."""
        transport = self._async()
        try:
            return transport, await transport.handle_async_request(request)
        except BaseException:
            await transport.aclose()
            raise

    async def _websocket(self, request: Request) -> Response:
        started = self.log.now()
        transport, response = await self._send(request)
        network = response.extensions.get("network_stream")
        if response.status_code == 101 and network is not None:
            scrub = self.log.scrubber
            entry = self.log.add(
                {
                    "kind": "ws",
                    "t": started,
                    "path": scrub.text(request.url.path.encode()).decode("utf-8", "replace"),
                    "query": scrub.text(request.url.query).decode("utf-8", "replace"),
                    "events": [],
                }
            )
            network = TapNetworkStream(network, entry["events"], self.log)
            response.extensions["network_stream"] = network
        response.stream = UpgradedStream(response.stream, transport, network)
        return response

    def close(self) -> None:
        """Nothing to release: every exchange closed its own inner transport."""

    async def aclose(self) -> None:
        """Nothing to release: every exchange closed its own inner transport."""


class _TeeStream(AsyncByteStream):
    """A streamed reply's bytes, recorded frame by frame as the client reads them."""

    def __init__(
        self,
        inner: object,
        entry: dict[str, Any],
        log: TranscriptLog,
        transport: AsyncBaseTransport,
    ) -> None:
        self._inner = inner
        self._entry = entry
        self._log = log
        self._transport = transport

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = self._inner.__aiter__()  # type: ignore[attr-defined]
        try:
            async for chunk in chunks:
                self._entry["frames"].append([self._log.now(), self._log.text(chunk)])
                yield chunk
            self._entry["ended"] = True
        finally:
            # Closed with this one, as httpx2 closes ours: else the garbage collector would.
            await close_stream(chunks)

    async def aclose(self) -> None:
        await close_stream(self._inner)
        await self._transport.aclose()
