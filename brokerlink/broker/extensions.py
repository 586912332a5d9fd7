"""Broker-specific extensions: what one broker offers beyond the neutral API, run by the facades.

An adapter may declare named extensions as a class attribute::

    class TradierAdapter(Adapter):
        extensions = {"tradier": TradierExtension}

An extension class subclasses :class:`Extension`; each public method returns an *operation* (a
generator of requests, :mod:`brokerlink.runtime.operation`), exactly like the adapter's own
operations, so one method serves both facades. ``broker.extension("tradier")`` returns a
:class:`SyncExtension` whose methods run those operations and return their results;
``async_broker.extension("tradier")`` an :class:`AsyncExtension` whose methods are awaitables.
An adapter without the named extension raises :class:`~brokerlink.errors.NotSupportedError`
naming the broker and the extensions it does have.

Extensions resolve ``account=None`` through :meth:`Extension.account_id`, the same rule as the
neutral methods (the profile's default, or the only account).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from brokerlink.errors import NotSupportedError

if TYPE_CHECKING:
    from brokerlink.adapter import Adapter
    from brokerlink.broker.core import AccountRef, BrokerCore
    from brokerlink.runtime.operation import Operation

__all__ = [
    "AsyncExtension",
    "Extension",
    "SyncExtension",
    "declared_extensions",
    "make_extension",
]

T = TypeVar("T")


class Extension:
    """Base of an adapter's extension: public methods return operations.

    ``adapter`` is the connected adapter (its environment, profile and converter); ``core`` the
    facade's :class:`~brokerlink.broker.core.BrokerCore`, for account resolution.
    """

    def __init__(self, adapter: Adapter, core: BrokerCore) -> None:
        self.adapter = adapter
        self._core = core

    def account_id(self, account: AccountRef) -> Operation[str]:
        """The account id ``account`` stands for (``None``: the default or only account)."""
        return self._core.account_id(account)


def declared_extensions(adapter: Adapter) -> Mapping[str, type[Extension]]:
    """The extensions ``adapter`` declares (``{}`` when it declares none)."""
    found = getattr(type(adapter), "extensions", None)
    return found if isinstance(found, Mapping) else {}


def make_extension(adapter: Adapter, core: BrokerCore, name: str) -> Extension:
    """The extension ``name`` of ``adapter``, or :class:`NotSupportedError` listing what exists."""
    declared = declared_extensions(adapter)
    kind = declared.get(name)
    if kind is None:
        offered = ", ".join(sorted(declared)) or "none"
        raise NotSupportedError(
            f"{adapter.name} has no {name!r} extension (extensions: {offered})",
            broker=adapter.name,
        )
    return kind(adapter, core)


def _public(extension: Extension, name: str) -> Callable[..., Any]:
    method = getattr(extension, name, None) if not name.startswith("_") else None
    if method is None or not callable(method) or name in ("account_id",):
        offered = ", ".join(operation_names(extension))
        raise AttributeError(
            f"the {type(extension).__name__} has no operation {name!r}; it has: {offered}"
        )
    return method  # type: ignore[no-any-return]


def operation_names(extension: Extension) -> list[str]:
    """The public operation methods of ``extension``."""
    return sorted(
        name
        for name, member in inspect.getmembers(type(extension), inspect.isfunction)
        if not name.startswith("_") and name != "account_id"
    )


class SyncExtension:
    """An extension for :class:`~brokerlink.Broker`: each method runs its operation and returns."""

    def __init__(self, extension: Extension, run: Callable[[Operation[Any]], Any]) -> None:
        self._extension = extension
        self._run = run

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = _public(self._extension, name)

        def run(*args: Any, **kwargs: Any) -> Any:
            return self._run(method(*args, **kwargs))

        run.__doc__ = method.__doc__
        run.__name__ = name
        return run

    def __dir__(self) -> list[str]:
        return operation_names(self._extension)

    def __repr__(self) -> str:
        return f"<{type(self._extension).__name__} (sync)>"


class AsyncExtension:
    """An extension for :class:`~brokerlink.AsyncBroker`: each method returns an awaitable."""

    def __init__(
        self, extension: Extension, run: Callable[[Operation[Any]], Awaitable[Any]]
    ) -> None:
        self._extension = extension
        self._run = run

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        method = _public(self._extension, name)

        async def run(*args: Any, **kwargs: Any) -> Any:
            return await self._run(method(*args, **kwargs))

        run.__doc__ = method.__doc__
        run.__name__ = name
        return run

    def __dir__(self) -> list[str]:
        return operation_names(self._extension)

    def __repr__(self) -> str:
        return f"<{type(self._extension).__name__} (async)>"
