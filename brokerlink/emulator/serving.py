"""An installed adapter's emulator front, ready to serve on a port.

``brokerlink emulate <adapter>`` and the cassette recorder (:mod:`brokerlink.testing`) both need
the same thing: the adapter's emulator environment, a seeded engine and the wire front its
in-process transport wraps, so the front can be served over real HTTP on loopback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from brokerlink.errors import ConfigError

if TYPE_CHECKING:
    from brokerlink.adapter import Environment
    from brokerlink.emulator.engine import Engine
    from brokerlink.emulator.http.front import Front
    from brokerlink.registry import AdapterRegistry

__all__ = ["ServableEmulator", "servable_emulator"]


@attrs.frozen(kw_only=True)
class ServableEmulator:
    """An adapter's emulator: its environment, engine, wire front and personality."""

    adapter: str
    display_name: str
    environment: Environment
    engine: Engine
    front: Front
    personality: str = "ideal"

    def api_root(self, server_url: str) -> str:
        """The REST root when the front is served at ``server_url`` (the broker's paths are kept)."""
        from urllib.parse import urlsplit

        return server_url.rstrip("/") + urlsplit(self.environment.base_url).path.rstrip("/")


def servable_emulator(
    adapter: str,
    *,
    seed: int | None = None,
    engine: Engine | None = None,
    registry: AdapterRegistry | None = None,
    personality: str = "ideal",
) -> ServableEmulator:
    """The emulator of installed ``adapter`` over ``engine`` (or a new one seeded with ``seed``),
    behaving as ``personality``: ``"ideal"`` or ``"sandbox"`` (the broker's paper environment;
    a client should connect with the same ``emulator_personality`` to get its capabilities).

    Raises :class:`~brokerlink.errors.ConfigError` when the adapter has no emulator environment,
    its emulator cannot be served (an in-process-only transport), or ``personality`` is unknown.
    """
    from brokerlink.config import resolve_profile
    from brokerlink.emulator import EmulatorConfig, Engine
    from brokerlink.emulator.http import Front
    from brokerlink.registry import AdapterRegistry

    adapter_type = (registry or AdapterRegistry()).get(adapter)
    environment = next((e for e in adapter_type.environments.values() if e.is_emulator), None)
    if environment is None:
        raise ConfigError(
            f"{adapter_type.display_name} has no emulator environment",
            key="adapter",
            fix=f"environments of {adapter}: {', '.join(adapter_type.environments)}",
        )
    profile = resolve_profile(
        f"{adapter}:{environment.name}", overrides={"emulator_personality": personality}
    )
    engine = engine or Engine(EmulatorConfig() if seed is None else EmulatorConfig(seed=seed))
    transport = adapter_type(environment, profile).emulator_transport(engine)
    front = getattr(transport, "front", None)
    if not isinstance(front, Front):
        raise ConfigError(
            f"{adapter_type.display_name}'s emulator runs in-process only and cannot be served",
            key="adapter",
            fix=f"use it with bl.connect('{adapter}:{environment.name}') instead",
        )
    return ServableEmulator(
        adapter=adapter,
        display_name=adapter_type.display_name,
        environment=environment,
        engine=engine,
        front=front,
        personality=profile.emulator_personality,
    )
