"""OAuth for every broker: strategies, the adapter's declaration, the token store, scopes.

- :class:`OAuthSpec`: what an adapter declares about its broker's OAuth server (URLs, client
  authentication, PKCE, scopes and their neutral names, lifetimes, rotation, id_token);
- :class:`OAuthStrategy`, :class:`RefreshToken`, :class:`AuthorizationCode`: httpx2 auth flows
  with single-flight refresh (threads and tasks) and one refresh-and-resend on a 401;
- :class:`TokenStore` and its stores (:class:`FileTokenStore`, :class:`KeyringTokenStore`,
  :class:`MemoryTokenStore`), :func:`default_token_store`;
- :class:`EmulatorLogin`: logs in to an emulator's automatic consent from inside the flow;
- :func:`login` / :func:`logout` and the one-shot :class:`CallbackServer` (``brokerlink login``);
- :func:`auth_from_profile`: the strategy a profile's credentials call for;
- :func:`require_scopes`: the facade's pre-flight :class:`~brokerlink.errors.ScopeError` check.

Adapters import from here: ``from brokerlink.oauth import OAuthSpec, standard_identity``.
"""

from brokerlink.oauth.callback import CallbackServer
from brokerlink.oauth.code import AuthorizationCode
from brokerlink.oauth.errors import (
    CallbackPortError,
    ConsentDeniedError,
    ExpiredCodeError,
    LoginTimeoutError,
    RedirectUriError,
    StateMismatchError,
)
from brokerlink.oauth.flow import Clock, OAuthStrategy, RefreshToken, utc_now
from brokerlink.oauth.headless import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, EmulatorLogin
from brokerlink.oauth.login import LoginResult, login, logout
from brokerlink.oauth.requests import code_request, refresh_request, revoke_request
from brokerlink.oauth.scopes import FEATURE_SCOPES, STREAM_SCOPES, require_scopes, scopes_for
from brokerlink.oauth.select import adapter_auth, auth_from_profile, client_for
from brokerlink.oauth.spec import (
    NEUTRAL_SCOPES,
    BodyFormat,
    ClientAuthMethod,
    NeutralScope,
    OAuthSpec,
    UserProfile,
    decode_id_token_claims,
    standard_identity,
)
from brokerlink.oauth.store import (
    TOKEN_FILE_ENV_VAR,
    TOKEN_STORE_ENV_VAR,
    FileTokenStore,
    KeyringTokenStore,
    MemoryTokenStore,
    StoredLogin,
    TokenStore,
    default_token_store,
)
from brokerlink.oauth.tokens import ClientCredentials, TokenSet, token_error, tokens_from_response

__all__ = [
    "EMULATOR_CLIENT_ID",
    "EMULATOR_CLIENT_SECRET",
    "FEATURE_SCOPES",
    "NEUTRAL_SCOPES",
    "STREAM_SCOPES",
    "TOKEN_FILE_ENV_VAR",
    "TOKEN_STORE_ENV_VAR",
    "AuthorizationCode",
    "BodyFormat",
    "CallbackPortError",
    "CallbackServer",
    "ClientAuthMethod",
    "ClientCredentials",
    "Clock",
    "ConsentDeniedError",
    "EmulatorLogin",
    "ExpiredCodeError",
    "FileTokenStore",
    "KeyringTokenStore",
    "LoginResult",
    "LoginTimeoutError",
    "MemoryTokenStore",
    "NeutralScope",
    "OAuthSpec",
    "OAuthStrategy",
    "RedirectUriError",
    "RefreshToken",
    "StateMismatchError",
    "StoredLogin",
    "TokenSet",
    "TokenStore",
    "UserProfile",
    "adapter_auth",
    "auth_from_profile",
    "client_for",
    "code_request",
    "decode_id_token_claims",
    "default_token_store",
    "login",
    "logout",
    "refresh_request",
    "require_scopes",
    "revoke_request",
    "scopes_for",
    "standard_identity",
    "token_error",
    "tokens_from_response",
    "utc_now",
]
