"""Environments and auth declarations (NOTES §1, §2)."""

from __future__ import annotations

import base64

import pytest
from brokerlink_tradier import TradierAdapter
from brokerlink_tradier.auth import (
    SCOPES,
    TOKEN_ENDPOINT_AUTH,
    granted_scopes,
    oauth_spec,
    scope_param,
)

import brokerlink as bl


def test_environments() -> None:
    envs = TradierAdapter.environments
    assert envs["live"].is_live
    assert envs["live"].base_url == "https://api.tradier.com/v1"
    assert envs["sandbox"].urls["account_websocket"] == "wss://sandbox-ws.tradier.com/v1"
    assert "stream" not in envs["sandbox"].urls  # no market-data stream in the sandbox
    assert envs["emulator"].is_emulator
    assert envs["emulator"].default_account == "EMU00001"


def test_scopes_go_out_comma_separated_and_come_back_space_separated() -> None:
    # examples/GET_v1_oauth_authorize.request.txt, POST_v1_oauth_accesstoken.response.json
    assert scope_param() == "read,write,market,trade,stream"
    assert scope_param(["read"]) == "read"
    assert granted_scopes("read write trade market stream") == set(SCOPES)
    with pytest.raises(ValueError, match="valid: read"):
        scope_param(["admin"])


def test_oauth_endpoints_and_client_auth() -> None:
    live = oauth_spec(TradierAdapter.environments["live"])
    assert live is not None
    assert live.token_url == "https://api.tradier.com/v1/oauth/accesstoken"
    assert live.refresh_url == "https://api.tradier.com/v1/oauth/refreshtoken"
    assert live.authorize_url == "https://api.tradier.com/v1/oauth/authorize"
    assert TOKEN_ENDPOINT_AUTH == "client_secret_basic"
    assert live.client_auth == TOKEN_ENDPOINT_AUTH
    # Only live logs in through OAuth; the sandbox takes personal access tokens only.
    assert oauth_spec(TradierAdapter.environments["sandbox"]) is None
    # The documented Basic header (DOC oauth/access-token) is base64(client_id:secret).
    pair = "kaGA65sIl79IdXxr3lnGs7J2C9CywQtJ:ueeKzJOEh0fh6Dh8"
    expected = "a2FHQTY1c0lsNzlJZFh4cjNsbkdzN0oyQzlDeXdRdEo6dWVlS3pKT0VoMGZoNkRoOA=="
    assert base64.b64encode(pair.encode()).decode() == expected


def test_the_access_token_is_required_and_never_shown(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.delenv("BROKERLINK_TRADIER_SANDBOX_ACCESS_TOKEN", raising=False)
    with pytest.raises(bl.ConfigError, match="BROKERLINK_TRADIER_SANDBOX_ACCESS_TOKEN"):
        bl.connect("tradier:sandbox")
    monkeypatch.setenv("BROKERLINK_TRADIER_SANDBOX_ACCESS_TOKEN", "secret-token-value")
    broker = bl.connect("tradier:sandbox")
    assert "secret-token-value" not in repr(broker._connection.auth)
