"""Black-Scholes pricing for the emulator's option quotes.

Rates and dividends are zero (the emulator has no yield curve); volatility is seeded per
underlying with a gentle smile, so prices are sane rather than realistic to the cent: calls fall
and puts rise with the strike, every price is at least intrinsic value, and time value shrinks to
zero at expiration.
"""

from __future__ import annotations

import math

__all__ = ["MINUTES_PER_YEAR", "black_scholes", "norm_cdf", "smile_vol"]

MINUTES_PER_YEAR = 365.0 * 24.0 * 60.0
"""Calendar-time year, in minutes (time to expiry counts weekends too)."""

_SQRT2 = math.sqrt(2.0)


def norm_cdf(x: float) -> float:
    """The standard normal cumulative distribution function, via :func:`math.erf`."""
    return 0.5 * (1.0 + math.erf(x / _SQRT2))


def black_scholes(*, spot: float, strike: float, years: float, vol: float, call: bool) -> float:
    """The Black-Scholes price of a European option with zero rate and dividend.

    At or past expiry (``years <= 0``), or with no volatility, the price is the intrinsic value.
    """
    intrinsic = max(spot - strike, 0.0) if call else max(strike - spot, 0.0)
    if years <= 0.0 or vol <= 0.0 or spot <= 0.0 or strike <= 0.0:
        return intrinsic
    sd = vol * math.sqrt(years)
    d1 = (math.log(spot / strike) + 0.5 * sd * sd) / sd
    d2 = d1 - sd
    if call:
        value = spot * norm_cdf(d1) - strike * norm_cdf(d2)
    else:
        value = strike * norm_cdf(-d2) - spot * norm_cdf(-d1)
    # Floating-point cancellation can dip a hair below intrinsic deep in the money.
    return max(value, intrinsic)


def smile_vol(base_vol: float, *, spot: float, strike: float) -> float:
    """``base_vol`` with a mild skew: out-of-the-money puts (low strikes) a little richer.

    The skew is small enough that calls stay decreasing and puts increasing in the strike.
    """
    if spot <= 0.0 or strike <= 0.0:
        return base_vol
    moneyness = math.log(strike / spot)
    return max(0.05, base_vol * (1.0 - 0.25 * moneyness + 0.5 * moneyness * moneyness))
