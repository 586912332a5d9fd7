"""Reading Tradier requests: query strings and ``application/x-www-form-urlencoded`` bodies.

Tradier takes its parameters as form fields on POST and PUT and as the query string on GET
(NOTES §3), with indexed names for the legs of complex orders (``side[0]``, ``option_symbol[1]``)
and the strings ``true``/``false`` for booleans. :class:`Params` reads both the same way and
raises :class:`~.wire.TradierError` in Tradier's words (``Invalid parameter, side: ...``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl

from brokerlink._http import Request

from .wire import TradierError

__all__ = ["Params", "invalid"]


def invalid(name: str, why: str) -> TradierError:
    """Tradier's wording for a bad parameter."""
    return TradierError(f"Invalid parameter, {name}: {why}")


class Params:
    """The parameters of one request: the query string, then the form body on top of it."""

    def __init__(self, request: Request) -> None:
        pairs = list(request.url.params.multi_items())
        if request.content and request.method in ("POST", "PUT", "DELETE"):
            text = request.content.decode("utf-8", "replace")
            pairs += parse_qsl(text, keep_blank_values=True)
        self._values: dict[str, str] = {}
        for key, value in pairs:
            self._values[key] = value.strip()

    def names(self) -> Iterable[str]:
        """Every parameter name sent."""
        return self._values.keys()

    def get(self, name: str, default: str | None = None) -> str | None:
        """The value of ``name`` (``default`` when absent or blank)."""
        value = self._values.get(name)
        return default if value in (None, "") else value

    def has(self, name: str) -> bool:
        """Whether ``name`` was sent with a non-blank value."""
        return self.get(name) is not None

    def required(self, name: str) -> str:
        """The value of ``name``; a Tradier error when it is missing."""
        value = self.get(name)
        if value is None:
            raise invalid(name, "this parameter is required")
        return value

    def choice(self, name: str, allowed: Iterable[str], default: str | None = None) -> str:
        """A value that must be one of ``allowed`` (lower-cased)."""
        options = tuple(allowed)
        value = self.get(name, default)
        if value is None:
            raise invalid(name, f"this parameter is required; use one of {', '.join(options)}")
        value = value.lower()
        if value not in options:
            raise invalid(name, f"{value!r} is not one of {', '.join(options)}")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        """A ``true``/``false`` parameter."""
        value = self.get(name)
        if value is None:
            return default
        return value.lower() == "true"

    def decimal(self, name: str) -> Decimal | None:
        """A decimal number, or ``None`` when absent."""
        value = self.get(name)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise invalid(name, f"{value!r} is not a number") from None
        if not number.is_finite():
            raise invalid(name, f"{value!r} is not a number")
        return number

    def whole(self, name: str, default: int) -> int:
        """A positive integer (page numbers, limits)."""
        value = self.get(name)
        if value is None:
            return default
        if not value.isdigit() or int(value) < 1:
            raise invalid(name, f"{value!r} must be a positive whole number")
        return int(value)

    def day(self, name: str) -> date | None:
        """A ``YYYY-MM-DD`` date, or ``None`` when absent."""
        value = self.get(name)
        if value is None:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            raise invalid(name, f"{value!r} is not a date (YYYY-MM-DD)") from None

    def symbols(self, name: str = "symbols") -> list[str]:
        """A comma-separated list of symbols, upper-cased, blanks dropped, order kept."""
        text = self.get(name) or ""
        seen: list[str] = []
        for part in text.split(","):
            symbol = part.strip().upper()
            if symbol and symbol not in seen:
                seen.append(symbol)
        return seen

    def indexed(self, name: str, index: int) -> str | None:
        """``name[index]`` (complex orders), or ``None`` when absent."""
        return self.get(f"{name}[{index}]")

    def leg_count(self) -> int:
        """How many legs the indexed fields describe (the highest index plus one)."""
        count = 0
        for key in self._values:
            head, bracket, rest = key.partition("[")
            if bracket and rest.endswith("]") and rest[:-1].isdigit() and head:
                count = max(count, int(rest[:-1]) + 1)
        return count
