"""The authorization-code + PKCE login against the emulated OAuth server, and how it can fail."""

from __future__ import annotations

import socket
import stat
import threading
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from authkit import (
    CLIENT_ID,
    CLIENT_SECRET,
    ENVIRONMENTS,
    Clock,
    free_port,
    front,
    registry,
    spec_for,
)

import brokerlink as bl
from brokerlink._http import Client
from brokerlink.broker.connect import relocated
from brokerlink.emulator.http import EmulatorTransport, serve
from brokerlink.oauth import (
    AuthorizationCode,
    CallbackPortError,
    CallbackServer,
    ClientCredentials,
    ConsentDeniedError,
    ExpiredCodeError,
    FileTokenStore,
    MemoryTokenStore,
    RedirectUriError,
    StateMismatchError,
    UserProfile,
    default_token_store,
    login,
)

ENV = ENVIRONMENTS["emulator"]
REDIRECT = "http://localhost:3000"


def _start(**server: object) -> tuple[AuthorizationCode, EmulatorTransport, MemoryTokenStore]:
    fr = front(**server)
    store = MemoryTokenStore()
    clock = server.get("clock")
    flow = AuthorizationCode(
        spec_for(ENV),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri=REDIRECT,
        store=store,
        profile="authtest:emulator",
        **({"clock": clock} if clock is not None else {}),  # type: ignore[arg-type]
    )
    return flow, EmulatorTransport(fr, fr.engine), store


def _follow(url: str, transport: EmulatorTransport) -> str:
    """What a browser does at the consent page: the redirect's Location."""
    with Client(transport=transport) as http:
        answer = http.get(url)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def test_the_authorize_url_carries_pkce_state_scopes_and_audience() -> None:
    flow, _, _ = _start()
    query = parse_qs(urlsplit(flow.authorization_url()).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [REDIRECT]
    assert query["scope"] == ["openid offline_access ReadAccount Trade"]
    assert query["audience"] == ["https://api.authtest.invalid"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256 digest
    assert len(query["state"][0]) >= 32
    second = parse_qs(urlsplit(flow.authorization_url()).query)
    assert second["state"] != query["state"]
    assert second["code_challenge"] != query["code_challenge"]


def test_full_login_with_pkce_in_process_then_calls_with_the_tokens() -> None:
    flow, transport, store = _start()
    location = _follow(flow.authorization_url(), transport)
    assert location.startswith(REDIRECT + "?")
    tokens = flow.finish(location, transport=transport)
    assert tokens.access_token
    assert tokens.refresh_token
    assert tokens.scopes == {"openid", "offline_access", "ReadAccount", "Trade"}
    stored = store.load("authtest:emulator")
    assert stored is not None
    assert stored.tokens == tokens
    assert stored.client == ClientCredentials(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert flow.user() == UserProfile(
        subject="emulator|1001", name="Emma Ulator", email="emma@emulator.invalid"
    )
    broker = bl.connect("authtest:emulator", auth=flow, transport=transport, registry=registry())
    assert [account.id for account in broker.accounts()] == ["AT1001"]


async def test_the_code_exchange_runs_on_the_async_client_too() -> None:
    flow, transport, _ = _start()
    location = _follow(flow.authorization_url(), transport)
    tokens = await flow.afinish(location, transport=transport)
    assert tokens.refresh_token is not None


def test_a_state_mismatch_is_refused_before_any_exchange() -> None:
    flow, transport, store = _start()
    location = _follow(flow.authorization_url(), transport)
    forged = location.replace("state=", "state=x")
    with pytest.raises(StateMismatchError, match="state does not match"):
        flow.finish(forged, transport=transport)
    assert transport.front.oauth.token_requests == 0  # type: ignore[attr-defined]
    assert store.load("authtest:emulator") is None


def test_a_denied_consent_is_a_typed_error() -> None:
    flow, transport, _ = _start()
    transport.front.oauth.deny = True  # type: ignore[attr-defined]
    location = _follow(flow.authorization_url(), transport)
    assert "error=access_denied" in location
    with pytest.raises(ConsentDeniedError, match="declined"):
        flow.finish(location, transport=transport)


def test_an_expired_code_is_a_typed_error() -> None:
    clock = Clock()
    flow, transport, _ = _start(clock=clock)
    location = _follow(flow.authorization_url(), transport)
    clock.advance(timedelta(minutes=11))  # the emulated server's codes live 10 minutes
    with pytest.raises(ExpiredCodeError, match="expired"):
        flow.finish(location, transport=transport)


def test_a_code_is_single_use() -> None:
    flow, transport, _ = _start()
    url = flow.authorization_url()
    state = parse_qs(urlsplit(url).query)["state"][0]
    location = _follow(url, transport)
    flow.finish(location, transport=transport)
    flow._state = state  # replay the same callback as if the login were still open
    with pytest.raises(ExpiredCodeError):
        flow.finish(location, transport=transport)


def test_a_wrong_pkce_verifier_is_refused() -> None:
    flow, transport, _ = _start()
    location = _follow(flow.authorization_url(), transport)
    flow._verifier = "x" * 64
    with pytest.raises(bl.AuthError, match="PKCE"):
        flow.finish(location, transport=transport)


def test_a_bad_client_secret_is_unauthorized() -> None:
    fr = front()
    transport = EmulatorTransport(fr, fr.engine)
    flow = AuthorizationCode(
        spec_for(ENV), client_id=CLIENT_ID, client_secret="wrong", redirect_uri=REDIRECT
    )
    location = _follow(flow.authorization_url(), transport)
    with pytest.raises(bl.UnauthorizedError, match="client id or secret") as caught:
        flow.finish(location, transport=transport)
    assert caught.value.code == "invalid_client"


def test_an_unregistered_redirect_uri_is_refused_without_a_redirect() -> None:
    fr = front()
    transport = EmulatorTransport(fr, fr.engine)
    flow = AuthorizationCode(
        spec_for(ENV),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri="http://localhost:9999",
    )
    with Client(transport=transport) as http:
        answer = http.get(flow.authorization_url())
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
    assert "location" not in answer.headers


def test_a_redirect_uri_the_token_endpoint_rejects_is_a_typed_error() -> None:
    other = "http://localhost:3001"
    fr = front(redirect_uris=(REDIRECT, other))
    transport = EmulatorTransport(fr, fr.engine)
    flow = AuthorizationCode(
        spec_for(ENV), client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=REDIRECT
    )
    location = _follow(flow.authorization_url(), transport)
    flow.redirect_uri = other
    with pytest.raises(RedirectUriError, match="redirect URI"):
        flow.finish(location, transport=transport)


def test_a_port_in_use_is_a_typed_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CallbackPortError, match=f"port {port}"):
            CallbackServer(f"http://localhost:{port}/callback")


def test_a_redirect_uri_elsewhere_cannot_be_served() -> None:
    with pytest.raises(bl.ConfigError, match="redirect_uri"):
        CallbackServer("http://example.com:3000/")


def test_login_against_a_served_emulator_through_the_callback_server(tmp_path: Path) -> None:
    redirect = f"http://localhost:{free_port()}/callback"
    fr = front(redirect_uris=(redirect,))
    browsed: list[str] = []

    def browser(url: str) -> None:
        # Follows the authorize redirect to the callback server, as a browser would.
        def visit() -> None:
            with urllib.request.urlopen(url, timeout=10) as page:
                browsed.append(page.read().decode())

        threading.Thread(target=visit, daemon=True).start()

    with serve(fr) as handle:
        environment = relocated(ENV, handle.url + "/api")
        store = default_token_store()
        result = login(
            spec_for(environment),
            ClientCredentials(client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
            profile="authtest:emulator",
            redirect_uri=redirect,
            store=store,
            show=browser,
            timeout=10,
        )
        assert result.user is not None
        assert result.user.email == "emma@emulator.invalid"
        assert result.scopes == {"openid", "offline_access", "ReadAccount", "Trade"}
        # A later connect finds the stored login on its own and calls with it.
        broker = bl.connect("authtest:emulator", base_url=handle.url + "/api", registry=registry())
        assert [account.id for account in broker.accounts()] == ["AT1001"]
        broker.close()
    assert browsed
    assert "close this tab" in browsed[0]
    token_file = tmp_path / "config" / "tokens.json"
    assert isinstance(store, FileTokenStore)
    assert store.path == token_file
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
