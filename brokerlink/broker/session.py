"""What one connection is made of, built once by ``connect`` and shared by both facades."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from brokerlink._http import URL, AsyncBaseTransport, Auth, BaseTransport, Timeout
from brokerlink._version import __version__
from brokerlink.adapter import Adapter
from brokerlink.broker.core import BrokerCore
from brokerlink.capabilities import Capabilities
from brokerlink.runtime.ratelimit import RateLimiter
from brokerlink.runtime.retry import RetryPolicy
from brokerlink.runtime.steps import RunContext

if TYPE_CHECKING:
    from brokerlink.config import Profile
    from brokerlink.emulator import Engine

__all__ = ["Connection", "user_agent"]


def user_agent() -> str:
    """``brokerlink/<version>``: tastytrade requires a product/version User-Agent on every call."""
    return f"brokerlink/{__version__}"


@attrs.frozen(kw_only=True)
class Connection:
    """An adapter bound to an environment, with its auth, transport and resilience settings."""

    adapter: Adapter
    profile: Profile
    auth: Auth | None
    transport: BaseTransport | AsyncBaseTransport | None
    engine: Engine | None = None

    @property
    def timeout(self) -> Timeout:
        """The profile's timeout for every request."""
        return Timeout(self.profile.timeout)

    @property
    def headers(self) -> dict[str, str]:
        """Headers sent on every request."""
        return {"User-Agent": user_agent(), "Accept": "application/json"}

    def core(self) -> BrokerCore:
        """A fresh :class:`BrokerCore` for a facade."""
        return BrokerCore(
            self.adapter, self.profile.account or self.adapter.environment.default_account
        )

    def context(self, capabilities: Capabilities) -> RunContext:
        """The step machine's context: error table, retry policy and the rate limits declared in
        ``capabilities`` (the facade's, so they are computed once)."""
        return RunContext(
            broker=self.adapter.name,
            base_url=URL(self.adapter.environment.base_url),
            check=self.adapter.check_response,
            retry=RetryPolicy(max_retries=self.profile.max_retries),
            limiter=RateLimiter(capabilities.rate_limits),
            observe=self.adapter.observe_response,
        )
