"""Instruments: what an order, quote or position is about (DESIGN §4).

Six kinds, each a frozen value whose ``str()`` is its canonical text:

============= ================================ =================================================
kind          canonical text                   constructor
============= ================================ =================================================
Equity        ``AAPL``, ``BRK.B``              ``Equity("AAPL")``
Option        ``AAPL  250321C00175000`` (OCC)  ``Option("AAPL", date(2025, 3, 21), "C", "175")``
Future        ``/ESZ24``                       ``Future("ES", 12, 2024)``
FutureOption  ``./ESZ24 EW3Z24 241220C5000``   ``FutureOption("/ESZ24", "EW3", ...)``
Index         ``$SPX``                         ``Index("SPX")``
Crypto        ``BTC/USD``                      ``Crypto("BTC")``
============= ================================ =================================================

:func:`instrument` parses any canonical text (and an unpadded OCC symbol) back into the value, so
``instrument(str(x)) == x`` for every instrument. Broker details (tick size, multiplier, ...) ride
along in ``details``, which is left out of equality, hashing and repr: ``Equity("AAPL")`` from the
user and the broker's richer ``Equity("AAPL")`` are the same instrument.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar, Self, TypeAlias

import attrs

from brokerlink.enums import AssetClass, OptionRight
from brokerlink.errors import InvalidOrderError
from brokerlink.money import DecimalLike, as_decimal, decimal_places, format_plain

__all__ = [
    "MONTH_CODES",
    "QUARTERLY",
    "Crypto",
    "Equity",
    "Future",
    "FutureOption",
    "Index",
    "Instrument",
    "InstrumentDetails",
    "InstrumentLike",
    "Option",
    "future_contracts",
    "instrument",
    "next_future",
]

MONTH_CODES = "FGHJKMNQUVXZ"
"""Futures month codes, January (``F``) to December (``Z``)."""

_TICKER = r"[A-Z0-9]{1,10}(?:\.[A-Z0-9]{1,4})?"
_FUTURE = re.compile(rf"/([A-Z0-9]{{1,5}}?)([{MONTH_CODES}])(\d{{2}}|\d{{4}})")
_OCC = re.compile(r"([A-Z0-9]{1,6}) *(\d{6})([CP])(\d{8})")
_FOP = re.compile(
    rf"\./([A-Z0-9]{{1,5}}?)([{MONTH_CODES}])(\d{{2}}) ([A-Z0-9]{{1,5}}?)([{MONTH_CODES}]\d{{2}})"
    r" (\d{6})([CP])(\d{1,8}(?:\.\d{1,7})?)"
)
_CODE = rf"[{MONTH_CODES}]\d{{2}}"


@attrs.frozen(kw_only=True)
class InstrumentDetails:
    """What a broker knows about an instrument beyond its symbol. ``raw`` keeps its payload."""

    description: str
    tick_size: Decimal | None
    multiplier: Decimal
    tradable: bool
    exchange: str | None
    currency: str = "USD"
    min_quantity: Decimal = Decimal(1)
    quantity_increment: Decimal = Decimal(1)
    raw: object = attrs.field(default=None, eq=False, repr=False)


# Converters: they normalise user input, and raise ValueError/TypeError naming the problem.


def _match(text: str, pattern: str, value: object, what: str) -> str:
    if not re.fullmatch(pattern, text):
        raise ValueError(f"{value!r} is not {what}")
    return text


def _ticker(value: str) -> str:
    text = str(value).strip().upper().replace("/", ".")
    return _match(text, _TICKER, value, "a ticker; use letters and digits, e.g. 'AAPL', 'BRK.B'")


def _index_symbol(value: str) -> str:
    return _ticker(str(value).strip().removeprefix("$"))


def _option_root(value: str) -> str:
    # OCC roots carry no punctuation: options on BRK.B have the root BRKB.
    text = re.sub(r"[./\s]", "", str(value).upper())
    return _match(text, r"[A-Z0-9]{1,6}", value, "an option root; use 1-6 letters/digits: 'AAPL'")


def _product(value: str) -> str:
    text = str(value).strip().upper().removeprefix("/")
    return _match(text, r"[A-Z0-9]{1,5}", value, "a futures root; use 1-5 letters/digits: 'ES'")


def _code(value: str) -> str:
    text = str(value).strip().upper()
    return _match(text, _CODE, value, "a contract code; use month code + 2-digit year: 'Z24'")


def _base(value: str) -> str:
    text = str(value).strip().upper()
    return _match(text, r"[A-Z0-9]{2,10}", value, "a crypto asset; use 2-10 letters: 'BTC'")


def _quote(value: str) -> str:
    # 3+ characters keeps "BTC/USD" apart from class shares such as "BRK/B" when parsing.
    text = str(value).strip().upper()
    return _match(text, r"[A-Z0-9]{3,10}", value, "a quote currency; use 3-10 letters: 'USD'")


def _right(value: OptionRight | str) -> OptionRight:
    text = str(value).strip().upper()
    if text in ("C", "CALL", "P", "PUT"):
        return OptionRight(text[0])
    raise ValueError(f"{value!r} is not an option right; use 'C'/'call' or 'P'/'put'")


def _expiration(value: date | str) -> date:
    if isinstance(value, datetime):  # a datetime is a date subclass; its time would be dropped
        raise TypeError(f"expiration must be a date, not a datetime ({value!r}); use .date()")
    return value if isinstance(value, date) else date.fromisoformat(str(value).strip())


def _checked_strike(value: DecimalLike, below: int, places: int) -> Decimal:
    strike = as_decimal(value)
    if not 0 < strike < below or decimal_places(strike) > places:
        raise ValueError(f"strike {value!r} must be > 0, < {below}, with <= {places} decimals")
    return Decimal(format_plain(strike))  # one spelling per value: Decimal('175'), not '175.00'


def _strike(value: DecimalLike) -> Decimal:
    # OCC encodes strike * 1000 in 8 digits.
    return _checked_strike(value, 100_000, 3)


def _fop_strike(value: DecimalLike) -> Decimal:
    return _checked_strike(value, 100_000_000, 7)


def _month(value: int | str) -> int:
    if isinstance(value, str) and len(code := value.strip().upper()) == 1 and code in MONTH_CODES:
        return MONTH_CODES.index(code) + 1
    if not 1 <= (month := int(value)) <= 12:
        raise ValueError(f"month {value!r} must be 1-12 or a month code ({MONTH_CODES})")
    return month


def _year(value: int | str) -> int:
    year = int(value)
    year = 2000 + year if 0 <= year <= 99 else year
    # The canonical text has a 2-digit year, so only this century round-trips.
    if not 2000 <= year <= 2099:
        raise ValueError(f"year {value!r} must be 2000-2099 (or 0-99)")
    return year


def _future(value: Future | str) -> Future:
    parsed = value if isinstance(value, Future) else instrument(value)
    if not isinstance(parsed, Future):
        raise TypeError(f"{value!r} is not a future; pass Future('ES', 12, 2024) or '/ESZ24'")
    return parsed


@attrs.frozen
class _Instrument:
    """Shared behaviour. ``details`` is keyword-only, so each kind stays positional."""

    kind: ClassVar[str]
    _default_multiplier: ClassVar[Decimal] = Decimal(1)
    details: InstrumentDetails | None = attrs.field(
        default=None, eq=False, repr=False, kw_only=True
    )

    @property
    def asset_class(self) -> AssetClass:
        """The :class:`~brokerlink.enums.AssetClass` of this kind."""
        return AssetClass(self.kind)

    @property
    def multiplier(self) -> Decimal:
        """Contract multiplier: from ``details`` when known, else the kind's usual default."""
        return self.details.multiplier if self.details is not None else self._default_multiplier

    def with_details(self, details: InstrumentDetails | None) -> Self:
        """A copy carrying ``details`` (equal to this instrument: details are not compared)."""
        return attrs.evolve(self, details=details)


@attrs.frozen
class Equity(_Instrument):
    """A stock or ETF. Class shares are written with a dot: ``BRK.B`` (``BRK/B`` is accepted)."""

    kind: ClassVar[str] = "equity"
    symbol: str = attrs.field(converter=_ticker)

    def __str__(self) -> str:
        return self.symbol


@attrs.frozen
class Option(_Instrument):
    """An equity or index option. ``underlying`` is the OCC root (``AAPL``, ``SPXW``, ``BRKB``).

    ``str()`` is the OCC symbol with the root padded to 6: ``AAPL  250321C00175000``.
    """

    kind: ClassVar[str] = "option"
    _default_multiplier: ClassVar[Decimal] = Decimal(100)
    underlying: str = attrs.field(converter=_option_root)
    expiration: date = attrs.field(converter=_expiration)
    right: OptionRight = attrs.field(converter=_right)
    strike: Decimal = attrs.field(converter=_strike)

    @property
    def root(self) -> str:
        """The OCC root symbol, unpadded."""
        return self.underlying

    @property
    def occ_compact(self) -> str:
        """The OCC symbol without padding: ``AAPL250321C00175000``."""
        return f"{self.underlying}{self._tail}"

    @property
    def occ(self) -> str:
        """The OCC symbol with the root padded to 6 characters (the canonical text)."""
        return f"{self.underlying:<6}{self._tail}"

    @property
    def _tail(self) -> str:
        strike = int(self.strike * 1000)
        return f"{self.expiration:%y%m%d}{self.right.value}{strike:08d}"

    def __str__(self) -> str:
        return self.occ


@attrs.frozen
class Future(_Instrument):
    """A futures contract: ``/ESZ24`` (root, month code, 2-digit year). ``year`` is stored in full.

    ``month`` takes 1-12 or a month code (``"Z"``); ``year`` takes 2024 or 24.
    """

    kind: ClassVar[str] = "future"
    root: str = attrs.field(converter=_product)
    month: int = attrs.field(converter=_month)
    year: int = attrs.field(converter=_year)

    @property
    def code(self) -> str:
        """Month code and 2-digit year: ``Z24``."""
        return f"{MONTH_CODES[self.month - 1]}{self.year % 100:02d}"

    def __str__(self) -> str:
        return f"/{self.root}{self.code}"


def _default_option_code(self: FutureOption) -> str:
    return f"{MONTH_CODES[self.expiration.month - 1]}{self.expiration.year % 100:02d}"


@attrs.frozen
class FutureOption(_Instrument):
    """An option on a future.

    Canonical text, fields separated by single spaces:
    ``./{future root}{future code} {option root}{option code} {yymmdd}{C|P}{strike}``, e.g.
    ``./ESZ24 EW3Z24 241220C5000``: the future ``/ESZ24``, the option product ``EW3`` with its
    own contract code ``Z24``, expiring 2024-12-20, a call struck at 5000 (plain decimal, no
    trailing zeros: ``4512.5``). ``option_code`` defaults to the expiration's month and year,
    which is right for most products; pass it when the option's contract month differs (crude's
    ``./CLZ22 LO1X22 221014C91``).
    """

    kind: ClassVar[str] = "future_option"
    future: Future = attrs.field(converter=_future)
    option_root: str = attrs.field(converter=_product)
    expiration: date = attrs.field(converter=_expiration)
    right: OptionRight = attrs.field(converter=_right)
    strike: Decimal = attrs.field(converter=_fop_strike)
    option_code: str = attrs.field(
        default=attrs.Factory(_default_option_code, takes_self=True),
        converter=_code,
        kw_only=True,
    )

    def __str__(self) -> str:
        return (
            f".{self.future} {self.option_root}{self.option_code} "
            f"{self.expiration:%y%m%d}{self.right.value}{format_plain(self.strike)}"
        )


@attrs.frozen
class Index(_Instrument):
    """An index: ``$SPX``. Quotable, not tradable. ``Index("$SPX") == Index("SPX")``."""

    kind: ClassVar[str] = "index"
    symbol: str = attrs.field(converter=_index_symbol)

    def __str__(self) -> str:
        return f"${self.symbol}"


@attrs.frozen
class Crypto(_Instrument):
    """A crypto pair: ``BTC/USD`` (base, then the quote currency, which defaults to USD)."""

    kind: ClassVar[str] = "crypto"
    base: str = attrs.field(converter=_base)
    quote: str = attrs.field(default="USD", converter=_quote)

    def __str__(self) -> str:
        return f"{self.base}/{self.quote}"


Instrument: TypeAlias = Equity | Option | Future | FutureOption | Index | Crypto
"""Any instrument kind; also usable with ``isinstance``."""

InstrumentLike: TypeAlias = str | Instrument
"""What brokerlink accepts wherever it takes a symbol: canonical text or an instrument."""

_FORMS = (
    "use canonical text: equity 'AAPL' or 'BRK.B'; option (OCC) 'AAPL  250321C00175000' or "
    "'AAPL250321C00175000'; future '/ESZ24'; future option './ESZ24 EW3Z24 241220C5000'; "
    "index '$SPX'; crypto 'BTC/USD'"
)


def instrument(value: InstrumentLike) -> Instrument:
    """Parse canonical text into an instrument; instruments pass through unchanged.

    Text ``X/Y`` is a crypto pair when ``Y`` has 3 or more characters (``BTC/USD``) and a class
    share otherwise (``BRK/B`` is ``Equity("BRK.B")``). Unparseable text raises
    :class:`~brokerlink.errors.InvalidOrderError` with ``field="symbol"``, listing the forms.
    """
    if isinstance(value, Instrument):
        return value
    if not isinstance(value, str):
        raise InvalidOrderError(
            f"symbol: got a {type(value).__name__} ({value!r}); {_FORMS}", field="symbol"
        )
    try:
        return _parse(value.strip().upper())
    except (ValueError, TypeError) as exc:
        raise InvalidOrderError(
            f"symbol: {value!r} is not a symbol ({exc}); {_FORMS}", field="symbol"
        ) from None


def _parse(text: str) -> Instrument:
    if text.startswith("./"):
        if m := _FOP.fullmatch(text):
            future = Future(m[1], m[2], m[3])
            return FutureOption(future, m[4], _yymmdd(m[6]), m[7], m[8], option_code=m[5])
        raise ValueError("malformed future option")
    if text.startswith("/"):
        if m := _FUTURE.fullmatch(text):
            return Future(m[1], m[2], m[3])
        raise ValueError("malformed future")
    if text.startswith("$"):
        return Index(text)
    if m := _OCC.fullmatch(text):
        return Option(m[1], _yymmdd(m[2]), m[3], Decimal(m[4]) / 1000)
    if "/" in text:
        base, _, quote = text.partition("/")
        return Crypto(base, quote) if len(quote) >= 3 else Equity(text)
    return Equity(text)


def _yymmdd(text: str) -> date:
    return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:]))


QUARTERLY = "HMUZ"
"""The quarterly futures cycle (March, June, September, December): equity index futures' months."""


def _cycle_months(cycle: str) -> list[int]:
    code = cycle.strip().upper()
    if not code or any(c not in MONTH_CODES for c in code):
        raise ValueError(f"cycle {cycle!r} must be month codes from {MONTH_CODES} ('HMUZ')")
    return sorted({MONTH_CODES.index(c) + 1 for c in code})


def future_contracts(root: str, start: date, cycle: str = QUARTERLY) -> Iterator[Future]:
    """The contracts of ``root`` in ``cycle`` from ``start``'s month on, nearest first (endless).

    ``future_contracts("ES", date(2025, 1, 6))`` yields ``/ESH25``, ``/ESM25``, ``/ESU25``, ...
    Which of them a broker still lists depends on its expiry rules: ask it
    (``broker.instrument(...)``) and take the first it knows as the front contract.
    """
    months = _cycle_months(cycle)
    year = start.year
    while True:
        for month in months:
            if (year, month) >= (start.year, start.month):
                yield Future(root, month, year)
        year += 1


def next_future(contract: Future, cycle: str = QUARTERLY) -> Future:
    """The contract after ``contract`` in ``cycle``: ``/ESH25`` -> ``/ESM25``, ``/ESZ25`` ->
    ``/ESH26`` (the contract a position rolls to). ``contract``'s month need not be in ``cycle``."""
    months = _cycle_months(cycle)
    later = [m for m in months if m > contract.month]
    if later:
        return Future(contract.root, later[0], contract.year)
    return Future(contract.root, months[0], contract.year + 1)
