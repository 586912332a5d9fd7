"""The quote stream's wire structs: what one frame is decoded into, its lazy ``raw``, and the
cache that turns its numeric strings into ``Decimal``s (NOTES.md §5).

All three exist for speed: a quote stream decodes thousands of frames a second, and these keep
the per-frame work in C (msgspec) or in one dict lookup. See :mod:`.quote_stream` for the reader.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from decimal import Decimal
from typing import Any

import msgspec
import orjson
from msgspec import UNSET, UnsetType

__all__ = ["NumberCache", "QuoteFrame", "RawFrame"]

_Text = str | UnsetType | None


class QuoteFrame(msgspec.Struct, gc=False):
    """The fields of a quote-stream frame that a :class:`~brokerlink.models.Quote` needs,
    decoded by msgspec in C. Numbers stay text here: :class:`NumberCache` turns them into
    ``Decimal``s (TradeStation sends numbers as strings; a JSON number fails the decode and
    takes the strict path).

    A field the frame did not send is ``UNSET`` (TradeStation sends changes). ``TradeTime``
    stays text: :func:`datetime.fromisoformat` is what the strict reader uses, and msgspec
    rounds where it truncates. The control fields only say "not a quote": such frames go
    back to the ``dict`` path.
    Untracked by the garbage collector (``gc=False``): decoded JSON holds no cycles, and
    a stream makes one of these per frame.
    """

    Symbol: str = ""
    Bid: _Text = UNSET
    Ask: _Text = UNSET
    Last: _Text = UNSET
    BidSize: _Text = UNSET
    AskSize: _Text = UNSET
    Volume: _Text = UNSET
    TradeTime: str | UnsetType | None = UNSET
    Heartbeat: Any = UNSET
    Error: Any = UNSET
    StreamStatus: Any = UNSET


class RawFrame(msgspec.Struct, gc=False, eq=False, repr_omit_defaults=True):
    """A stream frame's JSON object, read-only, decoded from its ``text`` on first use.

    ``Quote.raw`` on the quote stream: most consumers never look, and decoding every frame a
    second time is the cost the fast path exists to avoid. A msgspec struct because it is
    built once per frame (in C, untracked by the collector); it registers as a
    :class:`~collections.abc.Mapping` and has the mapping methods.
    """

    text: bytes
    decoded: dict[str, Any] | None = None

    def _data(self) -> dict[str, Any]:
        if self.decoded is None:
            self.decoded = orjson.loads(self.text)
        return self.decoded

    def __getitem__(self, key: str) -> Any:
        return self._data()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def __contains__(self, key: object) -> bool:
        return key in self._data()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data() == dict(other.items())
        return NotImplemented

    def get(self, key: str, default: Any = None) -> Any:
        """The value at ``key``, or ``default``."""
        return self._data().get(key, default)

    def keys(self) -> KeysView[str]:
        """The frame's keys."""
        return self._data().keys()

    def items(self) -> ItemsView[str, Any]:
        """The frame's items."""
        return self._data().items()

    def values(self) -> ValuesView[Any]:
        """The frame's values."""
        return self._data().values()


Mapping.register(RawFrame)


class NumberCache(dict[object, object]):
    """Numeric text -> its finite ``Decimal``, for one stream; ``UNSET`` and ``None`` map to
    themselves, so ``cache[frame.Bid]`` is the value whatever the frame sent.

    Quotes repeat the same few prices and sizes frame after frame, and a lookup costs a
    fraction of building a ``Decimal`` (msgspec's C decoder still goes through the ``Decimal``
    constructor). A miss converts the text exactly as the strict reader does and raises
    ``ValueError`` for anything it would not accept as a finite number (``"NaN"``, ``""``,
    ``"lots"``), so the caller can hand the frame to the strict reader. Bounded: past
    ``limit`` entries (volumes rarely repeat) it starts over.
    """

    def __init__(self, limit: int = 4096) -> None:
        super().__init__({UNSET: UNSET, None: None})
        self.limit = limit

    def __missing__(self, text: object) -> Decimal:
        if text.__class__ is not str:
            raise ValueError(f"not numeric text: {text!r}")
        try:
            number = Decimal(text)
        except ArithmeticError:  # decimal.InvalidOperation
            raise ValueError(f"not a number: {text!r}") from None
        if not number.is_finite():
            raise ValueError(f"not a finite number: {text!r}")
        if len(self) > self.limit:
            self.clear()
            self[UNSET] = UNSET
            self[None] = None
        self[text] = number
        return number
