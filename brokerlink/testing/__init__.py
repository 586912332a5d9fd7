"""Testing kit for brokerlink users and for brokerlink itself.

- :mod:`brokerlink.testing.scrub`: the scrubber every cassette passes through before it is written;
- :mod:`brokerlink.testing.cassettes`: vcrpy settings (matching, scrubbing, decoded bodies);
- :mod:`brokerlink.testing.recording`: record against an emulator served on a port, replay offline;
- :mod:`brokerlink.testing.tap`: the client-side recording tap (any API root, streams and
  websockets included), writing the transcripts :mod:`brokerlink.testing.transcripts` replays;
- :mod:`brokerlink.testing.profiles`: cassettes recorded against a profile (``--brokerlink-record``);
- :mod:`brokerlink.testing.plugin`: the pytest plugin (``broker``, ``broker_cassette`` and
  ``stream_transcript`` fixtures, ``vcr_config``).

Nothing here is imported by ``import brokerlink``; pytest and vcrpy are needed only by the plugin
(``pip install brokerlink[testing]``).
"""

from brokerlink.testing.cassettes import MATCH_ON, missing_cassette_message, vcr_config
from brokerlink.testing.recording import (
    CASSETTE_TOKEN,
    cassette_path,
    emulator_api_root,
    replay_broker,
)
from brokerlink.testing.scrub import ACCOUNT_PATTERNS, RECORDING_ORIGIN, SECRET_KEYS, Scrubber

__all__ = [
    "ACCOUNT_PATTERNS",
    "CASSETTE_TOKEN",
    "MATCH_ON",
    "RECORDING_ORIGIN",
    "SECRET_KEYS",
    "Scrubber",
    "cassette_path",
    "emulator_api_root",
    "missing_cassette_message",
    "replay_broker",
    "vcr_config",
]
