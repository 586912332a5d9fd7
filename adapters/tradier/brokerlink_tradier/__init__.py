"""Tradier adapter for brokerlink (distribution `brokerlink-tradier`).

This release declares the environments and plugs into the core; the endpoints, streams and the
emulator front arrive in the next release. Until then the capabilities are empty, so every call
raises ``NotSupportedError`` before any request is sent.
"""

from __future__ import annotations

from brokerlink._http import Auth, Response
from brokerlink.adapter import Adapter
from brokerlink.auth import bearer_from_environment
from brokerlink.capabilities import Capabilities
from brokerlink.errors import BrokerError
from brokerlink.runtime.statuses import error_for_status
from brokerlink_tradier.environments import ENVIRONMENTS

__all__ = ["TradierAdapter"]


class TradierAdapter(Adapter):
    """Tradier: environments declared; endpoints not yet implemented (empty capabilities)."""

    name = "tradier"
    display_name = "Tradier"
    environments = ENVIRONMENTS

    def capabilities(self) -> Capabilities:
        """Nothing is supported yet in any environment."""
        return Capabilities(
            adapter=self.name,
            environment=self.environment.name,
            features=frozenset(),
            asset_classes=frozenset(),
            notes=(
                "endpoints, streams and the emulator arrive in the next brokerlink-tradier release",
            ),
        )

    def check_response(self, response: Response) -> BrokerError | None:
        """The broad status table (the exact Tradier table comes with the endpoints)."""
        return error_for_status(response, broker=self.name)

    def authenticate(self) -> Auth | None:
        """A bearer token from ``BROKERLINK_<PROFILE>_ACCESS_TOKEN``."""
        return bearer_from_environment(self.profile)
