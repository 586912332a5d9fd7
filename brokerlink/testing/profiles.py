"""Cassettes recorded against a profile: a real sandbox (or any API root), replayed offline.

The ``broker`` fixture of :mod:`brokerlink.testing.plugin` keeps one transcript per test,
``<cassette dir>/<name>.stream.jsonl``, holding the test's REST calls and streams alike:

- **replay** (the default): the profile is resolved only for its adapter, environment and
  account; the broker runs in-process against a
  :class:`~brokerlink.testing.transcripts.ReplayFront` with a fake token, so no credential and no
  network is needed;
- **record** (``--brokerlink-record``): a live profile is refused before any request; an emulator
  profile without a ``base_url`` is served on a loopback port and recorded with a fake token;
  any other profile needs its credentials (the env vars of ``brokerlink.config`` or the token
  store of ``brokerlink login``) and is recorded against its API root (``base_url`` when set)
  through the client-side :class:`~brokerlink.testing.tap.TapTransport`. The profile's account
  number is scrubbed along with everything the :class:`~brokerlink.testing.scrub.Scrubber` finds.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest

from brokerlink.errors import ConfigError
from brokerlink.testing import sessions
from brokerlink.testing.sessions import credentials_hint

if TYPE_CHECKING:
    from brokerlink.broker.sync import Broker
    from brokerlink.config import Profile

__all__ = ["ProfileCassette", "credentials_hint", "refuse_live"]


def _resolve(selector: str) -> Profile:
    from brokerlink.config import resolve_profile

    try:
        return resolve_profile(selector)
    except ConfigError as exc:
        raise pytest.UsageError(f"brokerlink_profile({selector!r}): {exc}") from None


def refuse_live(selector: str, test_id: str) -> None:
    """Raise :class:`pytest.UsageError` when ``selector`` is a live profile (before any request)."""
    profile = _resolve(selector)
    if profile.is_live:
        raise pytest.UsageError(
            f"--brokerlink-record refuses the live profile {profile.name!r} ({test_id}): "
            f"recordings place real orders, so they are made against a sandbox or simulator "
            f"only; mark the test with a sandbox profile, e.g. "
            f"brokerlink_profile('{profile.broker}:sandbox')"
        )


@attrs.frozen(kw_only=True)
class ProfileCassette:
    """One test's cassette for one profile."""

    selector: str
    directory: Path
    name: str
    test_id: str

    @property
    def path(self) -> Path:
        """``<directory>/<name>.stream.jsonl``."""
        return self.directory / f"{self.name}.stream.jsonl"

    def record_command(self) -> str:
        """The one command that (re-)records this cassette."""
        return f"uv run pytest '{self.test_id}' --brokerlink-record"

    def missing(self) -> str | None:
        """Why the cassette cannot be replayed (it does not exist, and how to record it), or
        ``None``."""
        if self.path.exists():
            return None
        profile = _resolve(self.selector)
        needs = (
            ""
            if sessions.is_emulator(profile)
            else f" with credentials ({credentials_hint(profile)})"
        )
        return (
            f"the cassette {self.path} does not exist, so this test cannot replay it. Record it "
            f"against {profile.name}{needs}:\n    {self.record_command()}"
        )

    @contextlib.contextmanager
    def recording(self) -> Iterator[Broker]:
        """A broker on the profile whose whole session is recorded into :attr:`path`."""
        refuse_live(self.selector, self.test_id)
        profile = _resolve(self.selector)
        if not sessions.is_emulator(profile) and not sessions.has_credentials(profile):
            pytest.fail(
                f"--brokerlink-record needs credentials for {profile.name!r}: "
                f"{credentials_hint(profile)}",
                pytrace=False,
            )
        with sessions.recorded_session(self.selector, self.path) as session:
            yield session.broker

    @contextlib.contextmanager
    def replaying(self) -> Iterator[tuple[Broker, list[str]]]:
        """A broker replaying :attr:`path` in-process, and the list that receives, when the
        broker is closed, what it asked for that the cassette does not hold."""
        with sessions.replayed_session(self.selector, self.path) as replay:
            yield replay.broker, replay.mismatches
