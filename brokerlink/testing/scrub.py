"""The cassette scrubber: secrets out, account numbers replaced by stable fakes, before any write.

vcrpy runs the request hook on every *incoming* request before matching as well as before saving
(refs/dependencies.md §1), so a request for a real account number still matches the cassette that
stores its fake: the mapping must be a pure function of the real value. It is: a fake is derived
from a SHA-256 digest of the real number, keeps its length class and is URL-safe, so the same real
number maps to the same fake in URLs, bodies and headers, in every recording.

Loopback ports are normalised as well, so a scenario recorded twice against an emulator served on
two different free ports gives byte-identical cassettes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

import attrs
import orjson

__all__ = ["ACCOUNT_PATTERNS", "FORM_ONLY_KEYS", "RECORDING_ORIGIN", "SECRET_KEYS", "Scrubber"]

ACCOUNT_PATTERNS: tuple[str, ...] = (
    # TradeStation simulator accounts; live ones are bare digits, indistinguishable from order ids,
    # so they are replaced only when named (``Scrubber.with_accounts``, the profile's account).
    r"\bSIM\d{7}[A-Z]\b",
    r"\bVA\d{8}\b",  # Tradier sandbox
    r"\b6YA\d{5}\b",  # Tradier live
    r"\b5W[A-Z0-9]\d{5}\b",  # tastytrade
)
"""Real-looking account numbers of the three brokers (refs/*/NOTES.md)."""

SECRET_KEYS: frozenset[str] = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "code",
        "code_verifier",
        "password",
        "session-token",
        "remember-token",
        "auth-token",
        "token",
        "streamer-token",
    }
)
"""JSON and form keys whose values never reach a cassette."""

FORM_ONLY_KEYS: frozenset[str] = frozenset({"code", "code_verifier"})
"""Secret only in a form body or query: an OAuth authorization code travels there, while a JSON
``"code"`` is a broker's error code (``"not_permitted"``), which a cassette should keep."""

RECORDING_ORIGIN = "127.0.0.1:8790"
"""Every loopback ``host:port`` is rewritten to this, so recordings do not depend on the port."""

_LOOPBACK = re.compile(rb"(?:127\.0\.0\.1|localhost|\[::1\]):\d+")
_REDACTED = "REDACTED"


def _fake(real: str) -> str:
    digest = hashlib.sha256(real.encode()).hexdigest().upper()
    # Letters first: a fake can never be mistaken for a real (digits-only) TradeStation number.
    return ("ZZ" + digest)[: max(len(real), 8)]


@attrs.frozen(kw_only=True)
class Scrubber:
    """Replaces account numbers and secrets in requests and responses before they are saved.

    ``accounts`` lists numbers to replace wherever they appear (the credential env vars' values,
    for instance); ``patterns`` finds the rest.
    """

    accounts: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ACCOUNT_PATTERNS
    secret_keys: frozenset[str] = SECRET_KEYS
    _regex: re.Pattern[bytes] = attrs.field(init=False)
    _json_keys: frozenset[str] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        alternatives = [re.escape(a) for a in self.accounts if a] + list(self.patterns)
        joined = "|".join(f"(?:{p})" for p in alternatives) or r"(?!x)x"
        object.__setattr__(self, "_regex", re.compile(joined.encode()))
        object.__setattr__(self, "_json_keys", self.secret_keys - FORM_ONLY_KEYS)

    @classmethod
    def with_accounts(cls, accounts: Iterable[str]) -> Scrubber:
        """A scrubber that also replaces these exact account numbers."""
        return cls(accounts=tuple(sorted(set(accounts), key=len, reverse=True)))

    def fake_account(self, real: str) -> str:
        """The stable fake that stands for ``real``."""
        return _fake(real)

    def text(self, data: bytes) -> bytes:
        """``data`` with account numbers replaced and loopback ports normalised."""
        data = _LOOPBACK.sub(RECORDING_ORIGIN.encode(), data)
        return self._regex.sub(lambda m: _fake(m.group().decode()).encode(), data)

    def body(self, data: bytes) -> bytes:
        """A request or response body: secrets blanked (JSON or form), then :meth:`text`."""
        if not data:
            return data
        stripped = data.strip()
        if stripped[:1] in (b"{", b"[") and self._mentions_secret(stripped):
            try:
                parsed = orjson.loads(stripped)
            except orjson.JSONDecodeError:
                pass
            else:
                # Re-encoded only when a secret is in it; the framing around it is kept, so an
                # NDJSON frame keeps its newline.
                head = data[: len(data) - len(data.lstrip())]
                tail = data[len(data.rstrip()) :]
                data = head + orjson.dumps(self._json(parsed)) + tail
        elif b"=" in data and b"\n" not in data:
            data = self._form(data)
        return self.text(data)

    def _mentions_secret(self, data: bytes) -> bool:
        return any(f'"{key}"'.encode() in data for key in self._json_keys)

    def _json(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: _REDACTED if k in self._json_keys and isinstance(v, str) else self._json(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self._json(v) for v in value]
        return value

    def _form(self, data: bytes) -> bytes:
        pairs = []
        for pair in data.split(b"&"):
            key, sep, _value = pair.partition(b"=")
            if sep and key.decode("latin-1") in self.secret_keys:
                pair = key + b"=" + _REDACTED.encode()
            pairs.append(pair)
        return b"&".join(pairs)
