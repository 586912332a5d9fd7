"""Token requests and responses against the brokers' documented payloads (tests/auth/fixtures)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import orjson
import pytest

import brokerlink as bl
from brokerlink._http import Response
from brokerlink._version import __version__
from brokerlink.oauth import (
    ClientCredentials,
    OAuthSpec,
    TokenSet,
    UserProfile,
    decode_id_token_claims,
    refresh_request,
    revoke_request,
    standard_identity,
    tokens_from_response,
)

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2025, 1, 6, 14, 30, tzinfo=UTC)

TRADESTATION = OAuthSpec(
    authorize_url="https://signin.tradestation.com/authorize",
    token_url="https://signin.tradestation.com/oauth/token",
    revoke_url="https://signin.tradestation.com/oauth/revoke",
    client_auth="client_secret_post",
    revoke_body="json",
    pkce=True,
    scope_map={"read": ("ReadAccount",), "trade": ("Trade",)},
    authorize_params={"audience": "https://api.tradestation.com"},
    access_token_lifetime=timedelta(minutes=20),
    identity=standard_identity,
)
TRADIER = OAuthSpec(
    authorize_url="https://api.tradier.com/v1/oauth/authorize",
    token_url="https://api.tradier.com/v1/oauth/accesstoken",
    refresh_url="https://api.tradier.com/v1/oauth/refreshtoken",
    client_auth="client_secret_basic",
    send_redirect_uri=False,
    scope_separator=",",
)
TASTYTRADE = OAuthSpec(
    authorize_url=None,
    token_url="https://api.cert.tastyworks.com/oauth/token",
    token_body="json",
    requires_user_agent=True,
    access_token_lifetime=timedelta(minutes=15),
)


def _response(name: str, status: int = 200) -> Response:
    return Response(status, content=(FIXTURES / name).read_bytes())


def test_tradestation_code_response() -> None:
    tokens = tokens_from_response(
        _response("tradestation.POST_oauth_token.authorization_code.response.json"),
        TRADESTATION,
        now=NOW,
    )
    assert tokens.access_token == "eGlhc2xv...MHJMaA"
    assert tokens.refresh_token == "eGlhc2xv...wGVFPQ"
    assert tokens.id_token == "vozT2Ix...wGVFPQ"
    assert tokens.expires_at == NOW + timedelta(seconds=1200)
    assert tokens.scopes == {
        "openid",
        "profile",
        "MarketData",
        "ReadAccount",
        "Trade",
        "offline_access",
    }


def test_tradestation_refresh_keeps_the_refresh_token_and_the_granted_scopes() -> None:
    login = TokenSet(
        access_token="old", refresh_token="rt-1", scopes=frozenset({"ReadAccount", "Trade"})
    )
    later = NOW + timedelta(minutes=19)
    tokens = tokens_from_response(
        _response("tradestation.POST_oauth_token.refresh_token.response.json"),
        TRADESTATION,
        now=later,
        previous=login,
    )
    assert tokens.access_token == "eGlhc2xv...MHJMaA"
    assert tokens.refresh_token == "rt-1"  # not rotated: the response has none
    assert tokens.scopes == {"ReadAccount", "Trade"}  # not the refresh's "openid offline_access"
    assert tokens.expires_at == later + timedelta(seconds=1200)


def test_tradier_response_without_token_type_or_refresh_token() -> None:
    tokens = tokens_from_response(
        _response("tradier.POST_v1_oauth_accesstoken.response.json"), TRADIER, now=NOW
    )
    assert tokens.access_token == "oG8RUzo33zKy3gghjkGh2au2LEWA8"
    assert tokens.token_type == "Bearer"
    assert tokens.refresh_token is None
    assert tokens.expires_at == NOW + timedelta(seconds=86399)
    assert tokens.scopes == {"read", "write", "trade", "market", "stream"}


def test_tradier_refresh_uses_basic_auth_at_its_own_url() -> None:
    # The Basic header from Tradier's access-token page, character for character.
    client = ClientCredentials(
        client_id="kaGA65sIl79IdXxr3lnGs7J2C9CywQtJ", client_secret="ueeKzJOEh0fh6Dh8"
    )
    request = refresh_request(TRADIER, client, refresh_token="o0d897fusdnjfo28yoi2noi23098j")
    assert str(request.url) == "https://api.tradier.com/v1/oauth/refreshtoken"
    assert request.headers["authorization"] == (
        "Basic a2FHQTY1c0lsNzlJZFh4cjNsbkdzN0oyQzlDeXdRdEo6dWVlS3pKT0VoMGZoNkRoOA=="
    )
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.read() == b"grant_type=refresh_token&refresh_token=o0d897fusdnjfo28yoi2noi23098j"


def test_tradestation_refresh_posts_the_client_in_the_form() -> None:
    client = ClientCredentials(client_id="cid", client_secret="csecret")
    request = refresh_request(TRADESTATION, client, refresh_token="rt")
    assert "authorization" not in request.headers
    assert request.headers["user-agent"] == f"brokerlink/{__version__}"
    assert parse_qs(request.read().decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["rt"],
        "client_id": ["cid"],
        "client_secret": ["csecret"],
    }


def test_tastytrade_refresh_is_json_with_the_documented_keys_and_a_user_agent() -> None:
    documented = orjson.loads(
        (FIXTURES / "tastytrade.POST_oauth_token.request.refresh_token.json").read_bytes()
    )
    client = ClientCredentials(client_id="YOUR_CLIENT_ID", client_secret="YOUR_CLIENT_SECRET")
    request = refresh_request(TASTYTRADE, client, refresh_token="YOUR_REFRESH_TOKEN")
    assert request.headers["content-type"] == "application/json"
    assert "authorization" not in request.headers  # tastytrade: no Authorization on this call
    assert "/" in request.headers["user-agent"]
    assert orjson.loads(request.read()) == documented


def test_tradestation_revoke_body_is_the_documented_json() -> None:
    documented = orjson.loads(
        (FIXTURES / "tradestation.POST_oauth_revoke.request.json").read_bytes()
    )
    client = ClientCredentials(client_id="{YOUR_CLIENT_ID}", client_secret="{YOUR_CLIENT_SECRET}")
    request = revoke_request(TRADESTATION, client, token="{YOUR_REFRESH_TOKEN}")
    assert request is not None
    assert str(request.url) == "https://signin.tradestation.com/oauth/revoke"
    assert orjson.loads(request.read()) == documented
    assert revoke_request(TRADIER, client, token="t") is None  # Tradier documents no revoke


@pytest.mark.parametrize(
    ("status", "body", "error", "code"),
    [
        (
            400,
            b'{"error":"invalid_grant","error_description":"rt-1 is revoked"}',
            bl.UnauthorizedError,
            "invalid_grant",
        ),
        (401, b'{"error":"invalid_client"}', bl.UnauthorizedError, "invalid_client"),
        (429, b"{}", bl.RateLimitedError, None),
        (503, b"<html>down</html>", bl.BrokerUnavailableError, None),
        (200, b'{"error":"access_denied"}', bl.UnauthorizedError, "access_denied"),
    ],
)
def test_refused_token_requests_are_typed_and_quote_no_description(
    status: int, body: bytes, error: type[bl.BrokerError], code: str | None
) -> None:
    with pytest.raises(error) as caught:
        tokens_from_response(Response(status, content=body), TRADESTATION, now=NOW)
    assert caught.value.code == code
    assert "rt-1" not in str(caught.value)


def test_an_id_token_becomes_a_user_profile() -> None:
    claims = {"sub": "auth0|42", "name": "Jane Doe", "email": "jane@example.com"}
    payload = base64.urlsafe_b64encode(orjson.dumps(claims)).rstrip(b"=").decode()
    token = f"eyJhbGciOiJSUzI1NiJ9.{payload}.sig"
    assert decode_id_token_claims(token) == claims
    assert standard_identity(claims) == UserProfile(
        subject="auth0|42", name="Jane Doe", email="jane@example.com"
    )
    assert str(standard_identity(claims)) == "Jane Doe (jane@example.com)"
    with pytest.raises(ValueError, match="not a JWT"):
        decode_id_token_claims("vozT2Ix...wGVFPQ")  # the doc's placeholder is no JWT


def test_reprs_show_no_secret() -> None:
    tokens = TokenSet(access_token="AT-secret", refresh_token="RT-secret", id_token="ID-secret")
    client = ClientCredentials(client_id="app", client_secret="CS-secret")
    strategy = bl.RefreshToken(
        TRADESTATION, client_id="app", client_secret="CS-secret", refresh_token="RT-secret"
    )
    for text in (repr(tokens), repr(client), repr(strategy), str(tokens)):
        assert "secret" not in text.replace("client_secret", "")
