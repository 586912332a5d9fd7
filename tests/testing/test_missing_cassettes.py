"""A deleted cassette fails its test with the command that records it (never a silent skip):
for the ``broker_cassette`` (REST, vcrpy) and ``stream_transcript`` fixtures, in a separate
pytest on a copy of a test module, with the network blocked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

TEST_FILE = """
import pytest
from itertools import islice

pytestmark = pytest.mark.brokerlink_adapter("tradier")


@pytest.mark.vcr
def test_rest(broker_cassette):
    assert broker_cassette.accounts()


def test_stream(stream_transcript):
    with stream_transcript.connect() as broker:
        assert list(islice(broker.stream_quotes(["SPY"]), 1))
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "test_recorded.py").write_text(TEST_FILE)
    return tmp_path


def _pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            *list(args),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deleted_cassettes_fail_with_the_record_command(project: Path) -> None:
    recorded = _pytest(project, "--record-mode=once")
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    cassettes = sorted(p.name for p in (project / "cassettes").rglob("*") if p.is_file())
    assert cassettes == ["test_rest.yaml", "test_stream.stream.jsonl"]
    replayed = _pytest(project, "--block-network", "--allowed-hosts=127.0.0.1,::1,localhost")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr

    for path in (project / "cassettes").rglob("*.*"):
        path.unlink()
    missing = _pytest(project, "--block-network", "--allowed-hosts=127.0.0.1,::1,localhost")
    assert missing.returncode == pytest.ExitCode.TESTS_FAILED
    assert "2 errors" in missing.stdout  # setup fails: neither test runs, neither is skipped
    assert "passed" not in missing.stdout
    assert "skipped" not in missing.stdout
    for test in ("test_rest", "test_stream"):
        assert f"uv run pytest 'test_recorded.py::{test}' --record-mode=once" in missing.stdout
