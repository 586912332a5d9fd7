"""``connect`` and ``connect_async``: from a selector or profile to a ready facade."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import attrs

from brokerlink._http import AsyncBaseTransport, Auth, BaseTransport
from brokerlink.adapter import Environment
from brokerlink.broker.async_ import AsyncBroker
from brokerlink.broker.session import Connection
from brokerlink.broker.sync import Broker
from brokerlink.config import check_live_allowed, resolve_profile
from brokerlink.registry import AdapterRegistry

if TYPE_CHECKING:
    from brokerlink.emulator import Engine

__all__ = ["connect", "connect_async", "open_connection", "relocated"]


def connect(
    selector: str,
    *,
    auth: Auth | None = None,
    transport: BaseTransport | AsyncBaseTransport | None = None,
    emulator: Engine | None = None,
    registry: AdapterRegistry | None = None,
    **overrides: object,
) -> Broker:
    """Connect to ``"<adapter>:<environment>"`` or a named profile and return a :class:`Broker`.

    ``auth`` replaces the profile's credentials with any auth strategy (``bl.StaticToken``, ...);
    ``transport`` sends every request through any httpx2 transport (a mock, a recorder, an
    emulator on a port). ``emulator`` supplies a pre-configured engine for an ``emulator``
    environment. Other keyword arguments override profile fields (``account="..."``,
    ``timeout=10``). ``live`` environments refuse unless the profile sets ``allow_live = true``
    and ``BROKERLINK_ALLOW_LIVE=1`` is exported; the refusal comes before any request.
    """
    return Broker(
        open_connection(
            selector,
            auth=auth,
            transport=transport,
            emulator=emulator,
            registry=registry,
            overrides=overrides,
        )
    )


def connect_async(
    selector: str,
    *,
    auth: Auth | None = None,
    transport: BaseTransport | AsyncBaseTransport | None = None,
    emulator: Engine | None = None,
    registry: AdapterRegistry | None = None,
    **overrides: object,
) -> AsyncBroker:
    """Like :func:`connect`, returning an :class:`AsyncBroker` (use it with ``async with``)."""
    return AsyncBroker(
        open_connection(
            selector,
            auth=auth,
            transport=transport,
            emulator=emulator,
            registry=registry,
            overrides=overrides,
        )
    )


def open_connection(
    selector: str,
    *,
    auth: Auth | None = None,
    transport: BaseTransport | AsyncBaseTransport | None = None,
    emulator: Engine | None = None,
    registry: AdapterRegistry | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Connection:
    """Resolve the profile, load the adapter, check the live opt-in and build the connection."""
    profile = resolve_profile(selector, overrides=dict(overrides or {}))
    adapter_type, environment = (registry or AdapterRegistry()).environment(
        profile.broker, profile.environment
    )
    if environment.is_live:
        check_live_allowed(profile)
    if profile.base_url is not None:
        environment = relocated(environment, profile.base_url)
    adapter = adapter_type(environment, profile)
    engine = None
    if environment.is_emulator and transport is None and profile.base_url is None:
        from brokerlink.emulator import EmulatorConfig
        from brokerlink.emulator import Engine as EngineType

        seed = profile.emulator_seed
        engine = emulator or EngineType(
            EmulatorConfig() if seed is None else EmulatorConfig(seed=seed)
        )
        transport = adapter.emulator_transport(engine)
    if auth is None:
        auth = adapter.authenticate()
    return Connection(
        adapter=adapter, profile=profile, auth=auth, transport=transport, engine=engine
    )


def relocated(environment: Environment, base_url: str) -> Environment:
    """``environment`` served from ``base_url``: every URL on the environment's host moves there.

    An emulator served on a port keeps the paths it has in-process, so swapping the origin
    (scheme, host, port) of every URL on the base URL's host moves them all: REST, streams under
    the same root, another version's root (``/v2``) and websockets (``ws`` stays ``ws``, ``wss``
    follows the new scheme). A path under the old base path gets the new base path instead. URLs on
    other hosts (an OAuth server) stay.
    """
    old, new = urlsplit(environment.base_url.rstrip("/")), urlsplit(base_url.rstrip("/"))

    def move(url: str) -> str:
        parts = urlsplit(url)
        if parts.hostname != old.hostname or parts.port != old.port:
            return url
        secure = new.scheme == "https"
        scheme = ("wss" if secure else "ws") if parts.scheme in ("ws", "wss") else new.scheme
        path = parts.path
        if path == old.path or path.startswith(old.path.rstrip("/") + "/"):
            path = new.path + path[len(old.path) :]
        return urlunsplit((scheme, new.netloc, path, parts.query, parts.fragment))

    urls = {role: move(url) for role, url in environment.urls.items()}
    return attrs.evolve(environment, base_url=base_url.rstrip("/"), urls=urls)
