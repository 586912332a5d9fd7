"""Configuration (DESIGN §8): selectors, profiles, ``brokerlink.toml``, credentials, live opt-in.

::

    profile = resolve_profile("paper-ts")                  # a profile from brokerlink.toml
    profile = resolve_profile("tradier:sandbox", overrides={"timeout": 10})
    check_live_allowed(profile)                            # before any request
    token = require_credential(profile, "access_token")   # from BROKERLINK_<PROFILE>_ACCESS_TOKEN

``brokerlink.toml`` (in the working directory, or ``$BROKERLINK_CONFIG``) holds named profiles::

    [profiles.paper-ts]
    broker = "tradestation"
    environment = "sim"
    account = "SIM1234567M"

Precedence per setting: explicit arguments > ``BROKERLINK_<PROFILE>_<FIELD>`` env vars > file >
defaults. ``<PROFILE>`` is the profile's name uppercased with ``-``, ``.`` and ``:`` turned into
``_``; a ``"<adapter>:<environment>"`` selector is its own profile name, so ``"tradier:sandbox"``
reads ``BROKERLINK_TRADIER_SANDBOX_TIMEOUT``. Secrets come from env vars or the token store, never
the file. Everything here is pure: nothing is read at import time, and ``os.environ`` and the
working directory are only read, at call time, when not passed in.
"""

from brokerlink.config.credentials import (
    CREDENTIAL_FIELDS,
    CredentialField,
    credential,
    credential_status,
    require_credential,
)
from brokerlink.config.fields import DEFAULT_REDIRECT_URI, FILE_KEYS, SETTING_FIELDS
from brokerlink.config.live import ALLOW_LIVE_ENV_VAR, check_live_allowed, live_session_enabled
from brokerlink.config.loading import (
    CONFIG_ENV_VAR,
    CONFIG_FILENAME,
    ConfigFile,
    find_config,
    load_config,
    parse_config,
)
from brokerlink.config.profiles import (
    LIVE_ENVIRONMENT,
    Profile,
    ProfileSource,
    env_prefix,
    env_var,
    table_key,
)
from brokerlink.config.resolve import list_profiles, resolve_profile
from brokerlink.config.selector import Selector

__all__ = [
    "ALLOW_LIVE_ENV_VAR",
    "CONFIG_ENV_VAR",
    "CONFIG_FILENAME",
    "CREDENTIAL_FIELDS",
    "DEFAULT_REDIRECT_URI",
    "FILE_KEYS",
    "LIVE_ENVIRONMENT",
    "SETTING_FIELDS",
    "ConfigFile",
    "CredentialField",
    "Profile",
    "ProfileSource",
    "Selector",
    "check_live_allowed",
    "credential",
    "credential_status",
    "env_prefix",
    "env_var",
    "find_config",
    "list_profiles",
    "live_session_enabled",
    "load_config",
    "parse_config",
    "require_credential",
    "resolve_profile",
    "table_key",
]
