"""TradeStation's emulator with its sign-in server, set up for the OAuth tests.

``ts_front`` is the real TradeStation front in strict-token mode over a fresh engine, with a
registered test app and a clock the test controls; ``login_at`` drives an authorization-code
login against any transport the way a browser would (GET the authorize URL, read the 302).
"""

from __future__ import annotations

from datetime import timedelta

from authkit import Clock
from brokerlink_tradestation.auth import oauth_spec
from brokerlink_tradestation.emulator import (
    EMULATOR_APP,
    TradeStationFront,
    emulator_front,
    signin_server,
)
from brokerlink_tradestation.environments import ENVIRONMENTS

from brokerlink import _http
from brokerlink.adapter import Environment
from brokerlink.emulator import EmulatorConfig, Engine
from brokerlink.emulator.oauth import EmulatedClient
from brokerlink.oauth import AuthorizationCode, MemoryTokenStore, TokenStore

APP_ID = "ts-test-app"
APP_SECRET = "ts-app-secret-7d41e0"
REDIRECT = "http://localhost:3000"
EMULATOR = ENVIRONMENTS["emulator"]
LIFETIME = timedelta(minutes=20)


def ts_front(
    clock: Clock,
    *,
    redirect_uris: tuple[str, ...] = (REDIRECT,),
    strict: bool = True,
    rotate: bool = False,
) -> TradeStationFront:
    """The TradeStation front whose sign-in server knows the test app (and the emulator's own,
    for connections without credentials) and runs on ``clock``."""
    app = EmulatedClient(client_id=APP_ID, client_secret=APP_SECRET, redirect_uris=redirect_uris)
    oauth = signin_server(clients=(app, EMULATOR_APP), rotate_refresh_tokens=rotate, clock=clock)
    return emulator_front(Engine(EmulatorConfig()), oauth=oauth, strict_tokens=strict)


def new_login(
    clock: Clock,
    *,
    environment: Environment = EMULATOR,
    scopes: tuple[str, ...] | None = None,
    store: TokenStore | None = None,
) -> AuthorizationCode:
    """An authorization-code login of the test app (its tokens saved under ``"ts"`` if a store
    is given)."""
    return AuthorizationCode(
        oauth_spec(environment),
        client_id=APP_ID,
        client_secret=APP_SECRET,
        redirect_uri=REDIRECT,
        scopes=scopes,
        store=store,
        profile="ts" if store is not None else None,
        broker="tradestation",
        clock=clock,
    )


def consent(login: AuthorizationCode, transport: _http.BaseTransport) -> str:
    """Open the login's authorize URL like a browser and return where it redirects (the
    callback URL carrying ``code`` and ``state``)."""
    with _http.Client(transport=transport) as browser:
        answer = browser.get(login.authorization_url())
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def login_at(clock: Clock, transport: _http.BaseTransport, **options: object) -> AuthorizationCode:
    """A finished login (tokens exchanged) through ``transport``."""
    login = new_login(clock, **options)  # type: ignore[arg-type]
    login.finish(consent(login, transport), transport=transport)
    return login


__all__ = [
    "APP_ID",
    "APP_SECRET",
    "EMULATOR",
    "LIFETIME",
    "REDIRECT",
    "MemoryTokenStore",
    "consent",
    "login_at",
    "new_login",
    "ts_front",
]
