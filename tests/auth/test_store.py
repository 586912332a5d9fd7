"""The token stores: file (0600, atomic, one entry per profile, locked), keyring, selection."""

from __future__ import annotations

import os
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

import brokerlink as bl
from brokerlink.config import Profile, credential_status
from brokerlink.oauth import (
    ClientCredentials,
    FileTokenStore,
    KeyringTokenStore,
    MemoryTokenStore,
    StoredLogin,
    TokenSet,
    default_token_store,
)

WHEN = datetime(2025, 1, 6, 15, 0, tzinfo=UTC)


def _login(n: int = 1) -> StoredLogin:
    return StoredLogin(
        tokens=TokenSet(
            access_token=f"at-{n}-secret",
            refresh_token=f"rt-{n}-secret",
            expires_at=WHEN,
            obtained_at=WHEN,
            scopes=frozenset({"read", "trade"}),
            id_token="a.b.c",
        ),
        client=ClientCredentials(client_id="app", client_secret="cs-secret"),
    )


def test_the_file_store_round_trips_one_entry_per_profile(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "brokerlink" / "tokens.json")
    assert store.load("ts") is None
    store.save("ts", _login(1))
    store.save("tt", _login(2))
    assert store.load("ts") == _login(1)
    assert store.load("tt") == _login(2)
    assert FileTokenStore(store.path).load("ts") == _login(1)  # what another process reads
    assert store.delete("ts") is True
    assert store.delete("ts") is False
    assert store.load("ts") is None
    assert store.load("tt") == _login(2)


def test_the_token_file_is_private_and_written_atomically(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "dir" / "tokens.json")
    previous = os.umask(0o022)  # a usual umask would leave new files world-readable
    try:
        store.save("ts", _login(1))
        store.save("ts", _login(2))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    # Only the file and its lock file: no temp file is left behind.
    assert sorted(p.name for p in store.path.parent.iterdir()) == [
        "tokens.json",
        "tokens.json.lock",
    ]


def test_concurrent_saves_lose_no_profile(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    stores = [FileTokenStore(path) for _ in range(4)]  # like separate processes sharing the file
    threads = [
        threading.Thread(target=stores[n % 4].save, args=(f"p{n}", _login(n))) for n in range(40)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(stores[0].load(f"p{n}") == _login(n) for n in range(40))


def test_a_corrupt_token_file_is_a_config_error_without_its_contents(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text('{"profiles": {"ts": rt-1-secret')
    with pytest.raises(bl.ConfigError, match="not valid JSON") as caught:
        FileTokenStore(path).load("ts")
    assert "secret" not in str(caught.value)


class _MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


def test_the_keyring_store_keeps_one_item_per_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = _MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        monkeypatch.setenv("BROKERLINK_TOKEN_STORE", "keyring")
        store = default_token_store()
        assert isinstance(store, KeyringTokenStore)
        store.save("ts", _login(1))
        assert store.load("ts") == _login(1)
        assert list(backend.items) == [("brokerlink", "ts")]
        assert store.delete("ts") is True
        assert store.delete("ts") is False
    finally:
        keyring.set_keyring(previous)


def test_the_store_is_chosen_by_env_vars(tmp_path: Path) -> None:
    store = default_token_store({"BROKERLINK_TOKEN_FILE": str(tmp_path / "t.json")})
    assert isinstance(store, FileTokenStore)
    assert store.path == tmp_path / "t.json"
    with pytest.raises(bl.ConfigError, match="BROKERLINK_TOKEN_STORE"):
        default_token_store({"BROKERLINK_TOKEN_STORE": "vault"})


def test_profiles_status_counts_the_store_and_shows_no_value() -> None:
    profile = Profile(name="ts", broker="tradestation", environment="sim")
    store = MemoryTokenStore()
    assert set(credential_status(profile, {}, store=store).values()) == {False}
    store.save("ts", _login(1))
    status = credential_status(profile, {}, store=store)
    assert status == {
        "access_token": True,
        "refresh_token": True,
        "client_id": True,
        "client_secret": True,
    }
