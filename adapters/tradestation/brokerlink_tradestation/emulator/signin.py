"""The emulated ``signin.tradestation.com``: TradeStation's OAuth server on the emulator's host.

Built from the adapter's own :func:`~brokerlink_tradestation.auth.oauth_spec` for the emulator
environment, so client and emulator read one declaration: ``GET /authorize`` (the audience is
required, consent is automatic), ``POST /oauth/token`` (``client_secret_post``, 20-minute access
tokens, an id_token), ``POST /oauth/revoke`` (revokes every refresh token of the key, as NOTES
§2.5 says the real one does). Refresh tokens do not rotate unless asked
(``rotate_refresh_tokens=True``: the opt-in TradeStation's Client Experience can turn on).

The registered app is the core's emulator client (``emulator-client`` / ``emulator-secret``)
with the callback URLs every new TradeStation key allows.
"""

from __future__ import annotations

from brokerlink.emulator.oauth import EmulatedClient, OAuthServer, OAuthServerConfig
from brokerlink.oauth import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, Clock, utc_now
from brokerlink_tradestation.auth import DEFAULT_CALLBACKS, oauth_spec
from brokerlink_tradestation.environments import ENVIRONMENTS

__all__ = ["EMULATOR_APP", "signin_server"]

EMULATOR_APP = EmulatedClient(
    client_id=EMULATOR_CLIENT_ID,
    client_secret=EMULATOR_CLIENT_SECRET,
    redirect_uris=DEFAULT_CALLBACKS,
)
"""The app the emulated sign-in server knows by default."""


def signin_server(
    *,
    clients: tuple[EmulatedClient, ...] = (EMULATOR_APP,),
    rotate_refresh_tokens: bool = False,
    clock: Clock = utc_now,
) -> OAuthServer:
    """TradeStation's emulated OAuth server (``clients``: the registered apps; ``clock``: the
    time its tokens and codes expire by, shared with a test's client strategy)."""
    config = OAuthServerConfig.from_spec(
        oauth_spec(ENVIRONMENTS["emulator"]),
        clients=clients,
        rotate_refresh_tokens=rotate_refresh_tokens,
        revoke_all_refresh_tokens=True,
        issuer="https://signin.tradestation.com/",
    )
    return OAuthServer(config, clock=clock)
