"""Finding adapters: entry points in the group ``brokerlink.adapters``, loaded lazily.

Built-in and third-party adapters register the same way, so ``pip install brokerlink-foo`` is all
a user needs for ``bl.connect("foo:sandbox")``. Nothing is imported until an adapter is asked for,
and the registry is an ordinary object (no module-level cache): tests build their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points

from brokerlink.adapter import Adapter, Environment
from brokerlink.errors import ConfigError

__all__ = ["ENTRY_POINT_GROUP", "KNOWN_DISTRIBUTIONS", "AdapterRegistry"]

ENTRY_POINT_GROUP = "brokerlink.adapters"

KNOWN_DISTRIBUTIONS = {
    "tradestation": "brokerlink-tradestation",
    "tradier": "brokerlink-tradier",
    "tastytrade": "brokerlink-tastytrade",
}
"""Adapters we publish, so a missing one gets an exact install hint."""


def _installed() -> list[EntryPoint]:
    return list(entry_points(group=ENTRY_POINT_GROUP))


class AdapterRegistry:
    """Adapter classes by name, discovered from entry points (or given, for tests)."""

    def __init__(self, discover: Callable[[], Iterable[EntryPoint]] = _installed) -> None:
        self._discover = discover
        self._loaded: dict[str, type[Adapter]] = {}
        self._extra: dict[str, type[Adapter]] = {}

    def register(self, adapter: type[Adapter]) -> None:
        """Add an adapter class directly (tests, notebooks) without an entry point."""
        self._extra[adapter.name] = adapter

    def names(self) -> list[str]:
        """Every adapter name that is installed or registered, sorted."""
        return sorted({ep.name for ep in self._discover()} | set(self._extra))

    def get(self, name: str) -> type[Adapter]:
        """Load the adapter called ``name``, or raise ``ConfigError`` with an install hint."""
        if name in self._extra:
            return self._extra[name]
        if name in self._loaded:
            return self._loaded[name]
        found = [ep for ep in self._discover() if ep.name == name]
        if not found:
            raise ConfigError(
                f"no adapter called {name!r} is installed (installed: {', '.join(self.names()) or 'none'})",
                key="selector",
                fix=_install_hint(name),
            )
        loaded = found[0].load()
        if not (isinstance(loaded, type) and issubclass(loaded, Adapter)):
            raise ConfigError(
                f"entry point {found[0].value!r} for adapter {name!r} is not a brokerlink Adapter class",
                key="selector",
                fix="reinstall the adapter package, or report the problem to its authors",
            )
        self._loaded[name] = loaded
        return loaded

    def environment(self, name: str, environment: str) -> tuple[type[Adapter], Environment]:
        """Adapter ``name`` and its environment ``environment``, or ``ConfigError`` naming the
        environments it has."""
        adapter = self.get(name)
        found = adapter.environments.get(environment)
        if found is None:
            names = ", ".join(adapter.environments) or "none"
            example = next(iter(adapter.environments), "sandbox")
            raise ConfigError(
                f"{adapter.display_name} has no environment {environment!r}",
                key="environment",
                fix=f"use one of: {names} (for example {name}:{example})",
            )
        return adapter, found


def _install_hint(name: str) -> str:
    package = KNOWN_DISTRIBUTIONS.get(name, f"brokerlink-{name}")
    return f"pip install {package}, or check the spelling of the adapter name"
