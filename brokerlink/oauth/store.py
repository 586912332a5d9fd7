"""Where ``brokerlink login`` keeps tokens: the :class:`TokenStore` protocol and its stores.

- :class:`FileTokenStore` (the default): one JSON file in the user config directory
  (``platformdirs``), one entry per profile, mode 0600, written atomically (a temp file in the
  same directory, then ``os.replace``) under a lock (a thread lock plus ``flock`` on a sibling
  lock file, so two processes refreshing at once do not lose a rotated refresh token).
- :class:`KeyringTokenStore`: the OS keychain through ``keyring`` (``pip install
  brokerlink[keyring]``).
- :class:`MemoryTokenStore`: a dict, for tests and scripts.

``BROKERLINK_TOKEN_STORE=keyring`` picks the keyring store, ``BROKERLINK_TOKEN_FILE`` moves the
file; :func:`default_token_store` reads both at call time. Env vars for the secrets themselves
(``BROKERLINK_<PROFILE>_REFRESH_TOKEN``, ...) always win over any store.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import attrs
import orjson

from brokerlink.errors import ConfigError
from brokerlink.oauth.tokens import ClientCredentials, TokenSet

__all__ = [
    "TOKEN_FILE_ENV_VAR",
    "TOKEN_STORE_ENV_VAR",
    "FileTokenStore",
    "KeyringTokenStore",
    "MemoryTokenStore",
    "StoredLogin",
    "TokenStore",
    "default_token_store",
]

TOKEN_STORE_ENV_VAR = "BROKERLINK_TOKEN_STORE"
"""``file`` (default) or ``keyring``."""

TOKEN_FILE_ENV_VAR = "BROKERLINK_TOKEN_FILE"
"""The token file's path, instead of ``<user config dir>/brokerlink/tokens.json``."""

_KEYRING_SERVICE = "brokerlink"


@attrs.frozen(kw_only=True)
class StoredLogin:
    """One profile's entry: its tokens and, when the login was given them, the client's id and
    secret. The repr shows no secret."""

    tokens: TokenSet
    client: ClientCredentials | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        client = self.client
        return {
            "tokens": self.tokens.to_json(),
            "client_id": client.client_id if client else None,
            "client_secret": client.client_secret if client else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StoredLogin:
        """The inverse of :meth:`to_json`; ``ValueError`` for a malformed entry."""
        tokens = data.get("tokens")
        if not isinstance(tokens, dict):
            raise ValueError("a stored login needs a tokens object")
        client_id = data.get("client_id")
        secret = data.get("client_secret")
        client = (
            ClientCredentials(
                client_id=client_id, client_secret=secret if isinstance(secret, str) else None
            )
            if isinstance(client_id, str) and client_id
            else None
        )
        return cls(tokens=TokenSet.from_json(tokens), client=client)


@runtime_checkable
class TokenStore(Protocol):
    """Keeps one :class:`StoredLogin` per profile name. Implementations are thread-safe."""

    def load(self, profile: str) -> StoredLogin | None:
        """The profile's entry, or ``None``."""
        ...

    def save(self, profile: str, login: StoredLogin) -> None:
        """Replace the profile's entry (durably, before returning)."""
        ...

    def delete(self, profile: str) -> bool:
        """Remove the profile's entry; ``False`` when there was none."""
        ...


class MemoryTokenStore:
    """A token store in memory: tests and short scripts."""

    def __init__(self) -> None:
        self._entries: dict[str, StoredLogin] = {}
        self._lock = threading.Lock()

    def load(self, profile: str) -> StoredLogin | None:
        """The profile's entry, or ``None``."""
        with self._lock:
            return self._entries.get(profile)

    def save(self, profile: str, login: StoredLogin) -> None:
        """Replace the profile's entry."""
        with self._lock:
            self._entries[profile] = login

    def delete(self, profile: str) -> bool:
        """Remove the profile's entry."""
        with self._lock:
            return self._entries.pop(profile, None) is not None

    def __repr__(self) -> str:
        return f"<MemoryTokenStore {len(self._entries)} profiles>"


class FileTokenStore:
    """Tokens in one JSON file, mode 0600, atomic writes, one entry per profile (see module doc)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            lock_path = self.path.with_name(self.path.name + ".lock")
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                if sys.platform != "win32":
                    import fcntl

                    fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # closing the descriptor releases the flock

    def _read(self) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise ConfigError(
                f"the token file {self.path} is not valid JSON",
                key=TOKEN_FILE_ENV_VAR,
                fix=f"delete {self.path} and run `brokerlink login <profile>` again",
            ) from None
        profiles = data.get("profiles") if isinstance(data, dict) else None
        return profiles if isinstance(profiles, dict) else {}

    def _write(self, profiles: Mapping[str, Any]) -> None:
        payload = orjson.dumps({"version": 1, "profiles": profiles}, option=orjson.OPT_INDENT_2)
        fd, temp = tempfile.mkstemp(prefix=".tokens-", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)  # mkstemp already uses 0600; say so explicitly
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise

    def load(self, profile: str) -> StoredLogin | None:
        """The profile's entry, or ``None``."""
        if not self.path.exists():
            return None  # nothing to read: create neither the directory nor the lock file
        with self._locked():
            entry = self._read().get(profile)
        if not isinstance(entry, dict):
            return None
        try:
            return StoredLogin.from_json(entry)
        except ValueError as exc:
            raise ConfigError(
                f"the token file's entry for {profile!r} is malformed ({exc})",
                key=TOKEN_FILE_ENV_VAR,
                fix=f"run `brokerlink logout {profile}` then `brokerlink login {profile}`",
            ) from None

    def save(self, profile: str, login: StoredLogin) -> None:
        """Replace the profile's entry atomically."""
        with self._locked():
            profiles = self._read()
            profiles[profile] = login.to_json()
            self._write(profiles)

    def delete(self, profile: str) -> bool:
        """Remove the profile's entry."""
        with self._locked():
            profiles = self._read()
            if profiles.pop(profile, None) is None:
                return False
            self._write(profiles)
            return True

    def __repr__(self) -> str:
        return f"<FileTokenStore {self.path}>"


class KeyringTokenStore:
    """Tokens in the OS keychain (service ``brokerlink``, one item per profile)."""

    def __init__(self, service: str = _KEYRING_SERVICE) -> None:
        try:
            import keyring
        except ImportError:
            raise ConfigError(
                "the keyring token store needs the keyring package",
                key=TOKEN_STORE_ENV_VAR,
                fix="pip install 'brokerlink[keyring]', or unset BROKERLINK_TOKEN_STORE to use the file store",
            ) from None
        self._keyring = keyring
        self.service = service
        self._lock = threading.Lock()

    def load(self, profile: str) -> StoredLogin | None:
        """The profile's entry, or ``None``."""
        with self._lock:
            raw = self._keyring.get_password(self.service, profile)
        if raw is None:
            return None
        try:
            return StoredLogin.from_json(orjson.loads(raw))
        except (ValueError, orjson.JSONDecodeError):
            raise ConfigError(
                f"the keychain entry for {profile!r} is malformed",
                key=TOKEN_STORE_ENV_VAR,
                fix=f"run `brokerlink logout {profile}` then `brokerlink login {profile}`",
            ) from None

    def save(self, profile: str, login: StoredLogin) -> None:
        """Replace the profile's entry."""
        with self._lock:
            self._keyring.set_password(
                self.service, profile, orjson.dumps(login.to_json()).decode()
            )

    def delete(self, profile: str) -> bool:
        """Remove the profile's entry."""
        from keyring.errors import PasswordDeleteError

        with self._lock:
            try:
                self._keyring.delete_password(self.service, profile)
            except PasswordDeleteError:
                return False
            return True

    def __repr__(self) -> str:
        return f"<KeyringTokenStore {self.service}>"


def default_token_store(environ: Mapping[str, str] | None = None) -> TokenStore:
    """The store ``BROKERLINK_TOKEN_STORE`` and ``BROKERLINK_TOKEN_FILE`` select (read now)."""
    env = os.environ if environ is None else environ
    kind = env.get(TOKEN_STORE_ENV_VAR, "").strip().lower() or "file"
    if kind == "keyring":
        return KeyringTokenStore()
    if kind != "file":
        raise ConfigError(
            f"unknown token store {kind!r}",
            key=TOKEN_STORE_ENV_VAR,
            fix="set it to 'file' (the default) or 'keyring'",
        )
    configured = env.get(TOKEN_FILE_ENV_VAR, "").strip()
    if configured:
        return FileTokenStore(Path(configured).expanduser())
    import platformdirs

    return FileTokenStore(platformdirs.user_config_path("brokerlink") / "tokens.json")
