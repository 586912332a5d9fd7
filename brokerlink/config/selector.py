"""Selectors: what a user passes to ``bl.connect`` to say which broker, environment and settings.

A selector is either ``"<adapter>:<environment>"`` (``"tradier:sandbox"``, ``"tradestation:sim"``,
``"paper:emulator"``) or the bare name of a profile in ``brokerlink.toml`` (``"paper-ts"``). Config
only parses selectors; which environments exist is each adapter's business, checked when the
adapter is loaded.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

import attrs

from brokerlink.config.fields import ADAPTER_SELECTOR_PATTERN, PROFILE_NAME_PATTERN
from brokerlink.config.profiles import env_prefix
from brokerlink.errors import ConfigError

__all__ = ["SELECTOR_FORMS", "Selector", "unknown_profile_error"]

SELECTOR_FORMS = (
    "'<adapter>:<environment>' (lowercase, e.g. 'tradier:sandbox', 'tradestation:sim', "
    "'tastytrade:live', 'paper:emulator') or the name of a profile in brokerlink.toml"
)
"""The two forms a selector takes, as shown in error messages."""

_SEPARATED = re.compile(r"\s*([A-Za-z0-9_-]+)\s*(?:[\s/=]|::)\s*([A-Za-z0-9_-]+)\s*\Z")


def _malformed(text: str, guess: str | None) -> ConfigError:
    hint = f"did you mean {guess!r}? " if guess and guess != text else ""
    return ConfigError(
        f"{text!r} is not a valid selector", key="selector", fix=f"{hint}use {SELECTOR_FORMS}"
    )


@attrs.frozen(kw_only=True)
class Selector:
    """A parsed selector: either ``profile`` is set, or both ``adapter`` and ``environment`` are.

    ``text`` is the selector as normalized (surrounding whitespace removed); it is also the name
    of the profile a ``<adapter>:<environment>`` selector resolves to.
    """

    text: str
    profile: str | None = None
    adapter: str | None = None
    environment: str | None = None

    @classmethod
    def parse(cls, text: str) -> Selector:
        """Parse ``text``; raise :class:`ConfigError` (key ``"selector"``) if it is neither form.

        Whether a bare name is a profile that exists is decided by
        :func:`~brokerlink.config.resolve_profile`, which reads the config file.
        """
        raw = text.strip()
        adapter, colon, environment = raw.partition(":")
        if colon:
            if ADAPTER_SELECTOR_PATTERN.match(raw):
                return cls(text=raw, adapter=adapter, environment=environment)
            guess = f"{adapter.strip().lower()}:{environment.strip().lower()}"
            raise _malformed(raw, guess if ADAPTER_SELECTOR_PATTERN.match(guess) else None)
        if PROFILE_NAME_PATTERN.match(raw):
            return cls(text=raw, profile=raw)
        match = _SEPARATED.match(raw)
        raise _malformed(raw, f"{match[1]}:{match[2]}".lower() if match else None)

    @property
    def is_profile(self) -> bool:
        """True for a bare profile name, False for ``<adapter>:<environment>``."""
        return self.profile is not None

    @property
    def env_prefix(self) -> str:
        """``BROKERLINK_<PROFILE>_``: the prefix of the env vars of the profile this selects."""
        return env_prefix(self.text)

    def __str__(self) -> str:
        return self.text


def unknown_profile_error(name: str, profiles: Sequence[str], where: str) -> ConfigError:
    """The error for a bare selector that names no profile: lists the profiles found (``where``
    says which file they are from, or where none was found) and the other selector form."""
    close = difflib.get_close_matches(name, profiles, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    if profiles:
        found = f"profiles in {where}: {', '.join(profiles)}"
    else:
        found = f"no profiles found ({where})"
    return ConfigError(
        f"no profile named {name!r}",
        key="selector",
        fix=f"{hint}{found}; or use '<adapter>:<environment>', e.g. 'tradier:sandbox'",
    )
