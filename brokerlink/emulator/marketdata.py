"""Quotes, bars and option chains built from the seeded prices (DESIGN §4 bar conventions).

All numbers are Decimals rounded to the instrument's tick. Intraday bars are stamped with the
start of their interval (aligned like :meth:`~brokerlink.timeframes.Timeframe.floor`); daily bars
with 00:00 UTC of their trading date; weekly and monthly bars with the week's Monday or the
month's first day. Only completed minutes are served: nothing after ``now`` is ever visible.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_FLOOR, Decimal
from functools import partial

from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.pricer import OHLC, Pricer, epoch_minute, round_to_tick
from brokerlink.emulator.universe import FUTURE_OPTION_STRIKES_LISTED
from brokerlink.enums import AssetClass, OptionRight
from brokerlink.instruments import Future, FutureOption, Instrument, Option
from brokerlink.models.market import Bar, OptionChain, OptionExpiration, OptionStrike, Quote
from brokerlink.timeframes import Timeframe

__all__ = ["MarketData", "schedule_of"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MINUTE = timedelta(minutes=1)
_DAILY_SAMPLE_STEP = 15  # minutes between samples of a daily bar's range
_SIZE_LOTS = {
    AssetClass.EQUITY: Decimal(100),
    AssetClass.OPTION: Decimal(1),
    AssetClass.FUTURE: Decimal(1),
    AssetClass.FUTURE_OPTION: Decimal(1),
    AssetClass.INDEX: Decimal(1),
    AssetClass.CRYPTO: Decimal("0.1"),
}


def schedule_of(inst: Instrument) -> mkt.Schedule:
    """The trading-hours schedule of an instrument."""
    return mkt.schedule_for(inst.asset_class)


def _at_minute(minute: int) -> datetime:
    return _EPOCH + timedelta(minutes=minute)


class MarketData:
    """Model-level market data over a :class:`~brokerlink.emulator.pricer.Pricer`."""

    def __init__(self, pricer: Pricer) -> None:
        self.pricer = pricer

    # -- quotes -------------------------------------------------------------------------------

    def effective_time(self, inst: Instrument, at: datetime) -> datetime:
        """``at`` while the instrument trades; otherwise the end of its last session, so quotes
        freeze over nights and weekends instead of drifting."""
        schedule = schedule_of(inst)
        if mkt.session_at(schedule, at) is not mkt.Session.CLOSED:
            return at
        last = mkt.previous_close(schedule, at, extended=True)
        return last - timedelta(seconds=1) if last is not None else at

    def spread_ticks(self, inst: Instrument, mid: float, tick: Decimal, minute: int) -> int:
        """Width of the quoted spread in ticks: one or two ticks, wider for options and for
        instruments whose tick is small against their price."""
        if isinstance(inst, Option | FutureOption):
            return max(1, math.ceil(mid * 0.03 / float(tick)))
        wobble = 1 + int(self.pricer.hashed(inst, minute, 1) * 2)
        return max(wobble, math.ceil(mid * 0.00002 / float(tick)))

    def quote(self, inst: Instrument, at: datetime) -> Quote:
        """A fully populated quote at ``at``: ``bid < ask``, last within them, sizes, volume."""
        when = self.effective_time(inst, at)
        mid = self.pricer.mid(inst, when)
        tick = self.pricer.tick(inst)
        minute = epoch_minute(when)
        ticks = self.spread_ticks(inst, mid, tick, minute)
        bid = round_to_tick(mid - ticks * float(tick) / 2.0, tick, ROUND_FLOOR)
        if bid < 0:
            bid = Decimal(0) * tick
        ask = bid + ticks * tick
        last = min(max(round_to_tick(mid, tick), bid), ask)
        lot = _SIZE_LOTS[inst.asset_class]
        bid_size = lot * (1 + int(self.pricer.hashed(inst, minute, 2) * 10))
        ask_size = lot * (1 + int(self.pricer.hashed(inst, minute, 3) * 10))
        return Quote(
            instrument=inst,
            bid=bid,
            ask=ask,
            last=last,
            bid_size=bid_size,
            ask_size=ask_size,
            time=when.replace(microsecond=0),
            volume=Decimal(self._volume_so_far(inst, when)),
        )

    def _volume_so_far(self, inst: Instrument, at: datetime) -> int:
        schedule = schedule_of(inst)
        windows = mkt.windows_on(schedule, mkt.trading_date(schedule, at))
        if not windows:
            return 0
        total = (windows[-1][1] - windows[0][0]).total_seconds()
        elapsed = min(max((at - windows[0][0]).total_seconds(), 0.0), total)
        return int(self.pricer.daily_volume(inst) * elapsed / total)

    # -- bars ---------------------------------------------------------------------------------

    def bars(
        self,
        inst: Instrument,
        timeframe: Timeframe,
        start: datetime,
        end: datetime,
        *,
        now: datetime | None = None,
        extended: bool = False,
    ) -> list[Bar]:
        """Bars of ``inst`` whose time falls in ``[start, end)``, built from minutes before ``now``
        (default ``end``).

        Intraday bars cover the regular session only unless ``extended``; futures and crypto
        have a single session. The last bar may be partial (built from the minutes so far).
        """
        now = end if now is None else now
        end = min(end, now)
        if end <= start:
            return []
        if timeframe.unit == "tick":
            return self._ticks(inst, start, end, extended)
        if timeframe.is_intraday:
            return self._intraday(inst, timeframe, start, end, extended)
        days = self._daily(inst, timeframe.floor(start), end, now, extended)
        if timeframe.unit == "d":
            return [bar for bar in days if bar.time >= timeframe.floor(start)]
        return _aggregate(days, timeframe.floor)

    def _rounder(self, inst: Instrument) -> Callable[[OHLC, int, int], Bar]:
        tick = self.pricer.tick(inst)
        tick_f = float(tick)
        fast = self.pricer.fast_round

        def build(ohlc: OHLC, minute: int, volume: int) -> Bar:
            o, h, lo, c = ohlc
            return Bar(
                time=_at_minute(minute),
                open=fast(o, tick, tick_f, 0),
                high=fast(h, tick, tick_f, 1),
                low=fast(lo, tick, tick_f, -1),
                close=fast(c, tick, tick_f, 0),
                volume=Decimal(volume),
            )

        return build

    def _intraday(
        self, inst: Instrument, timeframe: Timeframe, start: datetime, end: datetime, extended: bool
    ) -> list[Bar]:
        step = int((timeframe.duration or _MINUTE) / _MINUTE)
        per_minute = self.pricer.daily_volume(inst) / 390.0
        tick = self.pricer.tick(inst)
        inv = 1.0 / float(tick)
        weight = self.pricer.path(self.pricer.spec(inst)).volume_weight
        floor, ceil = math.floor, math.ceil
        bars: list[Bar] = []
        # The bar being accumulated: bucket minute, open, high, low, close, volume.
        bucket_of = -1
        o = h = lo = c = 0.0
        volume = 0

        def flush() -> None:
            # Rounding happens once per bar: nearest tick for open/close, outwards for the range,
            # which keeps low <= open, close <= high after rounding. The epsilon absorbs float
            # noise on values that are exact multiples of the tick.
            bars.append(
                Bar(
                    time=_EPOCH + timedelta(minutes=bucket_of),
                    open=Decimal(round(o * inv)) * tick,
                    high=Decimal(ceil(h * inv - 1e-9)) * tick,
                    low=Decimal(floor(lo * inv + 1e-9)) * tick,
                    close=Decimal(round(c * inv)) * tick,
                    volume=Decimal(volume),
                )
            )

        for lo_t, hi_t in mkt.trading_windows(schedule_of(inst), start, end, extended):
            first = ceil((lo_t - _EPOCH).total_seconds() / 60.0)
            count = floor((hi_t - _EPOCH).total_seconds() / 60.0) - first
            if count <= 0:
                continue
            for i, (m_o, m_h, m_l, m_c) in enumerate(self.pricer.minute_run(inst, first, count)):
                minute = first + i
                day = minute - minute % 1440
                bucket = day + ((minute - day) // step) * step
                m_v = max(1, int(per_minute * weight(minute)))
                if bucket == bucket_of:
                    h = max(h, m_h)
                    lo = min(lo, m_l)
                    c = m_c
                    volume += m_v
                    continue
                if bucket_of >= 0:
                    flush()
                bucket_of, o, h, lo, c, volume = bucket, m_o, m_h, m_l, m_c, m_v
        if bucket_of >= 0:
            flush()
        return bars

    def _ticks(self, inst: Instrument, start: datetime, end: datetime, extended: bool) -> list[Bar]:
        """One synthetic trade per trading minute, at a hashed second within it."""
        tick = self.pricer.tick(inst)
        lot = _SIZE_LOTS[inst.asset_class]
        bars = []
        for minute_start in mkt.trading_minutes(schedule_of(inst), start, end, extended):
            minute = epoch_minute(minute_start)
            at = minute_start + timedelta(seconds=int(self.pricer.hashed(inst, minute, 4) * 60))
            if at >= end:
                break
            price = round_to_tick(self.pricer.mid(inst, at), tick)
            size = lot * (1 + int(self.pricer.hashed(inst, minute, 5) * 5))
            bars.append(Bar(time=at, open=price, high=price, low=price, close=price, volume=size))
        return bars

    def _daily(
        self, inst: Instrument, start: datetime, end: datetime, now: datetime, extended: bool
    ) -> list[Bar]:
        schedule = schedule_of(inst)
        build = self._rounder(inst)
        bars: list[Bar] = []
        day = start.date()
        while datetime.combine(day, time(0), tzinfo=UTC) < end:
            windows = [
                w for w in mkt.windows_on(schedule, day) if extended or w[2] is mkt.Session.REGULAR
            ]
            if windows and windows[0][0] < now:
                bars.append(
                    self._day_bar(inst, day, windows[0][0], min(windows[-1][1], now), build)
                )
            day += timedelta(days=1)
        return bars

    def _day_bar(
        self,
        inst: Instrument,
        day: date,
        opens: datetime,
        closes: datetime,
        build: Callable[[OHLC, int, int], Bar],
    ) -> Bar:
        first = epoch_minute(opens)
        last = math.ceil((closes - _EPOCH).total_seconds() / 60.0) - 1
        # A couple of dozen sampled minutes per day bound the range: a year of daily bars then
        # costs a few thousand minute evaluations instead of a hundred thousand.
        step = max(_DAILY_SAMPLE_STEP, (last - first) // 24)
        samples = [*range(first, last, step), last]
        run = self.pricer.minute_run
        ranges = [run(inst, m, 1)[0] for m in samples]
        ohlc = (
            ranges[0][0],
            max(r[1] for r in ranges),
            min(r[2] for r in ranges),
            ranges[-1][3],
        )
        session_minutes = max(1, last - first + 1)
        draw = 0.6 + 0.8 * self.pricer.hashed(inst, first, 6)
        full_day = self.pricer.daily_volume(inst) * draw
        volume = max(1, int(full_day * min(1.0, session_minutes / _session_length(inst, day))))
        midnight = epoch_minute(datetime.combine(day, time(0), tzinfo=UTC))
        return build(ohlc, midnight, volume)

    # -- option chains ------------------------------------------------------------------------

    def option_chain(
        self, underlying: Instrument, at: datetime, expiration: date | None = None
    ) -> OptionChain:
        """The listed options on ``underlying`` at ``at`` (one expiration when given).

        Strikes are the grid around the current price; an unlisted ``expiration`` gives a chain
        with no expirations. A futures contract's chain holds its futures options.
        """
        universe = self.pricer.universe
        spot = self.pricer.mid(underlying, self.effective_time(underlying, at))
        today = mkt.trading_date(mkt.Schedule.EQUITY, at)
        listed: list[tuple[date, Callable[[OptionRight, Decimal], Option | FutureOption]]]
        if isinstance(underlying, Future):
            strikes = universe.strikes(f"/{underlying.root}", spot, FUTURE_OPTION_STRIKES_LISTED)
            listed = [
                (day, partial(universe.future_option, underlying, day, root))
                for day, root in universe.future_option_expirations(underlying, today)
            ]
        else:
            strikes = universe.strikes(str(underlying), spot)
            root = universe.option_root_for(underlying)
            listed = [(day, partial(Option, root, day)) for day in universe.expirations(today)]
        expirations = []
        for day, contract in listed:
            if expiration not in (None, day):
                continue
            rows = []
            for strike in strikes:
                call = universe.with_details(contract(OptionRight.CALL, strike))
                put = universe.with_details(contract(OptionRight.PUT, strike))
                rows.append(OptionStrike(strike=call.strike, call=call, put=put))
            expirations.append(OptionExpiration(date=day, strikes=tuple(rows)))
        return OptionChain(underlying=underlying, expirations=tuple(expirations))


def _session_length(inst: Instrument, day: date) -> float:
    windows = mkt.windows_on(schedule_of(inst), day)
    return max(1.0, sum((hi - lo).total_seconds() for lo, hi, _ in windows) / 60.0)


def _aggregate(days: list[Bar], floor: Callable[[datetime], datetime]) -> list[Bar]:
    """Weekly or monthly bars from daily ones, stamped with the period's first day."""
    out: list[Bar] = []
    for bar in days:
        stamp = floor(bar.time)
        if out and out[-1].time == stamp:
            prev = out[-1]
            out[-1] = Bar(
                time=stamp,
                open=prev.open,
                high=max(prev.high, bar.high),
                low=min(prev.low, bar.low),
                close=bar.close,
                volume=prev.volume + bar.volume,
            )
        else:
            out.append(
                Bar(
                    time=stamp,
                    open=bar.open,
                    high=bar.high,
                    low=bar.low,
                    close=bar.close,
                    volume=bar.volume,
                )
            )
    return out
