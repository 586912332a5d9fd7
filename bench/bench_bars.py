"""Benchmark: 100,000 bars from JSON bytes to ``Bar`` models, as a ratio to ``orjson.loads``.

Run: ``uv run python bench/bench_bars.py``. Both paths decode the same bytes in the same
process, interleaved, best of N; the target is a ratio of at most 2.0.

The payload has the shape of TradeStation's documented ``GET /v3/marketdata/barcharts`` answer
(``refs/tradestation/examples/GET_marketdata_barcharts.json``): string prices, a ``TimeStamp``
at the end of each interval and a dozen extra keys our path must skip.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import orjson

from brokerlink.bulk import BarLayout, bar_decoder

TRADESTATION_LAYOUT = BarLayout(
    time="TimeStamp",
    open="Open",
    high="High",
    low="Low",
    close="Close",
    volume="TotalVolume",
    container="Bars",
    stamp="end",
)


def make_payload(count: int) -> bytes:
    """``count`` one-minute bars in TradeStation's documented shape."""
    start = datetime(2024, 1, 2, 14, 31, tzinfo=UTC)
    bars = []
    for i in range(count):
        base = 100 + (i % 500) / 100
        bars.append(
            {
                "High": f"{base + 0.35:.2f}",
                "Low": f"{base - 0.4:.2f}",
                "Open": f"{base:.2f}",
                "Close": f"{base + 0.12:.2f}",
                "TimeStamp": (start + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "TotalVolume": str(1000 + i % 977),
                "DownTicks": 12,
                "DownVolume": 480,
                "OpenInterest": "0",
                "IsRealtime": False,
                "IsEndOfHistory": i == count - 1,
                "TotalTicks": 31,
                "UnchangedTicks": 1,
                "UnchangedVolume": 20,
                "UpTicks": 18,
                "UpVolume": 520,
                "Epoch": 1704205860000 + i * 60000,
                "BarStatus": "Closed",
            }
        )
    return orjson.dumps({"Bars": bars})


def best_of(func: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` timed calls, with the collector paused as timeit does."""
    timings = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        began = time.perf_counter()
        func()
        timings.append(time.perf_counter() - began)
        gc.enable()
    return min(timings)


def main() -> int:
    """Measure both paths side by side and print the ratio; exit 1 above the target."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bars", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--target", type=float, default=2.0)
    args = parser.parse_args()

    body = make_payload(args.bars)
    decode = bar_decoder(TRADESTATION_LAYOUT, interval=timedelta(minutes=1))
    bars = decode(body)
    assert len(bars) == args.bars
    assert bars[0].time == datetime(2024, 1, 2, 14, 30, tzinfo=UTC)

    baseline = ours = float("inf")
    for _ in range(2):  # interleave so drift in machine load hits both paths alike
        baseline = min(baseline, best_of(lambda: orjson.loads(body), args.repeat))
        ours = min(ours, best_of(lambda: decode(body), args.repeat))
    ratio = ours / baseline
    print(f"payload: {args.bars:,} bars, {len(body) / 1e6:.1f} MB")
    print(f"orjson.loads only      : {baseline * 1e3:8.1f} ms")
    print(f"brokerlink bytes->Bar  : {ours * 1e3:8.1f} ms  ({ours / args.bars * 1e9:.0f} ns/bar)")
    print(f"ratio                  : {ratio:.2f}x  (target <= {args.target:.1f}x)")
    return 0 if ratio <= args.target else 1


if __name__ == "__main__":
    raise SystemExit(main())
