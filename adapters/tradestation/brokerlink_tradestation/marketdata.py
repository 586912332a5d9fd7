"""Market-data operations: quotes, bars, symbol details, options, crypto, routes (DESIGN §5).

- quotes: 100 symbols per request; per-symbol failures come back in ``Errors`` with HTTP 200;
  when every symbol failed the first error is raised, otherwise the quotes found are returned;
- bars: ``unit``/``interval`` from the timeframe (hours are 60-minute multiples), ``barsback``
  for "the last N", ``firstdate``/``lastdate`` for ranges; intraday requests over 57,600 bars
  are split into chunks and merged oldest first without duplicates. TradeStation stamps every
  bar with its *end*: intraday bars are shifted to their start, daily bars dated by the session
  they close (:mod:`brokerlink.bulk`), weekly and monthly bars moved to the period's first day;
- symbol details: 50 per request, -> :class:`~brokerlink.instruments.InstrumentDetails`;
- option chains: expirations, then the strikes of each (TradeStation streams chains but lists
  strikes only per expiration), -> :class:`~brokerlink.models.OptionChain`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Literal
from urllib.parse import quote

import cattrs

from brokerlink import bulk, errors
from brokerlink.instruments import Index, Instrument, InstrumentDetails, Option
from brokerlink.models import Bar, OptionChain, OptionExpiration, OptionStrike, Quote
from brokerlink.runtime.operation import CallPolicy, Operation, call
from brokerlink.timeframes import Timeframe
from brokerlink.timeutil import utcnow
from brokerlink_tradestation import parse, requests
from brokerlink_tradestation.capabilities import MAX_BARS, MAX_QUOTE_SYMBOLS, MAX_SYMBOL_DETAILS
from brokerlink_tradestation.models import (
    ActivationTrigger,
    ExpirationInfo,
    RiskReward,
    Route,
    SpreadType,
)
from brokerlink_tradestation.operations import chunks
from brokerlink_tradestation.symbology import ContinuousFuture, to_tradestation
from brokerlink_tradestation.wire import BROKER, Fields, json_body

__all__ = [
    "BAR_LAYOUT",
    "SessionTemplate",
    "activation_triggers",
    "bar_query",
    "bars",
    "crypto_pairs",
    "expirations",
    "instrument",
    "option_chain",
    "quotes",
    "risk_reward",
    "routes",
    "spread_types",
    "strikes",
    "symbol_details",
]

MARKET = CallPolicy(rate_class="market_data")
OPTIONS = CallPolicy(rate_class="options")
DEFAULT_BARS = 1000
"""Bars returned when neither ``start`` nor ``limit`` is given."""

SessionTemplate = Literal["USEQPre", "USEQPost", "USEQPreAndPost", "USEQ24Hour", "Default"]

BAR_LAYOUT = bulk.BarLayout(
    container="Bars",
    time="TimeStamp",
    open="Open",
    high="High",
    low="Low",
    close="Close",
    volume="TotalVolume",
    stamp="end",
)
"""``GET /marketdata/barcharts``: ``{"Bars": [{"TimeStamp": <end>, "Open": "217.32", ...}]}``."""

Symbol = Instrument | ContinuousFuture


def _path_symbols(symbols: Sequence[str]) -> str:
    return ",".join(quote(s, safe="@$") for s in symbols)


# -- quotes ---------------------------------------------------------------------------------------
def quotes(
    conv: cattrs.Converter, instruments: Sequence[Instrument]
) -> Operation[dict[str, Quote]]:
    """``GET /marketdata/quotes/{symbols}``, 100 symbols per request, keyed by canonical symbol."""
    found: dict[str, Quote] = {}
    problems: list[errors.BrokerError] = []
    for batch in chunks(list(instruments), MAX_QUOTE_SYMBOLS):
        names = [to_tradestation(i) for i in batch]
        response = yield call("GET", f"/marketdata/quotes/{_path_symbols(names)}", policy=MARKET)
        got, bad = parse.quotes_from_ts(conv, json_body(response.content))
        found.update(got)
        problems += bad
    if not found and problems:
        raise problems[0]
    return found


# -- bars -----------------------------------------------------------------------------------------
def bar_query(timeframe: Timeframe) -> dict[str, str]:
    """``unit`` and ``interval`` for ``timeframe`` (ticks are stream-only: see tick bars)."""
    if timeframe.unit == "min":
        return {"unit": "Minute", "interval": str(timeframe.count)}
    if timeframe.unit == "h":
        return {"unit": "Minute", "interval": str(60 * timeframe.count)}
    units = {"d": "Daily", "w": "Weekly", "mo": "Monthly"}
    if timeframe.unit not in units:
        raise errors.NotSupportedError(
            f"{timeframe} bars are not served by TradeStation's bar charts; use the v2 tick-bar stream",
            broker=BROKER,
        )
    return {"unit": units[timeframe.unit], "interval": "1"}


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _decode(body: bytes, timeframe: Timeframe) -> list[Bar]:
    interval = timeframe.duration if timeframe.is_intraday else None
    decoded = bulk.bar_decoder(BAR_LAYOUT, interval=interval, broker=BROKER)(body)
    if timeframe.unit in ("w", "mo"):
        return [
            Bar(
                time=timeframe.floor(b.time),
                open=b.open,
                high=b.high,
                low=b.low,
                close=b.close,
                volume=b.volume,
            )
            for b in decoded
        ]
    return decoded


def bars(
    conv: cattrs.Converter,
    target: Symbol,
    timeframe: Timeframe,
    *,
    start: datetime | None,
    end: datetime | None,
    limit: int | None,
    session: SessionTemplate | None = None,
) -> Operation[list[Bar]]:
    """Bars oldest first (see the module docstring for chunking and time stamps)."""
    base = {**bar_query(timeframe), "sessiontemplate": session}
    path = f"/marketdata/barcharts/{quote(to_tradestation(target), safe='@$')}"
    step = timeframe.duration
    collected: list[Bar] = []
    if start is None:
        wanted = limit or DEFAULT_BARS
        last = end
        while len(collected) < wanted:
            count = min(wanted - len(collected), MAX_BARS) if step else wanted
            params = {**base, "barsback": str(count), "lastdate": _stamp(last) if last else None}
            response = yield call("GET", path, params=params, policy=MARKET)
            page = _decode(response.content, timeframe)
            older = [b for b in page if not collected or b.time < collected[0].time]
            if end is not None:
                older = [b for b in older if b.time < end]
            collected = older + collected
            if len(page) < count or not older or not step:
                break
            last = older[0].time  # the end stamp of the bar just before the oldest one
        return collected[-wanted:]
    stop = end or utcnow()
    chunk = (step * MAX_BARS) if step else None
    cursor = start
    while cursor < stop:
        upper = min(stop, cursor + chunk) if chunk else stop
        params = {**base, "firstdate": _stamp(cursor), "lastdate": _stamp(upper)}
        response = yield call("GET", path, params=params, policy=MARKET)
        page = _decode(response.content, timeframe)
        newest = collected[-1].time if collected else None
        collected += [
            b for b in page if (newest is None or b.time > newest) and start <= b.time < stop
        ]
        if limit is not None and len(collected) >= limit:
            return collected[:limit]
        cursor = upper
    return collected if limit is None else collected[:limit]


# -- symbols --------------------------------------------------------------------------------------
def symbol_details(
    conv: cattrs.Converter, symbols: Sequence[Symbol]
) -> Operation[list[tuple[Symbol, InstrumentDetails, str | None]]]:
    """``GET /marketdata/symbols/{symbols}``, 50 per request: (instrument, details, underlying)."""
    found = []
    for batch in chunks(list(symbols), MAX_SYMBOL_DETAILS):
        names = [to_tradestation(s) for s in batch]
        response = yield call("GET", f"/marketdata/symbols/{_path_symbols(names)}", policy=MARKET)
        payload = json_body(response.content)
        found += [parse.details_from_ts(item) for item in Fields(conv, payload).items("Symbols")]
        if not found and (
            problems := parse.errors_from_ts(conv, payload, path="/marketdata/symbols")
        ):
            raise problems[0]
    return found


def instrument(conv: cattrs.Converter, target: Instrument) -> Operation[Instrument]:
    """``target`` with its details (tick size, point value, tradable, ...)."""
    found = yield from symbol_details(conv, [target])
    if not found:
        raise errors.SymbolNotFoundError(f"TradeStation does not know {target}", broker=BROKER)
    _, details, _ = found[0]
    return target.with_details(details)


def crypto_pairs(conv: cattrs.Converter) -> Operation[list[Instrument]]:
    """``GET /marketdata/symbollists/cryptopairs/symbolnames``: data-only crypto pairs."""
    from brokerlink_tradestation.symbology import from_tradestation

    response = yield call("GET", "/marketdata/symbollists/cryptopairs/symbolnames", policy=MARKET)
    names = json_body(response.content).get("SymbolNames") or []
    return [from_tradestation(str(name), asset_type="CRYPTO") for name in names]  # type: ignore[misc]


# -- options --------------------------------------------------------------------------------------
def _underlying(target: Instrument) -> str:
    if isinstance(target, Option):
        raise errors.InvalidOrderError(
            f"{target} is an option; give its underlying", field="underlying", broker=BROKER
        )
    return quote(to_tradestation(target), safe="$")


def expirations(
    conv: cattrs.Converter, underlying: Instrument, strike: Decimal | None = None
) -> Operation[list[ExpirationInfo]]:
    """``GET /marketdata/options/expirations/{underlying}``, optionally for one strike."""
    params = {"strikePrice": None if strike is None else format(strike, "f")}
    response = yield call(
        "GET",
        f"/marketdata/options/expirations/{_underlying(underlying)}",
        params=params,
        policy=OPTIONS,
    )
    found = []
    for item in Fields(conv, json_body(response.content)).items("Expirations"):
        moment = item.time("Date")
        if moment is not None:
            found.append(ExpirationInfo(date=moment.date(), type=item.text("Type") or "Other"))
    return found


def strikes(
    conv: cattrs.Converter,
    underlying: Instrument,
    *,
    expiration: date | None = None,
    spread_type: str = "Single",
    strike_interval: int | None = None,
    expiration2: date | None = None,
) -> Operation[list[tuple[Decimal, ...]]]:
    """``GET /marketdata/options/strikes/{underlying}``: one tuple of strikes per spread."""
    params = {
        "spreadType": spread_type,
        "strikeInterval": None if strike_interval is None else str(strike_interval),
        "expiration": None if expiration is None else expiration.isoformat(),
        "expiration2": None if expiration2 is None else expiration2.isoformat(),
    }
    response = yield call(
        "GET",
        f"/marketdata/options/strikes/{_underlying(underlying)}",
        params=params,
        policy=OPTIONS,
    )
    rows = json_body(response.content).get("Strikes") or []
    try:
        return [tuple(Decimal(str(value)) for value in row) for row in rows]
    except (ArithmeticError, TypeError) as exc:
        raise errors.ResponseFormatError(
            f"a strike is not a number: {exc}", path="$.Strikes", broker=BROKER
        ) from None


def spread_types(conv: cattrs.Converter) -> Operation[list[SpreadType]]:
    """``GET /marketdata/options/spreadtypes``."""
    response = yield call("GET", "/marketdata/options/spreadtypes", policy=OPTIONS)
    return [
        SpreadType(
            name=item.need_text("Name"),
            strike_interval=bool(item.flag("StrikeInterval")),
            expiration_interval=bool(item.flag("ExpirationInterval")),
        )
        for item in Fields(conv, json_body(response.content)).items("SpreadTypes")
    ]


def risk_reward(
    conv: cattrs.Converter, spread_price: Decimal, legs: Sequence[tuple[Instrument, int]]
) -> Operation[RiskReward]:
    """``POST /marketdata/options/riskreward``: ``legs`` are (option, signed quantity)."""
    body = requests.risk_reward_to_ts(spread_price, legs)
    response = yield call("POST", "/marketdata/options/riskreward", json=body, policy=OPTIONS)
    item = Fields(conv, json_body(response.content))
    breakevens = json_body(response.content).get("BreakevenPoints") or []
    return RiskReward(
        max_gain=None if item.flag("MaxGainIsInfinite") else item.decimal("AdjustedMaxGain"),
        max_loss=None if item.flag("MaxLossIsInfinite") else item.decimal("AdjustedMaxLoss"),
        breakevens=tuple(Decimal(str(b)) for b in breakevens),
    )


def option_chain(
    conv: cattrs.Converter, underlying: Instrument, expiration: date | None
) -> Operation[OptionChain]:
    """Expirations (or the one asked for), then each expiration's strikes, as a chain."""
    dates = (
        [expiration] if expiration else [e.date for e in (yield from expirations(conv, underlying))]
    )
    root = underlying.symbol if isinstance(underlying, Index) else str(underlying)
    listed = []
    for day in sorted(set(dates)):
        rows = yield from strikes(conv, underlying, expiration=day)
        values = sorted({row[0] for row in rows if row})
        listed.append(
            OptionExpiration(
                date=day,
                strikes=tuple(
                    OptionStrike(
                        strike=s, call=Option(root, day, "C", s), put=Option(root, day, "P", s)
                    )
                    for s in values
                ),
            )
        )
    return OptionChain(underlying=underlying, expirations=tuple(listed))


# -- order execution reference data ---------------------------------------------------------------
def routes(conv: cattrs.Converter) -> Operation[list[Route]]:
    """``GET /orderexecution/routes``: route ids for :class:`OrderExtras.route`."""
    response = yield call("GET", "/orderexecution/routes", policy=MARKET)
    found = []
    for item in Fields(conv, json_body(response.content)).items("Routes"):
        kinds = item.data.get("AssetTypes") or []
        found.append(
            Route(
                id=item.need_text("Id"),
                name=item.text("Name") or "",
                asset_types=tuple(map(str, kinds)),
            )
        )
    return found


def activation_triggers(conv: cattrs.Converter) -> Operation[list[ActivationTrigger]]:
    """``GET /orderexecution/activationtriggers``: trigger keys for activation rules."""
    response = yield call("GET", "/orderexecution/activationtriggers", policy=MARKET)
    return [
        ActivationTrigger(
            key=item.need_text("Key"),
            name=item.text("Name") or "",
            description=item.text("Description") or "",
        )
        for item in Fields(conv, json_body(response.content)).items("ActivationTriggers")
    ]
