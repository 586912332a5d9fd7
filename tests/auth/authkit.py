"""A test broker whose emulator front mounts the core OAuth server: the auth tests' other end.

``authtest`` is a minimal adapter (accounts only) declaring an :class:`OAuthSpec` built from its
environment's URLs, so the same spec points in-process (``https://authtest.emulator``) or at a
served front once the profile's ``base_url`` relocates the environment. Its front answers
``GET /api/accounts`` only for a live bearer token, exactly as a broker's front will.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

import attrs

from brokerlink import _http
from brokerlink.adapter import Adapter, Environment
from brokerlink.auth import bearer_from_environment
from brokerlink.capabilities import Capabilities, Feature
from brokerlink.emulator import EmulatorConfig, Engine
from brokerlink.emulator.http import EmulatorTransport, Front, Reply, Router
from brokerlink.emulator.oauth import EmulatedClient, OAuthServer, OAuthServerConfig
from brokerlink.enums import AccountStatus, AccountType
from brokerlink.errors import BrokerError
from brokerlink.models import Account
from brokerlink.oauth import OAuthSpec, standard_identity
from brokerlink.registry import AdapterRegistry
from brokerlink.runtime.operation import Operation, call
from brokerlink.runtime.statuses import error_for_status

CLIENT_ID = "authtest-app"
CLIENT_SECRET = "s3cr3t-client-value-9f2c"
HOST = "https://authtest.emulator"

ENVIRONMENTS = MappingProxyType(
    {
        "emulator": Environment(
            name="emulator",
            base_url=f"{HOST}/api",
            is_emulator=True,
            urls={
                "authorize": f"{HOST}/oauth/authorize",
                "token": f"{HOST}/oauth/token",
                "revoke": f"{HOST}/oauth/revoke",
            },
        )
    }
)


def spec_for(environment: Environment, **changes: object) -> OAuthSpec:
    """The test broker's OAuth declaration (TradeStation-like: post auth, PKCE, audience)."""
    values: dict[str, object] = {
        "authorize_url": environment.urls["authorize"],
        "token_url": environment.urls["token"],
        "revoke_url": environment.urls["revoke"],
        "client_auth": "client_secret_post",
        "pkce": True,
        "default_scopes": ("openid", "offline_access", "ReadAccount", "Trade"),
        "scope_map": {
            "read": ("ReadAccount",),
            "trade": ("Trade",),
            "market_data": ("MarketData",),
            "stream": ("MarketData",),
        },
        "authorize_params": {"audience": "https://api.authtest.invalid"},
        "access_token_lifetime": timedelta(minutes=20),
        "rotates_refresh_tokens": True,
        "identity": standard_identity,
    }
    values.update(changes)
    return OAuthSpec(**values)  # type: ignore[arg-type]


class AuthTestAdapter(Adapter):
    """Accounts over a bearer-protected JSON API."""

    name = "authtest"
    display_name = "AuthTest"
    environments = ENVIRONMENTS

    def capabilities(self) -> Capabilities:
        return Capabilities(
            adapter=self.name,
            environment=self.environment.name,
            features=frozenset({Feature.ACCOUNTS}),
        )

    def check_response(self, response: _http.Response) -> BrokerError | None:
        return error_for_status(response, broker=self.name)

    def oauth_spec(self) -> OAuthSpec | None:
        return spec_for(self.environment)

    def authenticate(self) -> _http.Auth | None:
        return bearer_from_environment(self.profile, spec=self.oauth_spec())

    def emulator_transport(self, engine: Engine) -> EmulatorTransport:
        return EmulatorTransport(AuthTestFront(engine, oauth_server()), engine)

    def accounts(self) -> Operation[list[Account]]:
        response = yield call("GET", "/accounts")
        return [
            Account(id=item, type=AccountType.CASH, status=AccountStatus.ACTIVE)
            for item in response.json()["accounts"]
        ]


def registry() -> AdapterRegistry:
    """A registry that knows the test adapter (and nothing installed)."""
    found = AdapterRegistry(discover=list)
    found.register(AuthTestAdapter)
    return found


def oauth_server(
    *, redirect_uris: tuple[str, ...] = ("http://localhost:3000",), **changes: object
) -> OAuthServer:
    """The emulated authorization server of the test broker (overrides in ``changes``)."""
    client = EmulatedClient(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris=redirect_uris
    )
    clock = changes.pop("clock", None)
    config = OAuthServerConfig.from_spec(
        spec_for(ENVIRONMENTS["emulator"]), clients=(client,), require_pkce=True, **changes
    )
    return OAuthServer(config) if clock is None else OAuthServer(config, clock=clock)  # type: ignore[arg-type]


class AuthTestFront(Front):
    """``GET /api/accounts`` behind the OAuth server's validator; the OAuth routes open."""

    name = "authtest"

    def __init__(self, engine: Engine, oauth: OAuthServer) -> None:
        super().__init__(engine)
        self.oauth = oauth
        self.api_calls = 0
        self.witness: list[str] = []
        """The bearer token of every API call served, in order."""
        self.router = Router(error=self.error_reply)
        oauth.mount(self.router)
        self.router.add("GET", "/api/accounts", self._accounts)

    def handle(self, request: _http.Request) -> Reply:
        if not self.oauth.owns(request.url.path):
            denied = self.oauth.validate(request, self.error_reply)
            if denied is not None:
                return denied
        return self.dispatch(self.router, request)

    def error_reply(self, status: int, message: str, *, retry_after: float | None = None) -> Reply:
        return Reply.json(status, {"error": message})

    def _accounts(self, request: _http.Request) -> Reply:
        self.api_calls += 1
        self.witness.append(request.headers["authorization"].partition(" ")[2])
        return Reply.json(200, {"accounts": ["AT1001"]})


def front(**changes: object) -> AuthTestFront:
    """A fresh test front over a fresh engine."""
    return AuthTestFront(Engine(EmulatorConfig()), oauth_server(**changes))


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@attrs.define
class Clock:
    """A controllable UTC clock shared by the client strategy and the emulated server."""

    now: datetime = datetime(2025, 1, 6, 14, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now = self.now + delta
