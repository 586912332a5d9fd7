"""Which strategy a profile's credentials give, env vars before the store; the adapter hook."""

from __future__ import annotations

import pytest
from authkit import CLIENT_ID, CLIENT_SECRET, ENVIRONMENTS, Clock, front, registry, spec_for

import brokerlink as bl
from brokerlink._http import Client
from brokerlink.auth import bearer_from_environment
from brokerlink.config import Profile
from brokerlink.emulator.http import EmulatorTransport
from brokerlink.oauth import (
    ClientCredentials,
    MemoryTokenStore,
    OAuthStrategy,
    StoredLogin,
    TokenSet,
    auth_from_profile,
)

PROFILE = Profile(name="ts", broker="authtest", environment="emulator")
SPEC = spec_for(ENVIRONMENTS["emulator"])


def _env(**values: str) -> dict[str, str]:
    return {f"BROKERLINK_TS_{key.upper()}": value for key, value in values.items()}


def _stored(refresh: str | None = "rt-stored") -> MemoryTokenStore:
    store = MemoryTokenStore()
    store.save(
        "ts",
        StoredLogin(
            tokens=TokenSet(access_token="at-stored", refresh_token=refresh),
            client=ClientCredentials(client_id="stored-app", client_secret="stored-secret"),
        ),
    )
    return store


def test_an_access_token_alone_gives_a_static_token() -> None:
    auth = auth_from_profile(PROFILE, SPEC, store=_stored(), environ=_env(access_token="at-env"))
    assert isinstance(auth, bl.StaticToken)


def test_env_refresh_token_and_client_give_a_refreshing_strategy() -> None:
    environ = _env(refresh_token="rt-env", client_id="env-app", client_secret="env-secret")
    auth = auth_from_profile(PROFILE, SPEC, store=MemoryTokenStore(), environ=environ)
    assert isinstance(auth, OAuthStrategy)
    assert auth.tokens.refresh_token == "rt-env"
    assert auth.client == ClientCredentials(client_id="env-app", client_secret="env-secret")


def test_the_store_supplies_what_env_vars_do_not() -> None:
    auth = auth_from_profile(PROFILE, SPEC, store=_stored(), environ={})
    assert isinstance(auth, OAuthStrategy)
    assert auth.tokens.access_token == "at-stored"
    assert auth.client.client_id == "stored-app"
    # An env var wins over the stored value of the same field.
    auth = auth_from_profile(
        PROFILE, SPEC, store=_stored(), environ=_env(client_secret="env-secret")
    )
    assert isinstance(auth, OAuthStrategy)
    assert auth.client == ClientCredentials(client_id="stored-app", client_secret="env-secret")


def test_a_refresh_token_without_a_client_id_names_the_variable() -> None:
    with pytest.raises(bl.ConfigError, match="BROKERLINK_TS_CLIENT_ID"):
        auth_from_profile(PROFILE, SPEC, store=MemoryTokenStore(), environ=_env(refresh_token="r"))


def test_nothing_at_all_names_the_access_token_variable_and_login() -> None:
    with pytest.raises(bl.ConfigError, match="BROKERLINK_TS_ACCESS_TOKEN") as caught:
        auth_from_profile(PROFILE, SPEC, store=MemoryTokenStore(), environ={})
    assert "brokerlink login ts" in str(caught.value)


def test_without_a_spec_only_an_access_token_works() -> None:
    assert isinstance(
        bearer_from_environment(PROFILE, environ=_env(access_token="a")), bl.StaticToken
    )
    with pytest.raises(bl.ConfigError, match="declares no OAuth endpoints"):
        bearer_from_environment(PROFILE, environ=_env(refresh_token="r"))


def test_connect_builds_the_strategy_from_env_vars_through_the_adapter_hook(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A refresh token and client from env vars: the first call refreshes, then it is persisted.
    clock = Clock()
    fr = front(clock=clock)
    transport = EmulatorTransport(fr, fr.engine)
    # A refresh token obtained elsewhere (tastytrade's "Create Grant" page hands one out).
    with Client(transport=transport) as http:
        flow_url = bl.AuthorizationCode(
            SPEC,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_uri="http://localhost:3000",
        )
        location = http.get(flow_url.authorization_url()).headers["location"]
    refresh = flow_url.finish(location, transport=transport).refresh_token or ""
    prefix = "BROKERLINK_AUTHTEST_EMULATOR_"
    monkeypatch.setenv(prefix + "REFRESH_TOKEN", refresh)
    monkeypatch.setenv(prefix + "CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv(prefix + "CLIENT_SECRET", CLIENT_SECRET)
    broker = bl.connect("authtest:emulator", transport=transport, registry=registry())
    assert [account.id for account in broker.accounts()] == ["AT1001"]
    assert fr.oauth.token_requests == 2
    from brokerlink.oauth import default_token_store

    saved = default_token_store().load("authtest:emulator")
    assert saved is not None
    assert saved.tokens.refresh_token not in (None, refresh)
