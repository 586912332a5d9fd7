"""``brokerlink profiles`` and ``brokerlink capabilities``: what is configured, what is supported.

Neither command connects to a broker or reads a secret's value: ``profiles`` shows each
credential as ``set`` or ``missing`` (env vars, and what ``brokerlink login`` stored), and
``capabilities`` reads what adapters declare.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Annotated

import typer

from brokerlink.capabilities import Capabilities, Feature
from brokerlink.cli.installed import capabilities_of, installed_adapters
from brokerlink.cli.options import JsonFlag
from brokerlink.cli.output import print_table, to_data, write_json
from brokerlink.config import (
    CREDENTIAL_FIELDS,
    credential_status,
    find_config,
    list_profiles,
    resolve_profile,
)
from brokerlink.errors import ConfigError
from brokerlink.oauth import default_token_store
from brokerlink.redact import mask_account
from brokerlink.registry import AdapterRegistry
from brokerlink.timeframes import Timeframe

__all__ = ["capabilities", "profiles", "register"]


def profiles(json: JsonFlag = False) -> None:
    """List the profiles in brokerlink.toml (or $BROKERLINK_CONFIG), with credential status."""
    path = find_config()
    found = list_profiles()
    store = default_token_store()  # tokens from `brokerlink login` count as set
    if json:
        rows = [
            {
                "name": profile.name,
                "broker": profile.broker,
                "environment": profile.environment,
                "account": mask_account(profile.account) if profile.account else None,
                "allow_live": profile.allow_live,
                "credentials": {
                    field: "set" if present else "missing"
                    for field, present in credential_status(profile, store=store).items()
                },
            }
            for profile in found
        ]
        write_json({"config": str(path) if path else None, "profiles": rows})
        return
    columns = [("name", "left"), ("broker", "left"), ("environment", "left")]
    columns += [("account", "left"), ("live", "left")]
    columns += [(field, "left") for field in CREDENTIAL_FIELDS]
    print_table(
        f"profiles in {path}" if path else "profiles",
        columns,
        (
            [
                profile.name,
                profile.broker,
                profile.environment,
                mask_account(profile.account) if profile.account else None,
                "allowed" if profile.allow_live else "-",
                *(
                    "set" if present else "missing"
                    for present in credential_status(profile, store=store).values()
                ),
            ]
            for profile in found
        ),
        empty="none (no brokerlink.toml here and $BROKERLINK_CONFIG is not set); selectors "
        "such as 'paper:emulator' work without one",
    )


def capabilities(
    profile: Annotated[
        str | None,
        typer.Option(
            "--profile",
            "-p",
            help="Show one profile's capabilities in detail (default: the matrix of all).",
        ),
    ] = None,
    json: JsonFlag = False,
) -> None:
    """What each installed adapter supports, per environment (or one profile in detail)."""
    if profile is None:
        _matrix(json)
    else:
        _detail(profile, json)


def _detail(profile: str, json: bool) -> None:
    resolved = resolve_profile(profile)
    adapter = AdapterRegistry().get(resolved.broker)
    if resolved.environment not in adapter.environments:
        raise ConfigError(
            f"{adapter.display_name} has no environment {resolved.environment!r}",
            key="environment",
            fix=f"use one of: {', '.join(adapter.environments)}",
        )
    detail = capabilities_of(adapter, resolved.environment)
    if json:
        write_json(to_data(detail))
    else:
        _print_detail(detail)


def _matrix(json: bool) -> None:
    matrix: list[tuple[str, str, Capabilities | None, str]] = []
    for found in installed_adapters():
        if found.adapter is None:
            problem = f"not available ({found.label}): {found.problem}"
            matrix.append((found.name, "-", None, problem))
            continue
        for env_name, env in found.adapter.environments.items():
            kind = "emulator" if env.is_emulator else "live" if env.is_live else "test"
            matrix.append((found.name, env_name, capabilities_of(found.adapter, env_name), kind))
    if json:
        write_json(
            [
                {"adapter": name, "environment": env, "kind": kind, "capabilities": to_data(caps)}
                for name, env, caps, kind in matrix
            ]
        )
        return
    print_table(
        "capabilities (* a stream that can lose events: reconcile)",
        [
            ("adapter", "left"),
            ("environment", "left"),
            ("kind", "left"),
            ("features", "right"),
            ("assets", "left"),
            ("order types", "left"),
            ("groups", "left"),
            ("preview", "left"),
            ("replace", "left"),
            ("streams", "left"),
        ],
        ([name, env, kind, *_summary(caps)] for name, env, caps, kind in matrix),
        empty="no adapters are installed",
    )


def _names(values: Iterable[object]) -> str:
    return ", ".join(sorted(str(v.value) if isinstance(v, Enum) else str(v) for v in values)) or "-"


def _summary(caps: Capabilities | None) -> list[str]:
    if caps is None:
        return ["", "", "", "", "", "", ""]
    # A trailing * marks a stream that can lose events (state must be reconciled).
    streams = [
        f"{kind.value}{'' if support.reliable else '*'}" for kind, support in caps.streams.items()
    ]
    trading = caps.supports(Feature.PLACE)
    return [
        f"{len(caps.features)}/{len(Feature)}",
        _names(caps.asset_classes),
        _names(caps.order_types) if trading else "-",
        _names(caps.groups),
        "yes" if caps.supports(Feature.PREVIEW) else "no",
        _names(caps.replace.fields) if caps.supports(Feature.REPLACE) else "no",
        ", ".join(sorted(streams)) or "-",
    ]


def _timeframes(names: Iterable[str]) -> str:
    # Shortest first (1min, 5min, ..., 1h, 1d, 1w, 1mo), not alphabetically.
    units = ("tick", "min", "h", "d", "w", "mo")
    frames = sorted(
        (Timeframe.parse(name) for name in names), key=lambda f: (units.index(f.unit), f.count)
    )
    return ", ".join(str(frame) for frame in frames) or "-"


def _if(caps: Capabilities, feature: Feature, text: str) -> str:
    return text if caps.supports(feature) else f"- ({feature.value} not supported)"


def _print_detail(caps: Capabilities) -> None:
    history = caps.history
    rows: list[list[str]] = [
        ["features", _names(caps.features)],
        ["not supported", _names(set(Feature) - set(caps.features))],
        ["asset classes", _names(caps.asset_classes)],
        ["order types", _if(caps, Feature.PLACE, _names(caps.order_types))],
        *(
            [f"time in force ({asset.value})", _names(tifs)]
            for asset, tifs in caps.time_in_force.items()
        ),
        ["groups", _names(caps.groups)],
        ["max legs", str(caps.max_legs)],
        [
            "replace",
            _if(
                caps,
                Feature.REPLACE,
                f"{_names(caps.replace.fields)} ({'keeps' if caps.replace.keeps_id else 'new'} id)",
            ),
        ],
        *(
            [
                f"stream {kind.value}",
                ("reliable" if support.reliable else "needs reconciliation")
                + (f": {support.note}" if support.note else ""),
            ]
            for kind, support in caps.streams.items()
        ),
        ["bar timeframes", _if(caps, Feature.BARS, _timeframes(history.timeframes))],
        ["max bars per request", str(history.max_bars_per_request or "no limit")],
        ["earliest bar", str(history.earliest or "-")],
        ["intraday days back", str(history.intraday_days_back or "no limit")],
        *(
            [f"rate limit {limit.rate_class}", f"{limit.requests} per {limit.per_seconds:g}s"]
            for limit in caps.rate_limits
        ),
        *(["note", note] for note in caps.notes),
    ]
    print_table(f"capabilities of {caps.where}", [("", "left"), ("", "left")], rows)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command()(profiles)
    app.command()(capabilities)
