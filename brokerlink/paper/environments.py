"""Where the paper adapter connects: only its in-process emulator.

``paper`` is brokerlink's neutral reference adapter. Its wire format is a plain JSON REST API
(snake_case keys, decimals as strings, ISO 8601 UTC times: the core models as the core converter
writes them) that exists only in the emulator, so it has one environment, ``emulator``. The host
name ``paper.emulator`` is never resolved: the emulator transport answers every request itself,
and ``brokerlink emulate paper`` serves the same API on a loopback port (under ``/v1``).
"""

from __future__ import annotations

from types import MappingProxyType

from brokerlink.adapter import Environment

__all__ = ["BASE_URL", "ENVIRONMENTS", "STREAM_PREFIX"]

BASE_URL = "http://paper.emulator/v1"
"""The REST root of the paper API."""

STREAM_PREFIX = "/stream"
"""Where the NDJSON streams live, under :data:`BASE_URL`."""

ENVIRONMENTS = MappingProxyType(
    {
        "emulator": Environment(
            name="emulator",
            base_url=BASE_URL,
            is_emulator=True,
            urls={"stream": BASE_URL + STREAM_PREFIX},
            description="offline, in-process emulator over the core engine; no credentials",
            default_account="EMU00001",
        ),
    }
)
"""The paper adapter's environments: the emulator only."""
