"""``load_strategy(path)``: import a strategy file and find its :class:`Strategy` subclass.

A strategy file is a script, not part of a package: it is imported by path under a private
module name, and the subclasses *defined in it* are found (one imported from elsewhere, such as
a shared base class, does not count).
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

from brokerlink.errors import ConfigError
from brokerlink.strategy.base import Strategy

__all__ = ["find_strategy", "load_strategy"]


def load_strategy(path: str | Path, name: str | None = None) -> type[Strategy]:
    """The Strategy subclass defined in the file at ``path`` (``name`` picks one of several).

    A missing file, a file that defines none, several without ``name``, or an unknown ``name``
    is a :class:`~brokerlink.ConfigError` that says what was found.
    """
    source = Path(path)
    if not source.is_file():
        raise ConfigError(
            f"there is no strategy file at {source}",
            key="strategy",
            fix="pass the path of a Python file defining a brokerlink.Strategy subclass",
        )
    # A name per path: two files with the same stem (examples/x.py, mine/x.py) never collide.
    digest = hashlib.sha1(str(source.resolve()).encode()).hexdigest()[:8]
    module_name = f"brokerlink_strategy_{source.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, source)
    if spec is None or spec.loader is None:
        raise ConfigError(f"cannot load {source} as a Python module", key="strategy")
    module = importlib.util.module_from_spec(spec)
    # dataclasses and attrs resolve a module's annotations through sys.modules while a class
    # is built, so the module is registered before it runs.
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return find_strategy(vars(module), module_name, source, name)


def find_strategy(
    namespace: dict[str, object], module_name: str, source: Path, name: str | None = None
) -> type[Strategy]:
    """The Strategy subclass defined in ``module_name`` among ``namespace``'s values."""
    found = {
        value.__name__: value
        for value in namespace.values()
        if isinstance(value, type)
        and issubclass(value, Strategy)
        and value is not Strategy
        and value.__module__ == module_name
    }
    if name is not None:
        if name not in found:
            listed = ", ".join(sorted(found)) or "none"
            raise ConfigError(
                f"{source} defines no Strategy named {name!r} (it defines: {listed})",
                key="strategy",
            )
        return found[name]
    if not found:
        raise ConfigError(
            f"{source} defines no brokerlink.Strategy subclass",
            key="strategy",
            fix="define `class MyStrategy(bl.Strategy): ...` in the file",
        )
    if len(found) > 1:
        raise ConfigError(
            f"{source} defines several strategies: {', '.join(sorted(found))}",
            key="strategy",
            fix="choose one with --strategy NAME",
        )
    return next(iter(found.values()))
