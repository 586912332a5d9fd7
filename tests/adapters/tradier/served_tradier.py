"""The Tradier emulator served on a loopback port, with the real Tradier client connected to it.

:class:`ServedTradier` serves the emulator front (``serve(emulator_front(engine, options))``; the
front here is :class:`RecordingFront`, the same front that also writes down what it answered) on
``127.0.0.1:0`` and connects the real adapter with
``bl.connect_async("tradier:<environment>", base_url="<served url>/v1", auth=bl.StaticToken(...))``,
so REST, the HTTP market stream and the account websocket all cross real sockets.

The front's wall clock (rate-limit windows, stream-session expiry) is a :class:`SkewClock`: real
time plus an offset a test may push forward, which is how "five minutes unused" is reached in
milliseconds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import attrs
from brokerlink_tradier.emulator import TradierFront, TradierOptions

import brokerlink as bl
from brokerlink._http import Request
from brokerlink.emulator import Engine
from brokerlink.emulator.http import Reply, ServerHandle, serve

__all__ = ["RecordingFront", "Seen", "ServedTradier", "SkewClock", "until"]

TOKEN = "served-token"


class SkewClock:
    """Wall-clock seconds plus an offset that only grows (:meth:`skip`)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def skip(self, seconds: float) -> None:
        """Jump ``seconds`` ahead (sessions age, rate windows roll)."""
        self.offset += seconds


@attrs.frozen
class Seen:
    """One request the front answered: what was asked, the answer's status, and when
    (``time.monotonic``)."""

    method: str
    path: str
    params: dict[str, str]
    status: int
    at: float


class RecordingFront(TradierFront):
    """The Tradier front, writing down every request it answers (websocket messages excepted)
    and calling ``hooks`` with each, on the server's thread."""

    def __init__(self, engine: Engine, options: TradierOptions | None, clock: SkewClock) -> None:
        super().__init__(engine, options, clock=clock)
        self.seen: list[Seen] = []
        self.hooks: list[Callable[[Seen], None]] = []

    def handle(self, request: Request) -> Reply:
        """Answer as Tradier would, then record the exchange."""
        reply = super().handle(request)
        seen = Seen(
            method=request.method,
            path=request.url.path,
            params=dict(request.url.params),
            status=reply.status,
            at=time.monotonic(),
        )
        self.seen.append(seen)
        for hook in list(self.hooks):
            hook(seen)
        return reply


class ServedTradier:
    """A served Tradier emulator: ``engine``, ``front``, ``clock``, ``handle`` (``url``,
    ``stop()``); :meth:`connect` gives a real client for it."""

    def __init__(self, options: TradierOptions | None = None) -> None:
        self.engine = Engine()
        self.clock = SkewClock()
        self.front = RecordingFront(self.engine, options, self.clock)
        self.handle: ServerHandle = serve(self.front, host="127.0.0.1", port=0)

    @property
    def base_url(self) -> str:
        """The REST root of the served front."""
        return f"{self.handle.url}/v1"

    def connect(self, environment: str = "emulator", account: str | None = None) -> bl.AsyncBroker:
        """The real Tradier client for ``environment``, relocated to the served front
        (``account``: the default account, which only the emulator environment names)."""
        return bl.connect_async(
            f"tradier:{environment}",
            base_url=self.base_url,
            auth=bl.StaticToken(TOKEN),
            account=account,  # None: the environment's default
        )

    def requests(self, method: str, path: str) -> list[Seen]:
        """The recorded requests of ``method`` to exactly ``path`` (``/v1/...``), in order."""
        return [s for s in list(self.front.seen) if s.method == method and s.path == path]

    def stop(self) -> None:
        """Stop serving."""
        self.handle.stop()


async def until(condition: Callable[[], bool], *, timeout: float = 5.0, what: str = "") -> None:
    """Wait (polling every 10 ms) until ``condition()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what or condition}")
        await asyncio.sleep(0.01)
