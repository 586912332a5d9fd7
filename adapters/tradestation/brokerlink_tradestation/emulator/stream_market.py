"""Market-data streams: quotes, bar charts, market depth, and the v2 tick-bar stream.

Time follows the core feeds (:mod:`brokerlink.emulator.http.feeds`): the quote and depth
streams move the simulated clock a second per short real pause, the bar stream fast-forwards a
bar at a time. A quote frame is sent when the quote changed; an unknown symbol is an in-stream
``{"Symbol": ..., "Error": "FAILED, INVALID SYMBOL"}`` and the stream goes on. The bar stream
first sends ``barsback`` closed bars (the last with ``IsEndOfHistory: true``), then each bar as
it closes (``IsRealtime: true``).

The v2 tick-bar stream writes v2 bars (numeric prices, ``"\\/Date(ms)\\/"`` timestamps, the
``Status`` bitmask: 13 = new, historical, standard close; 11 = new, real-time, standard close;
the last historical bar adds bit 29, end of history). v2 has no GoAway: :meth:`go_away` ends it
with the v2 terminator, a bare ``END`` line.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from brokerlink._http import Request
from brokerlink.emulator.http import BadRequest, Reply, query_param
from brokerlink.emulator.http.feeds import bar_feed, quote_feed
from brokerlink.errors import SymbolNotFoundError
from brokerlink.instruments import Index, Instrument
from brokerlink.models import Bar, Quote
from brokerlink_tradestation.emulator.market_payloads import (
    bar_payload,
    bar_stamp,
    day_stats,
    quote_payload,
)
from brokerlink_tradestation.emulator.marketdata import MAX_INTRADAY_BARS, timeframe_of
from brokerlink_tradestation.emulator.options import OptionsMixin
from brokerlink_tradestation.emulator.orders_out import num, ts_time
from brokerlink_tradestation.emulator.streaming import LEGACY_STREAM, StreamBase, frame

__all__ = ["MarketStreamsMixin"]

_VENUES = ("NSDQ", "ARCX", "BATS", "EDGX", "NYSE", "IEXG", "MEMX", "EDGA")
_HISTORICAL, _REALTIME, _END_OF_HISTORY = 13, 11, 1 << 29


def _fingerprint(quote: Quote) -> tuple[Any, ...]:
    return quote.bid, quote.ask, quote.last, quote.bid_size, quote.ask_size, quote.volume


def _size(seed: str, level: int) -> int:
    return 100 * (1 + zlib.crc32(f"{seed}|{level}".encode()) % 40)


class MarketStreamsMixin(OptionsMixin, StreamBase):
    """Handlers of the ``/marketdata/stream`` family and ``/v2/stream/tickbars``."""

    def quote_stream_reply(self, request: Request, symbols: str) -> Reply:
        """``GET /marketdata/stream/quotes/{symbols}`` (at most 100)."""
        texts = list(dict.fromkeys(p.strip().upper() for p in symbols.split(",") if p.strip()))
        if not 1 <= len(texts) <= 100:
            raise BadRequest(f"1 to 100 symbols may be streamed; got {len(texts)}")
        known: dict[str, Instrument] = {}
        failures = []
        for text in texts:
            try:
                known[text] = self.instrument(text)
            except SymbolNotFoundError:
                failures.append(frame({"Symbol": text, "Error": "FAILED, INVALID SYMBOL"}))

        async def body() -> AsyncIterator[bytes | None]:
            for failure in failures:
                yield failure
            if not known:
                async for item in self.idle():
                    yield item
            names = list(known)
            stats = {name: day_stats(self.engine, inst) for name, inst in known.items()}
            seen: dict[str, tuple[Any, ...]] = {}
            async for quotes in quote_feed(self.engine, list(known.values())):
                changed = False
                for name, quote in zip(names, quotes, strict=True):
                    print_ = _fingerprint(quote)
                    if seen.get(name) != print_:
                        seen[name], changed = print_, True
                        yield frame(
                            quote_payload(name, quote, stats[name], percent_as_fraction=True)
                        )
                if not changed:
                    yield None

        return self.stream(body(), brokerage=False)

    def bar_stream_reply(self, request: Request, symbol: str) -> Reply:
        """``GET /marketdata/stream/barcharts/{symbol}``."""
        inst = self.instrument(symbol)
        frame_ = timeframe_of(query_param(request, "unit"), query_param(request, "interval"))
        text = query_param(request, "barsback", "1") or "1"
        if not text.isdigit() or not 1 <= int(text) <= MAX_INTRADAY_BARS:
            raise BadRequest(f"barsback must be 1-{MAX_INTRADAY_BARS:,}; got {text!r}")
        sessions = self.sessions_for(request, inst)
        now = self.engine.now()
        history = [
            b
            for b in self.history(inst, frame_, sessions, None, now, int(text) + 1)
            if bar_stamp(inst, frame_, b, now) <= now
        ][-int(text) :]

        async def body() -> AsyncIterator[bytes | None]:
            for i, bar in enumerate(history):
                stamp = bar_stamp(inst, frame_, bar, now)
                last = i == len(history) - 1
                yield frame(bar_payload(bar, stamp, closed=True, end_of_history=last, realtime=False))  # fmt: skip
            after = history[-1].time if history else None
            async for bar in bar_feed(self.engine, inst, frame_, after=after):
                stamp = bar_stamp(inst, frame_, bar, self.engine.now())
                yield frame(bar_payload(bar, stamp, closed=True, end_of_history=False, realtime=True))  # fmt: skip

        return self.stream(body(), brokerage=False)

    def _depth_source(self, symbol: str, request: Request) -> tuple[Instrument, int]:
        inst = self.instrument(symbol)
        if isinstance(inst, Index):
            raise BadRequest(f"{symbol}: market depth is available for equities, futures, options")
        text = query_param(request, "maxlevels", "20") or "20"
        if not text.isdigit() or not 1 <= int(text) <= 50:
            raise BadRequest("maxlevels must be 1-50")
        return inst, int(text)

    def depth_stream_reply(self, request: Request, symbol: str, aggregated: bool) -> Reply:
        """``GET /marketdata/stream/marketdepth/{quotes|aggregates}/{symbol}``."""
        inst, levels = self._depth_source(symbol, request)
        tick = (inst.details.tick_size if inst.details else None) or Decimal("0.01")

        async def body() -> AsyncIterator[bytes | None]:
            seen: tuple[Any, ...] | None = None
            async for quotes in quote_feed(self.engine, [inst]):
                quote = quotes[0]
                if _fingerprint(quote) == seen or quote.bid is None or quote.ask is None:
                    yield None
                    continue
                seen = _fingerprint(quote)
                stamp = ts_time(quote.time or self.engine.now())
                book = {
                    "Bids": [self._level(quote.bid - i * tick, "Bid", i, stamp, aggregated)
                             for i in range(levels)],
                    "Asks": [self._level(quote.ask + i * tick, "Ask", i, stamp, aggregated)
                             for i in range(levels)],
                }  # fmt: skip
                yield frame(book)

        return self.stream(body(), brokerage=False)

    def _level(self, price: Decimal, side: str, i: int, stamp: str, aggregated: bool) -> dict[str, Any]:  # fmt: skip
        size = _size(f"{side}{price}", i)
        if not aggregated:
            return {"TimeStamp": stamp, "Side": side, "Price": num(price), "Size": str(size),
                    "OrderCount": 1 + size // 400, "Name": _VENUES[i % len(_VENUES)]}  # fmt: skip
        participants = 1 + i % 5
        return {
            "EarliestTime": stamp, "LatestTime": stamp, "Side": side, "Price": num(price),
            "TotalSize": str(size * participants), "BiggestSize": str(size),
            "SmallestSize": str(100), "NumParticipants": participants,
            "TotalOrderCount": participants * (1 + size // 400),
        }  # fmt: skip

    # -- v2 tick bars ---------------------------------------------------------------------------
    def tickbar_stream_reply(self, request: Request, symbol: str, interval: str, bars_back: str) -> Reply:  # fmt: skip
        """``GET /v2/stream/tickbars/{symbol}/{interval}/{barsBack}``."""
        if not interval.isdigit() or not 1 <= int(interval) <= 64999:
            return self.v2_error(400, "interval must be 1-64999 ticks")
        if not bars_back.isdigit() or not 1 <= int(bars_back) <= 10:
            return self.v2_error(400, "barsBack must be 1-10")
        try:
            inst = self.instrument(symbol)
        except SymbolNotFoundError:
            return self.v2_error(404, f"symbol {symbol} not found")
        ticks_per_bar, count = int(interval), int(bars_back)

        started = self.go_away_generation

        async def body() -> AsyncIterator[bytes]:
            start = self.engine.now() - timedelta(days=5)
            ticks = self.engine.bars(inst, "tick", start)
            groups = [ticks[i : i + ticks_per_bar] for i in range(0, len(ticks), ticks_per_bar)]
            complete = [g for g in groups if len(g) == ticks_per_bar][-count:]
            for i, group in enumerate(complete):
                status = _HISTORICAL | (_END_OF_HISTORY if i == len(complete) - 1 else 0)
                yield _v2_bar(group, status)
            pending: list[Bar] = []
            cursor = self.engine.now()
            # Ticks are sparse: move the clock faster than the quote stream does.
            async for _quotes in quote_feed(self.engine, [inst], step=timedelta(seconds=20)):
                if self.go_away_generation != started:
                    yield b"END\r\n"  # v2 streams end with a bare END line (no GoAway in v2)
                    return
                now = self.engine.now()
                pending += self.engine.bars(inst, "tick", cursor, now)
                cursor = now
                while len(pending) >= ticks_per_bar:
                    yield _v2_bar(pending[:ticks_per_bar], _REALTIME)
                    pending = pending[ticks_per_bar:]

        return Reply.stream(body(), content_type=LEGACY_STREAM)


def _v2_bar(ticks: list[Bar], status: int) -> bytes:
    prices = [t.close for t in ticks]
    volume = int(sum(t.volume for t in ticks))
    ups = sum(1 for a, b in pairwise(prices) if b > a)
    downs = sum(1 for a, b in pairwise(prices) if b < a)
    epoch = int(ticks[-1].time.timestamp() * 1000)
    fields = (
        ("Close", num(prices[-1])), ("DownTicks", downs),
        ("DownVolume", volume * downs // len(ticks)), ("High", num(max(prices))),
        ("Low", num(min(prices))), ("Open", num(prices[0])), ("Status", status),
        # .NET wrote dates as "\/Date(ms)\/" with escaped slashes: keep the wire as it was.
        ("TimeStamp", f'"\\/Date({epoch})\\/"'), ("TotalTicks", len(ticks)),
        ("TotalVolume", volume), ("UnchangedTicks", len(ticks) - 1 - ups - downs),
        ("UnchangedVolume", 0), ("UpTicks", ups), ("UpVolume", volume * ups // len(ticks)),
        ("OpenInterest", 0),
    )  # fmt: skip
    # Prices are JSON numbers in v2; written from Decimal text so no float rounding creeps in.
    text = ",".join(f'"{name}":{value}' for name, value in fields)
    return b"{" + text.encode() + b"}\r\n"
