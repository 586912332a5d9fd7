"""Building the requests sent to a broker's token and revoke endpoints, per its :class:`OAuthSpec`.

One place applies every broker rule: the client authentication method (form fields or HTTP
Basic), the body encoding (form or JSON), extra parameters (TradeStation ``audience``), and the
``User-Agent`` (tastytrade refuses token requests without a ``product/version`` one, so brokerlink
always sends its own). Token requests never carry a bearer ``Authorization`` header.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

import orjson

from brokerlink._http import Request
from brokerlink._version import __version__
from brokerlink.oauth.spec import BodyFormat, OAuthSpec
from brokerlink.oauth.tokens import ClientCredentials

__all__ = ["code_request", "refresh_request", "revoke_request", "token_user_agent"]


def token_user_agent() -> str:
    """``brokerlink/<version>``: the product/version User-Agent token endpoints get."""
    return f"brokerlink/{__version__}"


def _basic(client: ClientCredentials) -> str:
    pair = f"{client.client_id}:{client.client_secret or ''}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _request(
    url: str,
    fields: Mapping[str, str],
    *,
    body: BodyFormat,
    headers: Mapping[str, str],
) -> Request:
    all_headers = {"Accept": "application/json", "User-Agent": token_user_agent(), **headers}
    if body == "json":
        all_headers["Content-Type"] = "application/json"
        return Request("POST", url, headers=all_headers, content=orjson.dumps(dict(fields)))
    return Request("POST", url, headers=all_headers, data=dict(fields))


def _authenticated(
    spec: OAuthSpec, client: ClientCredentials, fields: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """``fields`` and headers with the client authentication the spec asks for."""
    headers: dict[str, str] = {}
    if spec.client_auth == "client_secret_basic" and client.client_secret:
        headers["Authorization"] = _basic(client)
    else:
        fields["client_id"] = client.client_id
        if spec.client_auth == "client_secret_post" and client.client_secret:
            fields["client_secret"] = client.client_secret
    return fields, headers


def code_request(
    spec: OAuthSpec,
    client: ClientCredentials,
    *,
    code: str,
    redirect_uri: str,
    code_verifier: str | None,
) -> Request:
    """The authorization-code exchange (RFC 6749 §4.1.3, plus the PKCE verifier when used)."""
    fields = {"grant_type": "authorization_code", "code": code, **spec.token_params}
    if spec.send_redirect_uri:
        fields["redirect_uri"] = redirect_uri
    if code_verifier is not None:
        fields["code_verifier"] = code_verifier
    fields, headers = _authenticated(spec, client, fields)
    return _request(spec.token_url, fields, body=spec.token_body, headers=headers)


def refresh_request(spec: OAuthSpec, client: ClientCredentials, *, refresh_token: str) -> Request:
    """A refresh (RFC 6749 §6) at the spec's refresh endpoint."""
    fields = {"grant_type": "refresh_token", "refresh_token": refresh_token, **spec.token_params}
    fields, headers = _authenticated(spec, client, fields)
    return _request(spec.refresh_endpoint, fields, body=spec.token_body, headers=headers)


def revoke_request(spec: OAuthSpec, client: ClientCredentials, *, token: str) -> Request | None:
    """Revoking ``token`` (RFC 7009), or ``None`` when the broker has no revoke endpoint."""
    if spec.revoke_url is None:
        return None
    fields, headers = _authenticated(spec, client, {spec.revoke_token_field: token})
    return _request(spec.revoke_url, fields, body=spec.revoke_body, headers=headers)
