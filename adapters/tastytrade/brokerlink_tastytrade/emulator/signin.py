"""tastytrade's OAuth server, emulated on the emulator's host.

Built from the adapter's own :func:`~brokerlink_tastytrade.auth.oauth_spec` for the emulator
environment, so client and emulator read one declaration:

- ``GET /oauth/authorize``: the consent page (my.tastytrade.com's ``auth.html`` at tastytrade);
  consent is automatic for the test user;
- ``POST /oauth/token``: the ``authorization_code`` and ``refresh_token`` grants, client id and
  secret in the body (JSON or form), 15-minute access tokens, an ``id_token`` (scope
  ``openid``), and a 401 for a request without a ``product/version`` ``User-Agent``.

Refresh tokens do not rotate unless asked (``rotate_refresh_tokens=True``). No revocation
endpoint is served: tastytrade documents none.

The registered app is the core's emulator client (``emulator-client`` / ``emulator-secret``)
with ``http://localhost:3000`` as its redirect URI.
"""

from __future__ import annotations

from brokerlink.emulator.oauth import EmulatedClient, OAuthServer, OAuthServerConfig
from brokerlink.oauth import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, Clock, utc_now
from brokerlink_tastytrade.auth import EMULATOR_REDIRECT_URI, oauth_spec
from brokerlink_tastytrade.environments import ENVIRONMENTS

__all__ = ["EMULATOR_APP", "signin_server"]

EMULATOR_APP = EmulatedClient(
    client_id=EMULATOR_CLIENT_ID,
    client_secret=EMULATOR_CLIENT_SECRET,
    redirect_uris=(EMULATOR_REDIRECT_URI,),
)
"""The app the emulated OAuth server knows by default."""


def signin_server(
    *,
    clients: tuple[EmulatedClient, ...] = (EMULATOR_APP,),
    rotate_refresh_tokens: bool = False,
    clock: Clock = utc_now,
) -> OAuthServer:
    """tastytrade's emulated OAuth server (``clients``: the registered apps; ``clock``: the time
    its tokens and codes expire by, shared with a test's client strategy)."""
    config = OAuthServerConfig.from_spec(
        oauth_spec(ENVIRONMENTS["emulator"]),
        clients=clients,
        rotate_refresh_tokens=rotate_refresh_tokens,
        issuer="https://tastytrade.emulator/",  # tastytrade's id_token issuer is undocumented
    )
    return OAuthServer(config, clock=clock)
