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
from brokerlink.testing.recording import CASSETTE_TOKEN, adapter_keepalives
from brokerlink.testing.scrub import Scrubber

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


def credentials_hint(profile: Profile) -> str:
    """What supplies ``profile``'s credentials: its env var or ``brokerlink login``."""
    return (
        f"export {profile.env_var('access_token')}=<access token> "
        f"or run `brokerlink login {profile.name}`"
    )


def _has_credentials(profile: Profile) -> bool:
    from brokerlink.config import credential_status
    from brokerlink.oauth.store import default_token_store

    status = credential_status(profile, store=default_token_store())
    return status["access_token"] or status["refresh_token"]


def _is_emulator(profile: Profile) -> bool:
    from brokerlink.registry import AdapterRegistry

    return AdapterRegistry().environment(profile.broker, profile.environment)[1].is_emulator


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
        needs = "" if _is_emulator(profile) else f" with credentials ({credentials_hint(profile)})"
        return (
            f"the cassette {self.path} does not exist, so this test cannot replay it. Record it "
            f"against {profile.name}{needs}:\n    {self.record_command()}"
        )

    def _scrubber(self, profile: Profile) -> Scrubber:
        return Scrubber.with_accounts([profile.account] if profile.account else [])

    @contextlib.contextmanager
    def recording(self) -> Iterator[Broker]:
        """A broker on the profile whose whole session is recorded into :attr:`path`."""
        import brokerlink as bl
        from brokerlink.testing.journal import TranscriptLog
        from brokerlink.testing.tap import TapTransport

        refuse_live(self.selector, self.test_id)
        profile = _resolve(self.selector)
        tap = TapTransport(TranscriptLog(profile.broker, self._scrubber(profile)))
        with contextlib.ExitStack() as stack:
            if _is_emulator(profile) and profile.base_url is None:
                from brokerlink.emulator.http import serve
                from brokerlink.emulator.serving import servable_emulator

                emulator = servable_emulator(profile.broker)
                server = stack.enter_context(serve(emulator.front))
                broker = bl.connect(
                    self.selector,
                    auth=bl.StaticToken(CASSETTE_TOKEN),
                    transport=tap,
                    base_url=emulator.api_root(server.url),
                )
            else:
                if not _has_credentials(profile):
                    pytest.fail(
                        f"--brokerlink-record needs credentials for {profile.name!r}: "
                        f"{credentials_hint(profile)}",
                        pytrace=False,
                    )
                broker = bl.connect(self.selector, transport=tap)
            # Saved when the test ends, pass or fail (the server, if any, stops after).
            stack.callback(tap.log.save, self.path)
            with broker:
                yield broker

    @contextlib.contextmanager
    def replaying(self) -> Iterator[tuple[Broker, list[str]]]:
        """A broker replaying :attr:`path` in-process, and the list that receives, when the
        broker is closed, what it asked for that the cassette does not hold."""
        import brokerlink as bl
        from brokerlink.emulator.http import EmulatorTransport
        from brokerlink.testing.transcripts import ReplayFront

        profile = _resolve(self.selector)
        replay = ReplayFront(
            self.path,
            scrubber=self._scrubber(profile),
            keepalives=adapter_keepalives(profile.broker),
        )
        mismatches: list[str] = []
        with bl.connect(
            self.selector,
            auth=bl.StaticToken(CASSETTE_TOKEN),
            transport=EmulatorTransport(replay, replay.engine),
        ) as broker:
            yield broker, mismatches
        mismatches.extend(replay.mismatches)
