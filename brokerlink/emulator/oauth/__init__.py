"""The emulators' OAuth authorization server (DESIGN §9): any broker's front mounts one.

::

    from brokerlink.emulator.oauth import OAuthServer, OAuthServerConfig

    oauth = OAuthServer(OAuthServerConfig.from_spec(MY_SPEC, access_token_lifetime=timedelta(minutes=20)))
    oauth.mount(self.router)                        # in the front's __init__
    denied = oauth.validate(request, self.error_reply)   # before answering an API call

See :mod:`brokerlink.emulator.oauth.server` for what each endpoint checks.
"""

from brokerlink.emulator.oauth.config import EmulatedClient, OAuthServerConfig, TestUser
from brokerlink.emulator.oauth.server import Grant, OAuthServer

__all__ = ["EmulatedClient", "Grant", "OAuthServer", "OAuthServerConfig", "TestUser"]
