"""What is installed: each adapter's distribution, version, and whether it loads.

The capabilities matrix, ``demo`` and ``emulate`` all walk the installed adapters; a broken or
not-yet-finished adapter package must show up as a row saying so, never break the whole command.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import attrs

from brokerlink.adapter import Adapter, Environment
from brokerlink.capabilities import Capabilities
from brokerlink.config import resolve_profile
from brokerlink.registry import ENTRY_POINT_GROUP, KNOWN_DISTRIBUTIONS, AdapterRegistry

__all__ = ["InstalledAdapter", "capabilities_of", "emulator_environment", "installed_adapters"]


@attrs.frozen(kw_only=True)
class InstalledAdapter:
    """One adapter name: where it comes from and its class, or why it could not be loaded."""

    name: str
    distribution: str
    version: str
    adapter: type[Adapter] | None = None
    problem: str | None = None

    @property
    def label(self) -> str:
        """``"brokerlink-tradier 0.1.0"``, for messages."""
        return f"{self.distribution} {self.version}".strip()


def installed_adapters(registry: AdapterRegistry | None = None) -> list[InstalledAdapter]:
    """Every adapter the registry knows, sorted by name, each loaded (or with its problem)."""
    registry = registry or AdapterRegistry()
    origins = {
        ep.name: (ep.dist.name, ep.dist.version)
        for ep in entry_points(group=ENTRY_POINT_GROUP)
        if ep.dist is not None
    }
    found = []
    for name in registry.names():
        distribution, version = origins.get(name, (KNOWN_DISTRIBUTIONS.get(name, name), ""))
        try:
            adapter = registry.get(name)
        # A third-party (or unfinished) package can fail in any way while importing; the
        # caller reports it on that adapter's row instead of failing for every adapter.
        except Exception as exc:
            problem = f"{type(exc).__name__}: {exc}"
            found.append(
                InstalledAdapter(
                    name=name, distribution=distribution, version=version, problem=problem
                )
            )
            continue
        found.append(
            InstalledAdapter(name=name, distribution=distribution, version=version, adapter=adapter)
        )
    return found


def emulator_environment(adapter: type[Adapter]) -> Environment | None:
    """The adapter's offline emulator environment, if it has one."""
    return next((env for env in adapter.environments.values() if env.is_emulator), None)


def capabilities_of(adapter: type[Adapter], environment: str) -> Capabilities:
    """The capabilities ``adapter`` declares for ``environment``, without connecting.

    Declaring capabilities needs no credentials and sends no request, so this works for live
    environments too (no opt-in is needed to read what they support).
    """
    env = adapter.environments[environment]
    profile = resolve_profile(f"{adapter.name}:{environment}")
    return adapter(env, profile).capabilities()
