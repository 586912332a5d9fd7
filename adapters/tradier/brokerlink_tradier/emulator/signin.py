"""Tradier's OAuth server on the emulator's host, under its ``/v1`` (NOTES §2.2).

Built from the adapter's own :func:`~brokerlink_tradier.auth.oauth_spec` for the emulator
environment, so client and emulator read one declaration:

- ``GET /v1/oauth/authorize?client_id=&scope=&state=``: consent is automatic; no
  ``redirect_uri`` is read, the app's first registered callback gets the code and the state;
  scopes arrive comma-separated; no PKCE;
- ``POST /v1/oauth/accesstoken`` (``grant_type=authorization_code``) and
  ``POST /v1/oauth/refreshtoken`` (``grant_type=refresh_token``), each grant at its own endpoint
  only (a generic client refreshing at the token endpoint is refused: NOTES §2.2 item 7), the
  client authenticated with HTTP Basic;
- token responses in Tradier's documented shape: ``access_token``, ``expires_in: 86399``,
  ``issued_at`` (New York time with its offset), ``scope`` space-separated, ``status:
  "approved"``, and ``refresh_token`` for an approved partner (no ``token_type``, no id_token);
- no revoke endpoint.

``partner=False`` plays an app Tradier has not approved for refresh tokens: its logins get none.
The registered app is the core's emulator client (``emulator-client`` / ``emulator-secret``)
with the callback ``http://localhost:3000``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import orjson

from brokerlink._http import Request
from brokerlink.emulator.http import Reply
from brokerlink.emulator.oauth import EmulatedClient, OAuthServer, OAuthServerConfig
from brokerlink.oauth import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, Clock, utc_now
from brokerlink_tradier.auth import EMULATOR_REDIRECT_URI, oauth_spec
from brokerlink_tradier.environments import ENVIRONMENTS

__all__ = ["EMULATOR_APP", "TradierOAuthServer", "signin_server"]

EMULATOR_APP = EmulatedClient(
    client_id=EMULATOR_CLIENT_ID,
    client_secret=EMULATOR_CLIENT_SECRET,
    redirect_uris=(EMULATOR_REDIRECT_URI,),
)
"""The app the emulated OAuth server knows by default."""

DOCUMENTED_LIFETIME = timedelta(seconds=86399)
"""``expires_in`` of the documented token response (24 hours less a second)."""

_NEW_YORK = ZoneInfo("America/New_York")
# Tradier's documented field order; refresh_token ("if enabled") last.
_FIELDS = ("access_token", "expires_in", "issued_at", "scope", "status", "refresh_token")


def _grant_type(request: Request) -> str | None:
    fields = parse_qs(request.content.decode("utf-8", "replace"))
    values = fields.get("grant_type")
    return values[0] if values else None


class TradierOAuthServer(OAuthServer):
    """The core emulated server with Tradier's endpoints split by grant and its response shape."""

    def token(self, request: Request) -> Reply:
        """``/oauth/accesstoken`` exchanges codes, ``/oauth/refreshtoken`` refreshes; answers in
        Tradier's shape (see the module docstring)."""
        refreshing = request.url.path == self.config.refresh_endpoint
        wanted = "refresh_token" if refreshing else "authorization_code"
        grant = _grant_type(request)
        if grant is not None and grant != wanted:
            body = {
                "error": "unsupported_grant_type",
                "error_description": f"this endpoint only takes grant_type={wanted}",
            }
            return Reply.json(400, body, headers={"Cache-Control": "no-store"})
        reply = super().token(request)
        if reply.status != 200 or not isinstance(reply.body, bytes):
            return reply
        issued: dict[str, Any] = orjson.loads(reply.body)
        issued["issued_at"] = self.clock().astimezone(_NEW_YORK).isoformat(timespec="seconds")
        issued["status"] = "approved"
        shaped = {name: issued[name] for name in _FIELDS if name in issued}
        return Reply.json(200, shaped, headers={"Cache-Control": "no-store"})


def signin_server(
    *,
    clients: tuple[EmulatedClient, ...] = (EMULATOR_APP,),
    partner: bool = True,
    rotate_refresh_tokens: bool = False,
    clock: Clock = utc_now,
) -> TradierOAuthServer:
    """Tradier's emulated OAuth server (``clients``: the registered apps; ``partner``: whether
    they get refresh tokens; ``clock``: the time tokens and codes expire by, shared with a test's
    client strategy)."""
    spec = oauth_spec(ENVIRONMENTS["emulator"])
    assert spec is not None  # the emulator always declares its server
    config = OAuthServerConfig.from_spec(
        spec,
        clients=clients,
        access_token_lifetime=DOCUMENTED_LIFETIME,
        issue_refresh_tokens=partner,
        rotate_refresh_tokens=rotate_refresh_tokens,
    )
    return TradierOAuthServer(config, clock=clock)
