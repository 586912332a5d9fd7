"""The numbered scenarios, in order: :data:`SCENARIOS` maps ``"CMP-001"`` to its
:class:`~brokerlink.testing.conformance.scenario.Scenario`."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from brokerlink.testing.conformance.account import ACCOUNT
from brokerlink.testing.conformance.groups import GROUPS
from brokerlink.testing.conformance.options import OPTIONS
from brokerlink.testing.conformance.orders_basic import BASIC
from brokerlink.testing.conformance.rejections import REJECTIONS
from brokerlink.testing.conformance.scenario import Scenario
from brokerlink.testing.conformance.streams import STREAMS

__all__ = ["SCENARIOS"]

SCENARIOS: Mapping[str, Scenario] = MappingProxyType(
    {
        scenario.number: scenario
        for scenario in sorted(
            (*BASIC, *GROUPS, *OPTIONS, *REJECTIONS, *STREAMS, *ACCOUNT), key=lambda s: s.number
        )
    }
)
"""Every conformance scenario by number, ``CMP-001`` first."""
