"""Deterministic, history-free price paths.

A symbol's mid price at minute ``m`` (whole minutes since the Unix epoch) is an O(1) function of
``(seed, symbol, m)``::

    price(m) = base * exp(sum(a_k * sin(2*pi*m / P_k + phi_k)) + noise * u(m))

with a handful of symbol-seeded sinusoids (periods from about an hour and a half to about a year)
and a small hashed per-minute term ``u(m)`` in ``[-1, 1]``. Nothing depends on history, so any
moment, in any order, from any thread, gives the same number; that is what makes the emulator
reproducible and lets it serve a year of bars without simulating a year.

The hash is SplitMix64 on integers, not :mod:`hashlib` and not :func:`hash` (which is salted per
process for strings), so values are stable across runs and platforms.
"""

from __future__ import annotations

import math
from functools import lru_cache

import attrs

__all__ = ["PricePath", "mix", "path_for", "unit"]

_MASK = (1 << 64) - 1
# Periods in minutes: ~1.5 h, ~1.3 days, ~1.7 weeks, ~2 months, ~1 year. Incommensurate on purpose
# so the sum never visibly repeats.
_PERIODS = (97.0, 1871.0, 17183.0, 86927.0, 525949.0)
_AMPLITUDES = (0.0025, 0.008, 0.025, 0.06, 0.14)
_OMEGAS = tuple(2.0 * math.pi / period for period in _PERIODS)
_INV_2_53 = 1.0 / float(1 << 53)
# The smooth part is anchored to zero at 2025-01-06 14:30 UTC (the default start), so prices
# begin near each symbol's reference level there; the anchor is fixed, never config-dependent.
ANCHOR_MINUTE = 28_936_230


def mix(*parts: int) -> int:
    """Hash integers to a 64-bit integer with SplitMix64 (stable across processes)."""
    state = 0x9E3779B97F4A7C15
    for part in parts:
        state = (state ^ (part & _MASK)) & _MASK
        state = (state + 0x9E3779B97F4A7C15) & _MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        state = z ^ (z >> 31)
    return state


def text_key(text: str) -> int:
    """A stable 64-bit key for a string (FNV-1a; ``hash()`` is salted per process)."""
    value = 0xCBF29CE484222325
    for byte in text.encode():
        value = ((value ^ byte) * 0x100000001B3) & _MASK
    return value


def unit(*parts: int) -> float:
    """A deterministic float in ``[0, 1)`` from integers."""
    return (mix(*parts) >> 11) / float(1 << 53)


@attrs.frozen(kw_only=True)
class PricePath:
    """The seeded price path of one symbol; floats inside, callers round to the tick.

    ``key`` is the symbol's hash mixed with the seed; ``base`` the price level the path moves
    around; ``noise`` the size of the per-minute jitter (as a log-return).
    """

    key: int
    base: float
    amplitudes: tuple[float, ...]
    phases: tuple[float, ...]
    offset: float
    noise: float
    wick: float

    def _jitter(self, minute: int, salt: int = 0) -> float:
        """A hashed float in ``[0, 1)`` for ``minute``: one inlined SplitMix64 round (hot path)."""
        z = (self.key + (minute * 4 + salt) * 0x9E3779B97F4A7C15) & _MASK
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return ((z ^ (z >> 31)) >> 11) * _INV_2_53

    def price(self, minute: int) -> float:
        """The mid price at the start of ``minute`` (minutes since the epoch)."""
        level = 0.0
        for amp, omega, phase in zip(self.amplitudes, _OMEGAS, self.phases, strict=True):
            level += amp * math.sin(omega * minute + phase)
        jitter = 2.0 * self._jitter(minute) - 1.0
        return self.base * math.exp(level - self.offset + self.noise * jitter)

    def price_at(self, epoch_seconds: float) -> float:
        """The mid price at any moment: linear between the two surrounding minute prices."""
        minute = math.floor(epoch_seconds / 60.0)
        frac = epoch_seconds / 60.0 - minute
        start = self.price(minute)
        if frac <= 0.0:
            return start
        return start + (self.price(minute + 1) - start) * frac

    def minute_ohlc(self, minute: int) -> tuple[float, float, float, float]:
        """``(open, high, low, close)`` of the minute starting at ``minute``.

        The close is the next minute's open, so consecutive bars join up; the wicks are hashed
        excursions beyond the open/close range.
        """
        return self.ohlc_run(minute, 1)[0]

    def ohlc_run(self, first: int, count: int) -> list[tuple[float, float, float, float]]:
        """:meth:`minute_ohlc` for ``count`` consecutive minutes from ``first``, computing each
        minute price once (bar requests of a month of minutes go through here)."""
        prices = [self.price(first + i) for i in range(count + 1)]
        wick = self.wick / float(1 << 26)
        key = self.key
        out = []
        for i in range(count):
            open_, close = prices[i], prices[i + 1]
            # One inlined SplitMix64 round gives both wicks (26 bits each).
            z = (key + ((first + i) * 4 + 1) * 0x9E3779B97F4A7C15) & _MASK
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
            z ^= z >> 31
            up = wick * (z & 0x3FFFFFF)
            down = wick * ((z >> 26) & 0x3FFFFFF)
            if open_ >= close:
                out.append((open_, open_ * (1.0 + up), close * (1.0 - down), close))
            else:
                out.append((open_, close * (1.0 + up), open_ * (1.0 - down), close))
        return out

    def volume_weight(self, minute: int) -> float:
        """A deterministic factor in ``[0.25, 1.75)`` that varies minute to minute."""
        return 0.25 + 1.5 * self._jitter(minute, 3)


@lru_cache(maxsize=4096)
def path_for(seed: int, symbol: str, base: float | None = None, scale: float = 1.0) -> PricePath:
    """The :class:`PricePath` for ``symbol`` under ``seed``.

    ``base`` pins the price level (the universe gives realistic levels for well-known symbols);
    otherwise a level between 20 and 500 is drawn from the hash, log-uniformly. ``scale`` shrinks
    or grows every move (crypto moves more than an index, for instance).
    """
    key = mix(seed, text_key(symbol))
    if base is None:
        base = 20.0 * math.exp(math.log(25.0) * unit(key, 100))
    amplitudes = tuple(a * scale * (0.5 + unit(key, 200 + i)) for i, a in enumerate(_AMPLITUDES))
    phases = tuple(2.0 * math.pi * unit(key, 300 + i) for i in range(len(_PERIODS)))
    offset = sum(
        a * math.sin(omega * ANCHOR_MINUTE + phi)
        for a, omega, phi in zip(amplitudes, _OMEGAS, phases, strict=True)
    )
    return PricePath(
        key=key,
        base=base,
        amplitudes=amplitudes,
        phases=phases,
        offset=offset,
        noise=0.0006 * scale,
        wick=0.0004 * scale,
    )
