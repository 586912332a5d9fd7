"""The secret scanner: no cassette or stream transcript may carry a credential or a real account.

The scrubber runs before every write, but a hand-edited cassette, a new secret-bearing field or a
recorder bug could still leak one. This scan is the second line: ``brokerlink cassettes check``
and a test in the suite run it over every committed recording, and fail on

- an ``Authorization: Bearer ...`` value or a JWT (``eyJ...``, three dot-separated parts);
- a value under a secret key (``access_token``, ``refresh_token``, ``client_secret``, ...) that is
  not the scrubber's ``REDACTED``;
- a real-looking account number of the three brokers (:data:`~brokerlink.testing.scrub.ACCOUNT_PATTERNS`);
- the value of any credential env var currently set (``BROKERLINK_<PROFILE>_ACCESS_TOKEN``, ...).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import attrs

from brokerlink.testing.scrub import ACCOUNT_PATTERNS, SECRET_KEYS

__all__ = ["RECORDING_SUFFIXES", "Finding", "credential_values", "scan_paths", "scan_text"]

RECORDING_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json", ".jsonl")
"""Files the scanner reads (cassettes and ``.stream.jsonl`` transcripts)."""

_CREDENTIAL_ENV = re.compile(
    r"^BROKERLINK_\w+_(ACCESS_TOKEN|REFRESH_TOKEN|CLIENT_SECRET|CLIENT_ID|ACCOUNT)$"
)
_BEARER = re.compile(r"Bearer\s+(?!REDACTED\b)[A-Za-z0-9\-._~+/]{8,}=*")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_KEYS = "|".join(re.escape(k) for k in sorted(SECRET_KEYS, key=len, reverse=True))
# "key": "value" (JSON, also inside YAML strings) and key=value (form bodies, query strings).
_SECRET_VALUE = re.compile(
    rf"""(?:\\?"(?P<jkey>{_KEYS})\\?"\s*:\s*\\?"(?P<jval>[^"\\]+)\\?")"""
    rf"""|(?:(?<![\w-])(?P<fkey>{_KEYS})=(?P<fval>[^&\s'"]+))"""
)
_ACCOUNTS = re.compile("|".join(f"(?:{p})" for p in ACCOUNT_PATTERNS))
_ALLOWED_VALUES = frozenset({"REDACTED", "cassette-fake-token"})
_ERROR_CODE = re.compile(r"[a-z]+(?:_[a-z]+)+")


@attrs.frozen
class Finding:
    """One leak: where it is and what kind; the value itself is never repeated in full."""

    path: str
    line: int
    kind: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind} ({self.excerpt})"


def _mask(value: str) -> str:
    return value[:4] + "…" if len(value) > 4 else "…"


def credential_values(environ: Mapping[str, str] | None = None) -> list[str]:
    """The values of the credential env vars that are set (those a recording must never hold)."""
    env = os.environ if environ is None else environ
    return [v for k, v in env.items() if _CREDENTIAL_ENV.match(k) and len(v) >= 4]


def scan_text(text: str, path: str, secrets: Iterable[str] = ()) -> Iterator[Finding]:
    """Every leak in ``text`` (one file's contents)."""
    wanted = [s for s in secrets if s]
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _BEARER.finditer(line):
            yield Finding(path, number, "bearer token", _mask(match.group()[7:].strip()))
        for match in _JWT.finditer(line):
            yield Finding(path, number, "JWT", _mask(match.group()))
        for match in _SECRET_VALUE.finditer(line):
            key = match.group("jkey") or match.group("fkey")
            value = match.group("jval") or match.group("fval") or ""
            if (value not in _ALLOWED_VALUES and key != "code") or _looks_secret(key, value):
                yield Finding(path, number, f"unscrubbed {key}", _mask(value))
        for match in _ACCOUNTS.finditer(line):
            yield Finding(path, number, "real-looking account number", _mask(match.group()))
        for secret in wanted:
            if secret in line:
                yield Finding(path, number, "value of a credential env var", _mask(secret))


def _looks_secret(key: str, value: str) -> bool:
    # "code" is also an ordinary field (error codes, exchange codes): only a long opaque value in
    # it is an authorization code; words joined by underscores (``symbol_not_found``) are not.
    return (
        key == "code"
        and value not in _ALLOWED_VALUES
        and len(value) >= 16
        and " " not in value
        and not _ERROR_CODE.fullmatch(value)
    )


def scan_paths(paths: Iterable[Path], secrets: Iterable[str] | None = None) -> list[Finding]:
    """Every leak in the recordings under ``paths`` (files or directories)."""
    values = list(credential_values() if secrets is None else secrets)
    findings: list[Finding] = []
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for file in files:
            if file.suffix not in RECORDING_SUFFIXES:
                continue
            text = file.read_text(encoding="utf-8", errors="replace")
            findings.extend(scan_text(text, str(file), values))
    return findings
