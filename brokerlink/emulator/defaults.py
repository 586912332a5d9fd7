"""The emulator's default universe: common US equities and ETFs, indices, futures roots, crypto.

Reference prices are rough early-2025 levels so quotes look familiar; the seeded path moves
around them (DESIGN §9). Futures tick sizes and multipliers follow the exchange specifications.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from brokerlink.enums import AssetClass

__all__ = ["DEFAULT_SYMBOLS", "SymbolSpec", "spec_from_text"]

_DEFAULT_TICKS = {
    AssetClass.EQUITY: Decimal("0.01"),
    AssetClass.INDEX: Decimal("0.01"),
    AssetClass.CRYPTO: Decimal("0.01"),
    AssetClass.FUTURE: Decimal("0.01"),
}
_KINDS = frozenset(_DEFAULT_TICKS)


def _decimal_or_none(value: Decimal | str | int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@attrs.frozen(kw_only=True)
class SymbolSpec:
    """One known symbol (or futures root) of the emulator's universe.

    ``key`` is canonical text: ``AAPL``, ``$SPX``, ``BTC/USD``, or ``/ES`` for a futures root.
    ``price`` is the level the seeded path moves around (seeded 20-500 when ``None``); ``vol`` the
    option-pricing volatility (seeded when ``None``); ``scale`` how strongly the price moves
    relative to an ordinary stock; ``cycle`` and ``contracts`` which futures months are listed;
    ``option_tick_size`` the tick of a futures root's options (the future's own tick when
    ``None``, which is right for the default roots' options above their cabinet level).
    """

    key: str
    kind: AssetClass = AssetClass.EQUITY
    description: str = ""
    price: Decimal | None = attrs.field(default=None, converter=_decimal_or_none)
    tick_size: Decimal | None = attrs.field(default=None, converter=_decimal_or_none)
    multiplier: Decimal | None = attrs.field(default=None, converter=_decimal_or_none)
    exchange: str | None = None
    optionable: bool = True
    vol: float | None = None
    scale: float = 1.0
    cycle: str = "HMUZ"
    contracts: int = 4
    option_tick_size: Decimal | None = attrs.field(default=None, converter=_decimal_or_none)

    def __attrs_post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"{self.key}: kind must be one of {sorted(_KINDS)}, not {self.kind}")

    @property
    def tick(self) -> Decimal:
        """The minimum price increment."""
        return self.tick_size if self.tick_size is not None else _DEFAULT_TICKS[self.kind]

    @property
    def option_tick(self) -> Decimal:
        """The minimum price increment of options on this futures root."""
        return self.option_tick_size if self.option_tick_size is not None else self.tick

    @property
    def contract_multiplier(self) -> Decimal:
        """The contract multiplier (1 for equities, indices and crypto)."""
        return self.multiplier if self.multiplier is not None else Decimal(1)

    @property
    def has_options(self) -> bool:
        """Whether options are listed on this symbol."""
        return self.optionable and self.kind in (AssetClass.EQUITY, AssetClass.INDEX)


def spec_from_text(text: str) -> SymbolSpec:
    """A spec with seeded price for ``text``: ``XYZ`` equity, ``$XYZ`` index, ``/XY`` futures
    root, ``XYZ/USD`` crypto pair."""
    key = text.strip().upper()
    if key.startswith("$"):
        return SymbolSpec(key=key, kind=AssetClass.INDEX, description=f"{key[1:]} index")
    if key.startswith("/"):
        return SymbolSpec(key=key, kind=AssetClass.FUTURE, description=f"{key[1:]} futures")
    if "/" in key and len(key.partition("/")[2]) >= 3:
        return SymbolSpec(key=key, kind=AssetClass.CRYPTO, description=key, scale=2.0)
    return SymbolSpec(key=key, description=f"{key} (emulated)")


def _eq(key: str, price: str, description: str, vol: float | None = None) -> SymbolSpec:
    return SymbolSpec(key=key, price=Decimal(price), description=description, vol=vol)


def _etf(key: str, price: str, description: str) -> SymbolSpec:
    return SymbolSpec(
        key=key, price=Decimal(price), description=description, exchange="ARCX", scale=0.7
    )


def _future(
    root: str,
    price: str,
    tick: str,
    multiplier: int,
    description: str,
    *,
    exchange: str = "CME",
    cycle: str = "HMUZ",
) -> SymbolSpec:
    return SymbolSpec(
        key=f"/{root}",
        kind=AssetClass.FUTURE,
        price=Decimal(price),
        tick_size=Decimal(tick),
        multiplier=Decimal(multiplier),
        description=description,
        exchange=exchange,
        scale=0.7,
        cycle=cycle,
        optionable=False,
    )


DEFAULT_SYMBOLS: tuple[SymbolSpec, ...] = (
    _eq("AAPL", "243", "Apple Inc.", 0.24),
    _eq("MSFT", "424", "Microsoft Corp.", 0.22),
    _eq("NVDA", "138", "NVIDIA Corp.", 0.50),
    _eq("AMZN", "227", "Amazon.com Inc.", 0.30),
    _eq("GOOGL", "197", "Alphabet Inc. Class A"),
    _eq("GOOG", "198", "Alphabet Inc. Class C"),
    _eq("META", "630", "Meta Platforms Inc."),
    _eq("TSLA", "410", "Tesla Inc.", 0.60),
    _eq("BRK.B", "460", "Berkshire Hathaway Inc. Class B", 0.16),
    _eq("JPM", "242", "JPMorgan Chase & Co."),
    _eq("V", "318", "Visa Inc."),
    _eq("JNJ", "145", "Johnson & Johnson", 0.17),
    _eq("WMT", "92", "Walmart Inc."),
    _eq("XOM", "108", "Exxon Mobil Corp."),
    _eq("UNH", "512", "UnitedHealth Group Inc."),
    _eq("MA", "530", "Mastercard Inc."),
    _eq("PG", "164", "Procter & Gamble Co.", 0.16),
    _eq("HD", "395", "Home Depot Inc."),
    _eq("COST", "925", "Costco Wholesale Corp."),
    _eq("BAC", "45", "Bank of America Corp."),
    _eq("KO", "62", "Coca-Cola Co.", 0.15),
    _eq("PEP", "151", "PepsiCo Inc.", 0.17),
    _eq("AMD", "125", "Advanced Micro Devices Inc.", 0.48),
    _eq("NFLX", "880", "Netflix Inc."),
    _eq("INTC", "20", "Intel Corp.", 0.45),
    _eq("DIS", "112", "Walt Disney Co."),
    _eq("CSCO", "59", "Cisco Systems Inc."),
    _eq("ORCL", "168", "Oracle Corp."),
    _eq("CRM", "335", "Salesforce Inc."),
    _eq("PLTR", "75", "Palantir Technologies Inc.", 0.70),
    _eq("F", "10.20", "Ford Motor Co."),
    _eq("T", "23", "AT&T Inc."),
    _eq("PFE", "27", "Pfizer Inc."),
    _eq("BA", "172", "Boeing Co."),
    _etf("SPY", "595", "SPDR S&P 500 ETF Trust"),
    _etf("QQQ", "520", "Invesco QQQ Trust"),
    _etf("IWM", "222", "iShares Russell 2000 ETF"),
    _etf("DIA", "426", "SPDR Dow Jones Industrial Average ETF"),
    _etf("GLD", "245", "SPDR Gold Shares"),
    _etf("TLT", "87", "iShares 20+ Year Treasury Bond ETF"),
    _etf("XLF", "48", "Financial Select Sector SPDR Fund"),
    _etf("VTI", "300", "Vanguard Total Stock Market ETF"),
    SymbolSpec(key="$SPX", kind=AssetClass.INDEX, price=Decimal(5950), description="S&P 500 Index", exchange="CBOE", vol=0.15, scale=0.7),
    SymbolSpec(key="$NDX", kind=AssetClass.INDEX, price=Decimal(21300), description="Nasdaq-100 Index", exchange="NASDAQ", vol=0.19, scale=0.8),
    SymbolSpec(key="$RUT", kind=AssetClass.INDEX, price=Decimal(2250), description="Russell 2000 Index", exchange="CBOE", vol=0.21, scale=0.9),
    SymbolSpec(key="$VIX", kind=AssetClass.INDEX, price=Decimal(17), description="CBOE Volatility Index", exchange="CBOE", vol=0.90, scale=3.0),
    _future("ES", "6000", "0.25", 50, "E-mini S&P 500 Futures"),
    _future("MES", "6000", "0.25", 5, "Micro E-mini S&P 500 Futures"),
    _future("NQ", "21500", "0.25", 20, "E-mini Nasdaq-100 Futures"),
    _future("CL", "73", "0.01", 1000, "Crude Oil Futures", exchange="NYMEX", cycle="FGHJKMNQUVXZ"),
    _future("GC", "2650", "0.10", 100, "Gold Futures", exchange="COMEX", cycle="GJMQVZ"),
    _future("ZN", "108.5", "0.015625", 1000, "10-Year T-Note Futures", exchange="CBOT"),
    _future("6E", "1.035", "0.00005", 125000, "Euro FX Futures"),
    SymbolSpec(key="BTC/USD", kind=AssetClass.CRYPTO, price=Decimal(98000), description="Bitcoin", exchange="CRYPTO", scale=2.0, optionable=False),
    SymbolSpec(key="ETH/USD", kind=AssetClass.CRYPTO, price=Decimal(3600), description="Ethereum", exchange="CRYPTO", scale=2.2, optionable=False),
)  # fmt: skip
"""The symbols an :class:`~brokerlink.emulator.EmulatorConfig` knows by default."""
