"""Benchmark: a served TradeStation quote stream into ``QuoteEvent``s, as a ratio to raw httpx2.

Run: ``uv run python bench/bench_ts_quote_stream.py``. The target is a ratio of at most 1.5.

Both paths read the same chunked stream over loopback, interleaved, best of N runs:

- **baseline**: a bare ``httpx2.AsyncClient`` streaming ``GET /v3/marketdata/stream/quotes/...``
  with the bearer header, ``aiter_lines()`` and ``orjson.loads`` on every line;
- **ours**: ``bl.connect_async("tradestation:emulator", base_url=...)`` then
  ``broker.stream_quotes(...)``: the same bytes through the adapter's framing (heartbeats, idle
  timeout, GoAway), merged per symbol and decoded into ``QuoteEvent`` models.

The server runs in a child process, so its CPU never lands in the timings of this process,
which only decodes. Wall-clock time and this process's CPU time (``time.process_time``) are
both reported per frame; the exit status is 1 when either ratio is above the target.

Why the frames are replayed: the emulator computes every quote from its price model at about
0.3-0.6 ms a frame (and pauses 10 ms of real time between clock steps), far slower than either
client decodes. Streamed live, both paths mostly wait for the server and the ratio says nothing
about decoding (``--live`` shows it: the ratio drifts to ~1). So the child first records the
emulator's own quote stream (the ``TradeStationFront`` handler's exact bytes), then serves the
recording from a front subclass on the same route, with the same auth check, content type and
heartbeat/GoAway pacing, looping it as fast as the socket takes it. The bytes go out in 16 KiB
chunks cut anywhere (frames split across chunks, several in one): TradeStation's chunk
boundaries mean nothing, and this way the server stays ahead of both clients.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import time
from collections.abc import AsyncGenerator, AsyncIterator, Coroutine
from multiprocessing.connection import Connection
from typing import Any

import orjson
from brokerlink_tradestation.emulator.front import TradeStationFront

import brokerlink as bl
from brokerlink._http import AsyncClient, Request
from brokerlink.emulator import Engine
from brokerlink.emulator.http import Front, Reply

_SEED = 7
_AUTH = {"Authorization": "Bearer bench"}
Timing = tuple[float, float]
"""Wall-clock seconds and this process's CPU seconds for the timed frames of one run."""


def bench_symbols() -> list[str]:
    """Every equity and ETF the emulator lists by default: 42 symbols on one stream."""
    from brokerlink.emulator.defaults import DEFAULT_SYMBOLS
    from brokerlink.enums import AssetClass

    return [spec.key for spec in DEFAULT_SYMBOLS if spec.kind is AssetClass.EQUITY]


# -- the server (child process) -----------------------------------------------------------------
class ReplayFront(TradeStationFront):
    """The TradeStation front, answering one quote stream from a recording of itself."""

    def __init__(self, engine: Engine, symbols: list[str], pieces: list[bytes]) -> None:
        super().__init__(engine)
        self._symbols, self._pieces = symbols, pieces

    def quote_stream_reply(self, request: Request, symbols: str) -> Reply:
        """The recording, looped, for the recorded symbols; the emulator's own answer otherwise."""
        if symbols.split(",") != self._symbols:
            return super().quote_stream_reply(request, symbols)
        return self.stream(self._loop(), brokerage=False)

    async def _loop(self) -> AsyncIterator[bytes | None]:
        while True:
            for piece in self._pieces:
                yield piece


async def record(front: Front, path: str, frames: int) -> bytes:
    """The first ``frames`` data frames the emulator's own quote stream sends on ``path``."""
    reply = front.handle(Request("GET", "http://emulator" + path, headers=_AUTH))
    body = reply.body
    assert reply.status == 200, reply
    assert isinstance(body, AsyncGenerator), reply
    kept: list[bytes] = []
    async for item in body:
        if b'"Heartbeat"' not in item:
            kept.append(item)
        if len(kept) == frames:
            break
    await body.aclose()
    return b"".join(kept)


def serve_emulator(
    symbols: list[str], frames: int, chunk: int, live: bool, conn: Connection
) -> None:
    """Child process: serve the emulator (or its recorded quote stream) until told to stop.

    Sends ``(api_root, frames_recorded, bytes_recorded)`` once listening (zeros when ``live``).
    """
    from brokerlink.emulator.http import serve
    from brokerlink.emulator.serving import servable_emulator

    emulator = servable_emulator("tradestation", seed=_SEED)
    front, size = emulator.front, 0
    if not live:
        path = "/v3/marketdata/stream/quotes/" + ",".join(symbols)
        recording = asyncio.run(record(front, path, frames))
        size = len(recording)
        pieces = [recording[i : i + chunk] for i in range(0, size, chunk)]
        front = ReplayFront(emulator.engine, symbols, pieces)
    handle = serve(front)
    conn.send((emulator.api_root(handle.url), 0 if live else frames, size))
    conn.recv()  # any message means stop
    handle.stop()


# -- the two clients ----------------------------------------------------------------------------
async def raw_httpx(url: str, warmup: int, count: int) -> Timing:
    """Baseline: read lines with httpx2 and ``orjson.loads`` them, skipping heartbeats."""
    seen, began = 0, (0.0, 0.0)
    async with (
        AsyncClient(timeout=30) as client,
        client.stream("GET", url, headers=_AUTH) as response,
    ):
        response.raise_for_status()
        async for line in response.aiter_lines():
            if not line:
                continue
            frame = orjson.loads(line)
            if "Heartbeat" in frame:
                continue
            seen += 1
            if seen == warmup:
                began = (time.perf_counter(), time.process_time())
            elif seen == warmup + count:
                break
        ended = (time.perf_counter(), time.process_time())
    return ended[0] - began[0], ended[1] - began[1]


async def brokerlink_events(root: str, symbols: list[str], warmup: int, count: int) -> Timing:
    """Ours: ``broker.stream_quotes`` through the TradeStation adapter into ``QuoteEvent``s."""
    seen, began = 0, (0.0, 0.0)
    async with bl.connect_async(
        "tradestation:emulator", base_url=root, auth=bl.StaticToken("bench")
    ) as broker:
        events = broker.stream_quotes(symbols)
        async for event in events:
            assert event.quote.bid is not None
            seen += 1
            if seen == warmup:
                began = (time.perf_counter(), time.process_time())
            elif seen == warmup + count:
                break
        ended = (time.perf_counter(), time.process_time())
        assert isinstance(events, AsyncGenerator)
        await events.aclose()  # closes the HTTP response
    return ended[0] - began[0], ended[1] - began[1]


def timed(run: Coroutine[Any, Any, Timing]) -> Timing:
    """One stream read in a fresh event loop, after a full collection (the collector stays on:
    a stream consumer pays for its garbage)."""
    gc.collect()
    return asyncio.run(run)


def main() -> int:
    """Measure both paths side by side and print the ratios; exit 1 above the target."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=30_000, help="timed frames per run")
    parser.add_argument("--warmup", type=int, default=2_000, help="untimed frames first")
    parser.add_argument("--repeat", type=int, default=9, help="runs of each path")
    parser.add_argument("--record", type=int, default=4_200, help="frames recorded to replay")
    parser.add_argument("--chunk", type=int, default=16_384, help="bytes per HTTP chunk")
    parser.add_argument("--live", action="store_true", help="stream the live emulator instead")
    parser.add_argument("--target", type=float, default=1.5)
    args = parser.parse_args()

    symbols = bench_symbols()
    ctx = multiprocessing.get_context("spawn")
    ours_end, child_end = ctx.Pipe()
    server = ctx.Process(
        target=serve_emulator,
        args=(symbols, args.record, args.chunk, args.live, child_end),
        daemon=True,
    )
    server.start()
    best = {"base": (float("inf"), float("inf")), "ours": (float("inf"), float("inf"))}
    try:
        if not ours_end.poll(120):
            raise SystemExit("the emulator did not start within 2 minutes")
        root, recorded, size = ours_end.recv()
        url = f"{root}/marketdata/stream/quotes/{','.join(symbols)}"
        # Warm-up: imports, first connections, allocator and caches.
        timed(raw_httpx(url, args.warmup, args.warmup))
        timed(brokerlink_events(root, symbols, args.warmup, args.warmup))
        for i in range(args.repeat):  # interleaved, order swapped each round: drift hits both
            for name in ("base", "ours") if i % 2 == 0 else ("ours", "base"):
                wall, cpu = timed(
                    raw_httpx(url, args.warmup, args.frames)
                    if name == "base"
                    else brokerlink_events(root, symbols, args.warmup, args.frames)
                )
                best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    finally:
        ours_end.send("stop")
        server.join(10)
        if server.is_alive():
            server.terminate()

    (base_wall, base_cpu), (ours_wall, ours_cpu) = best["base"], best["ours"]
    wall_ratio, cpu_ratio = ours_wall / base_wall, ours_cpu / base_cpu
    us = 1e6 / args.frames
    source = (
        "the live emulator (quotes computed and paced as it streams)"
        if args.live
        else f"the emulator's recorded stream ({recorded:,} frames, {size / recorded:.0f} B/frame)"
        f" looped in {args.chunk // 1024} KiB chunks"
    )
    print(f"stream : {len(symbols)} symbols, {args.frames:,} timed frames a run, best of {args.repeat}")  # fmt: skip
    print(f"server : {source}, in a child process")
    print(f"raw httpx2 + orjson.loads : wall {base_wall * us:7.2f} us/frame  cpu {base_cpu * us:7.2f} us/frame")  # fmt: skip
    print(f"brokerlink -> QuoteEvent  : wall {ours_wall * us:7.2f} us/frame  cpu {ours_cpu * us:7.2f} us/frame")  # fmt: skip
    print(f"ratio                     : wall {wall_ratio:7.2f}x          cpu {cpu_ratio:7.2f}x  (target <= {args.target:.1f}x)")  # fmt: skip
    return 0 if max(wall_ratio, cpu_ratio) <= args.target else 1


if __name__ == "__main__":
    raise SystemExit(main())
