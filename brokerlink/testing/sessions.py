"""Whole broker sessions recorded into one transcript and replayed from it, outside pytest.

The pytest ``broker`` fixture, ``brokerlink run --record/--replay`` and ``brokerlink compare
--record/--replay`` all keep a session the same way: one ``.stream.jsonl`` transcript holding its
REST calls and its streams, scrubbed before it reaches disk.

- :func:`recorded_session` refuses a live profile before any request. An emulator profile is
  served on a loopback port and recorded with a fake token; any other profile needs its
  credentials and is recorded against its own API root through the client-side
  :class:`~brokerlink.testing.tap.TapTransport`.
- :func:`replayed_session` needs no credentials and no network: the broker runs in-process
  against a :class:`~brokerlink.testing.transcripts.ReplayFront`, and what it asked for that the
  transcript does not hold is collected in :attr:`Session.mismatches` when the session closes.

Problems a user can fix (a live profile, missing credentials, a missing transcript) are
:class:`~brokerlink.errors.ConfigError`\\ s that say how.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from brokerlink.errors import ConfigError
from brokerlink.testing.recording import CASSETTE_TOKEN, adapter_keepalives
from brokerlink.testing.scrub import Scrubber

if TYPE_CHECKING:
    from brokerlink.broker.sync import Broker
    from brokerlink.config import Profile
    from brokerlink.emulator import Engine

__all__ = [
    "Session",
    "credentials_hint",
    "has_credentials",
    "is_emulator",
    "recorded_session",
    "replayed_session",
]


def credentials_hint(profile: Profile) -> str:
    """What supplies ``profile``'s credentials: its env var or ``brokerlink login``."""
    return (
        f"export {profile.env_var('access_token')}=<access token> "
        f"or run `brokerlink login {profile.name}`"
    )


def has_credentials(profile: Profile) -> bool:
    """Whether an access or refresh token for ``profile`` is in the environment or token store."""
    from brokerlink.config import credential_status
    from brokerlink.oauth.store import default_token_store

    status = credential_status(profile, store=default_token_store())
    return status["access_token"] or status["refresh_token"]


def is_emulator(profile: Profile) -> bool:
    """Whether ``profile`` names its adapter's ``emulator`` environment."""
    from brokerlink.registry import AdapterRegistry

    return AdapterRegistry().environment(profile.broker, profile.environment)[1].is_emulator


def _scrubber(profile: Profile) -> Scrubber:
    return Scrubber.with_accounts([profile.account] if profile.account else [])


def _resolve(selector: str, overrides: Mapping[str, Any]) -> Profile:
    from brokerlink.config import resolve_profile

    return resolve_profile(selector, overrides=dict(overrides))


@attrs.define
class Session:
    """A recorded or replayed session.

    ``broker`` is the sync broker; ``engine`` the emulator engine behind a recording made on an
    emulator (its clock can be moved, as ``Broker.emulator`` allows in-process), else ``None``;
    ``mismatches`` receives, when a replay closes, what the transcript could not answer.
    """

    broker: Broker
    engine: Engine | None = None
    mismatches: list[str] = attrs.field(factory=list)


@contextlib.contextmanager
def recorded_session(
    selector: str, path: str | Path, *, overrides: Mapping[str, Any] | None = None
) -> Iterator[Session]:
    """A session on ``selector`` whose whole exchange is saved to ``path`` when it ends
    (pass or fail). ``overrides`` are profile fields, as :func:`brokerlink.connect` takes them."""
    import brokerlink as bl
    from brokerlink.testing.journal import TranscriptLog
    from brokerlink.testing.tap import TapTransport

    fields = dict(overrides or {})
    profile = _resolve(selector, fields)
    if profile.is_live:
        raise ConfigError(
            f"recording refuses the live profile {profile.name!r}: a recording places real "
            "orders, so it is made against a sandbox, a simulator or an emulator only",
            key="environment",
            fix=f"record with '{profile.broker}:sandbox' (or another non-live profile)",
        )
    tap = TapTransport(TranscriptLog(profile.broker, _scrubber(profile)))
    engine = None
    with contextlib.ExitStack() as stack:
        if is_emulator(profile) and profile.base_url is None:
            from brokerlink.emulator.http import serve
            from brokerlink.emulator.serving import servable_emulator

            emulator = servable_emulator(
                profile.broker,
                seed=profile.emulator_seed,
                personality=profile.emulator_personality,
            )
            engine = emulator.engine
            server = stack.enter_context(serve(emulator.front))
            fields["base_url"] = emulator.api_root(server.url)
            broker = bl.connect(
                selector, auth=bl.StaticToken(CASSETTE_TOKEN), transport=tap, **fields
            )
        else:
            if not has_credentials(profile):
                raise ConfigError(
                    f"recording against {profile.name!r} needs its credentials",
                    key="access_token",
                    fix=credentials_hint(profile),
                )
            broker = bl.connect(selector, transport=tap, **fields)
        # Saved when the session ends, pass or fail (a served emulator stops after).
        stack.callback(tap.log.save, Path(path))
        with broker:
            yield Session(broker, engine)


@contextlib.contextmanager
def replayed_session(
    selector: str, path: str | Path, *, overrides: Mapping[str, Any] | None = None
) -> Iterator[Session]:
    """A sync broker replaying ``path`` in-process (no credentials, no network)."""
    import brokerlink as bl
    from brokerlink.emulator.http import EmulatorTransport
    from brokerlink.testing.transcripts import ReplayFront

    fields = dict(overrides or {})
    profile = _resolve(selector, fields)
    path = Path(path)
    if not path.is_file():
        raise ConfigError(
            f"there is no recorded session to replay at {path}",
            key="cassette",
            fix="record it first (the same command with --record instead of --replay)",
        )
    front = ReplayFront(
        path, scrubber=_scrubber(profile), keepalives=adapter_keepalives(profile.broker)
    )
    with bl.connect(
        selector,
        auth=bl.StaticToken(CASSETTE_TOKEN),
        transport=EmulatorTransport(front, front.engine),
        **fields,
    ) as broker:
        replay = Session(broker)
        yield replay
    replay.mismatches.extend(front.mismatches)
