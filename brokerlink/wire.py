"""The core cattrs converter: exact, strict conversions between wire payloads and core models.

cattrs' defaults are lossy for money and time (``Decimal(0.1)``, ``int(1.9)``, ``bool("false")``),
so :func:`make_converter` registers explicit hooks for every scalar the models use:

================ ========================================== ====================================
type             structure (wire -> Python) accepts          unstructure (Python -> wire) gives
================ ========================================== ====================================
``Decimal``      str, int, Decimal; float through ``repr``  plain text, no exponent: ``"0.00001"``
``datetime``     ISO 8601 (``Z`` ok; naive = UTC); epoch    ISO 8601 UTC with ``Z``
                 seconds or milliseconds
``date``         ``YYYY-MM-DD``                             ``YYYY-MM-DD``
``int``          int; integral float or digit text          int
``bool``         ``true``/``false`` only                    bool
instruments      canonical text (:func:`instrument`)        canonical text
``Timeframe``    ``"5min"``, ``"1d"``, ...                  the same text
enums            the member's value                         the member's value
================ ========================================== ====================================

Every hook raises ``ValueError``/``TypeError`` naming the value, so :func:`structure_or_raise`
can turn a failure into a :class:`~brokerlink.errors.ResponseFormatError` with the field's path
(``$.orders[2].limit_price``) and a short redacted excerpt. A model's ``raw`` field (the broker's
payload) is never written back out.

Each adapter branches its own converter with ``make_converter().copy()`` and adds its hooks there;
nothing here is global, so adapters cannot step on each other.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from types import NoneType, UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
import orjson
from cattrs.gen import make_dict_unstructure_fn, override

from brokerlink.errors import ResponseFormatError
from brokerlink.instruments import (
    Crypto,
    Equity,
    Future,
    FutureOption,
    Index,
    Instrument,
    Option,
    instrument,
)
from brokerlink.redact import mask_account
from brokerlink.timeframes import Timeframe

__all__ = ["excerpt_at", "make_converter", "structure_or_raise"]

T = TypeVar("T")

_KINDS: tuple[type[Any], ...] = (Equity, Option, Future, FutureOption, Index, Crypto)
_MS_THRESHOLD = 100_000_000_000  # epoch seconds this large are year 5138: it must be milliseconds
_INT_TEXT = re.compile(r"[+-]?\d+")
_EXCERPT_CHARS = 120
# Keys whose values are secrets or account numbers: masked in every excerpt (DESIGN §6).
_SENSITIVE = re.compile(r"account|token|secret|password|authorization|session|key", re.I)


def make_converter() -> cattrs.Converter:
    """A new converter with brokerlink's strict scalar hooks (a fresh one on every call)."""
    converter = cattrs.Converter(detailed_validation=True)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_unstructure_hook(Decimal, _unstructure_decimal)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_unstructure_hook(datetime, _unstructure_datetime)
    converter.register_structure_hook(date, _structure_date)
    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(Timeframe, _structure_timeframe)
    converter.register_unstructure_hook(Timeframe, str)
    converter.register_structure_hook(enum.Enum, _structure_enum)
    # StrEnum/IntEnum members meet the str/int hooks first (their MRO puts str before Enum).
    converter.register_unstructure_hook(enum.Enum, _unstructure_enum)
    converter.register_unstructure_hook(str, _unstructure_enum)
    converter.register_unstructure_hook(int, _unstructure_enum)
    converter.register_structure_hook_func(_is_instrument_union, _structure_any_instrument)
    # `raw: object` fields hold a payload as it came: passed through untouched.
    converter.register_structure_hook_func(lambda cl: cl is object, lambda value, _: value)
    for kind in _KINDS:
        converter.register_structure_hook(kind, _instrument_of(kind))
        converter.register_unstructure_hook(kind, str)
    # Registered last so it runs before the attrs default: omit `raw`, the broker's own payload.
    converter.register_unstructure_hook_factory(_has_raw, lambda cls: _without_raw(cls, converter))
    return converter


def structure_or_raise(
    converter: cattrs.Converter,
    data: object,
    cl: type[T],
    *,
    broker: str | None,
    raw: bytes | str | None = None,
) -> T:
    """``converter.structure(data, cl)``, turning any failure into ``ResponseFormatError``.

    The error's ``path`` is the first failing field (``$.orders[2].limit_price``); its excerpt
    is the value found there, redacted and cut short; ``raw`` keeps the whole body.
    """
    try:
        return converter.structure(data, cl)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as exc:
        messages = cattrs.transform_error(exc, path="$", format_exception=_describe)
        first = messages[0] if messages else f"{type(exc).__name__}: {exc} @ $"
        description, _, path = first.rpartition(" @ ")
        name = getattr(cl, "__name__", str(cl))
        extra = len(messages) - 1
        more = f" (and {extra} more problem{'s' if extra > 1 else ''})" if extra else ""
        raise ResponseFormatError(
            f"{name}: {description or first}{more}",
            path=path or "$",
            excerpt=excerpt_at(data, path or "$"),
            raw=raw,
            broker=broker,
        ) from exc


def excerpt_at(data: object, path: str) -> str:
    """A short, redacted JSON excerpt of the value at ``path`` (``$.a[2].b``) in ``data``."""
    value: object = data
    sensitive = False
    for key, index in re.findall(r"\.([^.\[]+)|\[([^\]]+)\]", path.removeprefix("$")):
        step: object = key or _index(index)
        sensitive = sensitive or (isinstance(step, str) and bool(_SENSITIVE.search(step)))
        try:
            value = value[step]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            break
    shown = _redact(value)
    if sensitive and not isinstance(shown, dict | list):
        shown = mask_account(str(shown))
    text = orjson.dumps(shown, default=str).decode()
    return text if len(text) <= _EXCERPT_CHARS else text[: _EXCERPT_CHARS - 3] + "..."


# -- scalar hooks ------------------------------------------------------------------------------


def _structure_decimal(value: object, _: type) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"not a decimal: {value!r} (a bool)")
    try:
        if isinstance(value, float):
            number = Decimal(repr(value))  # repr is the shortest text that round-trips
        elif isinstance(value, str | int | Decimal):
            number = Decimal(value.strip() if isinstance(value, str) else value)
        else:
            raise ValueError(f"not a decimal: {value!r} (a {type(value).__name__})")
    except InvalidOperation:
        raise ValueError(f"not a decimal: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a decimal: {value!r} (not finite)")
    return number


def _unstructure_decimal(value: Decimal) -> str:
    return format(value, "f")  # "f" never uses an exponent: 1E+2 -> "100"


def _structure_datetime(value: object, _: type) -> datetime:
    if isinstance(value, bool):
        raise ValueError(f"not a datetime: {value!r} (a bool)")
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) >= _MS_THRESHOLD else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):  # NaN, infinity, out of the calendar
            raise ValueError(f"not a datetime: {value!r} (no such epoch time)") from None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"not an ISO 8601 datetime: {value!r}") from None
    else:
        raise ValueError(f"not a datetime: {value!r} (a {type(value).__name__})")
    # A naive wire time is UTC by this API's convention; adapters whose broker sends exchange
    # time register their own hook.
    if parsed.utcoffset() is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _unstructure_datetime(value: datetime) -> str:
    if value.utcoffset() is None:
        raise ValueError(f"refusing to send a naive datetime: {value.isoformat()}")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _structure_date(value: object, _: type) -> date:
    if isinstance(value, datetime) or not isinstance(value, str | date):
        raise ValueError(f"not a date: {value!r}")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None


def _structure_int(value: object, cl: type) -> Any:
    if cl is not int:  # an IntEnum: class hooks also match subclasses
        return _structure_enum(value, cl)
    if isinstance(value, bool):
        raise ValueError(f"not an integer: {value!r} (a bool)")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()):
        return int(value)
    raise ValueError(f"not an integer: {value!r}")


def _structure_bool(value: object, _: type) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"not a boolean: {value!r} (only true/false are accepted)")


def _structure_str(value: object, cl: type) -> Any:
    if cl is not str:  # a StrEnum: class hooks also match subclasses, and str precedes Enum
        return _structure_enum(value, cl)
    # Numbers are accepted as text (some brokers send ids as numbers); null never is.
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"not a string: {value!r}")


def _structure_timeframe(value: object, _: type) -> Timeframe:
    if not isinstance(value, str | Timeframe):
        raise ValueError(f"not a timeframe: {value!r}")
    return Timeframe.parse(value)


def _structure_enum(value: object, cl: Any) -> enum.Enum:
    if not (isinstance(cl, type) and issubclass(cl, enum.Enum)):
        raise TypeError(f"{cl!r} is neither a plain scalar nor an enum")
    try:
        return cl(value)
    except ValueError:
        accepted = ", ".join(repr(member.value) for member in cl)
        raise ValueError(f"{value!r} is not a {cl.__name__} (one of {accepted})") from None


def _unstructure_enum(value: object) -> object:
    return value.value if isinstance(value, enum.Enum) else value


def _is_instrument_union(cl: Any) -> bool:
    """``Instrument``, or any union of instrument kinds (``Option | FutureOption | None``)."""
    if get_origin(cl) not in (Union, UnionType):
        return False
    kinds = [arg for arg in get_args(cl) if arg is not NoneType]
    return bool(kinds) and all(kind in _KINDS for kind in kinds)


def _structure_any_instrument(value: object, cl: Any) -> Instrument | None:
    args = get_args(cl)
    if value is None and NoneType in args:
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a symbol: {value!r}")
    parsed = instrument(value)
    kinds = tuple(arg for arg in args if arg is not NoneType) or _KINDS
    if not any(isinstance(parsed, kind) for kind in kinds):
        names = " or ".join(kind.__name__ for kind in kinds)
        raise ValueError(f"{value!r} is not a {names} symbol")
    return parsed


def _instrument_of(kind: type[T]) -> Callable[[object, type], T]:
    def structure(value: object, _: type) -> T:
        if not isinstance(value, str):
            raise ValueError(f"not a symbol: {value!r}")
        parsed = instrument(value)
        if not isinstance(parsed, kind):
            raise ValueError(f"{value!r} is not a {kind.__name__} symbol")
        return parsed

    return structure


# -- attrs classes -----------------------------------------------------------------------------


def _has_raw(cl: Any) -> bool:
    return attrs.has(cl) and any(field.name == "raw" for field in attrs.fields(cl))


def _without_raw(cl: type[Any], converter: cattrs.Converter) -> Callable[[Any], dict[str, Any]]:
    return make_dict_unstructure_fn(cl, converter, raw=override(omit=True))


# -- errors ------------------------------------------------------------------------------------


def _describe(exc: BaseException, cl: type | None) -> str:
    if isinstance(exc, KeyError):
        return (
            f"required field {exc.args[0]!r} is missing"
            if exc.args
            else "a required field is missing"
        )
    if isinstance(exc, ResponseFormatError):  # raised by a hook: its reason, without its own path
        return exc.reason
    return f"{exc}" if str(exc) else type(exc).__name__


def _index(text: str) -> int | str:
    stripped = text.strip("'\"")
    return int(stripped) if _INT_TEXT.fullmatch(stripped) else stripped


def _redact(value: object) -> object:
    if isinstance(value, dict):
        return {
            key: (
                mask_account(str(item))
                if _SENSITIVE.search(str(key)) and not isinstance(item, dict | list)
                else _redact(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact(item) for item in value[:5]]
    return value
