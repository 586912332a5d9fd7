"""The :class:`Strategy` base class: lifecycle hooks and typed parameters.

A strategy is written once and never names a broker. Its parameters are annotated class
attributes with defaults (``fast: int = 10``); the runner, or ``brokerlink run -p fast=5``,
overrides them per run. Text from the command line is converted by the type of the default
(``int``, ``float``, ``Decimal``, ``bool``, ``str``), so a strategy always sees typed values.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

from brokerlink.errors import ConfigError

if TYPE_CHECKING:
    from brokerlink.models import BarEvent, OrderEvent, QuoteEvent
    from brokerlink.strategy.context import StrategyContext

__all__ = ["PARAMETER_TYPES", "Strategy", "convert_parameter", "parse_assignments"]

PARAMETER_TYPES: tuple[type, ...] = (bool, int, float, Decimal, str)
"""The types a parameter's default may have (``bool`` before ``int``: it is a subclass)."""

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class Strategy:
    """Subclass this and override the hooks you need; every hook is a no-op by default.

    The runner calls, on one thread and one at a time (a strategy never needs locks):

    - :meth:`on_start` once, before any event: read history, make subscriptions
      (``ctx.subscribe_bars``, ``ctx.subscribe_quotes``), check ``ctx.require(...)``;
    - :meth:`on_bar`, :meth:`on_quote` and :meth:`on_order_event` as events arrive (order events
      for the run's account are always delivered);
    - :meth:`on_stop` once at the end, whatever ended the run (``ctx.stop()``, a limit, an
      error in a hook, Ctrl-C), while the broker is still usable: close positions here.

    Parameters are annotated class attributes with a default of a type in
    :data:`PARAMETER_TYPES`; ``Strategy(fast=5)`` overrides one, and an unknown name or a bad
    value is a :class:`~brokerlink.ConfigError` naming it and the valid ones. Keep per-run state
    in attributes set in :meth:`on_start`.
    """

    name: ClassVar[str] = ""
    """A short name for summaries and client ids (default: the class name)."""

    def __init__(self, **parameters: object) -> None:
        declared = self.parameters()
        for key, value in parameters.items():
            if key not in declared:
                raise ConfigError(
                    f"{type(self).__name__} has no parameter {key!r}",
                    key=key,
                    fix=f"use one of: {_listing(declared)}",
                )
            setattr(self, key, convert_parameter(key, value, declared[key]))

    @classmethod
    def parameters(cls) -> dict[str, Any]:
        """The declared parameters and their defaults, in declaration order (base classes first)."""
        found: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            if not issubclass(klass, Strategy) or klass is Strategy:
                continue
            for key, annotation in vars(klass).get("__annotations__", {}).items():
                if key.startswith("_") or "ClassVar" in str(annotation):
                    continue
                default = vars(klass).get(key)
                if isinstance(default, PARAMETER_TYPES):
                    found[key] = default
        return found

    @property
    def parameter_values(self) -> dict[str, Any]:
        """This instance's parameters with their current values."""
        return {key: getattr(self, key) for key in self.parameters()}

    @classmethod
    def display_name(cls) -> str:
        """:attr:`name`, or the class name when it is not set."""
        return cls.name or cls.__name__

    def on_start(self, ctx: StrategyContext) -> None:
        """Called once before any event: warm up, subscribe, check capabilities."""

    def on_bar(self, ctx: StrategyContext, event: BarEvent) -> None:
        """A bar of a subscribed symbol (``event.complete`` is False while it is forming)."""

    def on_quote(self, ctx: StrategyContext, event: QuoteEvent) -> None:
        """A quote of a subscribed symbol."""

    def on_order_event(self, ctx: StrategyContext, event: OrderEvent) -> None:
        """An order of the run's account changed (``event.fill`` is the execution, if any)."""

    def on_stop(self, ctx: StrategyContext) -> None:
        """Called once at the end; the broker is still connected (close positions here)."""

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.parameter_values.items())
        return f"{type(self).__name__}({shown})"


def convert_parameter(key: str, value: object, default: Any) -> Any:
    """``value`` as the type of ``default``; text is parsed (``"5"`` -> 5, ``"1.25"`` ->
    ``Decimal("1.25")``, ``"yes"`` -> True). A value that does not fit is a ConfigError."""
    kind = type(default)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    text = str(value).strip()
    try:
        if kind is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError(text)
        if kind is Decimal:
            return Decimal(text)
        return kind(text)
    except (ValueError, InvalidOperation):
        raise ConfigError(
            f"parameter {key!r} takes a {kind.__name__}, not {value!r}",
            key=key,
            fix=f"pass {key}=<{kind.__name__}> (the default is {default!r})",
        ) from None


def parse_assignments(
    items: list[str] | tuple[str, ...], declared: Mapping[str, Any]
) -> dict[str, str]:
    """``["fast=5", "symbol=QQQ"]`` as ``{"fast": "5", "symbol": "QQQ"}``; a malformed item or an
    unknown name is a ConfigError listing the valid parameters."""
    found: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(
                f"{item!r} is not name=value",
                key="parameter",
                fix=f"pass -p name=value with a name from: {_listing(declared)}",
            )
        if key not in declared:
            raise ConfigError(
                f"unknown parameter {key!r}", key=key, fix=f"use one of: {_listing(declared)}"
            )
        found[key] = value
    return found


def _listing(declared: Mapping[str, Any]) -> str:
    if not declared:
        return "none (this strategy declares no parameters)"
    return ", ".join(f"{k} ({type(v).__name__}, default {v})" for k, v in declared.items())
