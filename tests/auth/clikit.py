"""``brokerlink login`` driven as a user would, for the per-broker CLI login tests: the command
runs in a thread (``--no-browser``), the test reads the authorization URL it prints and follows
it like a browser, and gets back that URL and everything the command printed."""

from __future__ import annotations

import re
import threading
import time
import urllib.request

import pytest

from brokerlink.cli import app
from brokerlink.cli.options import Settings

__all__ = ["login_by_url", "run_cli"]


def run_cli(args: list[str], failures: list[BaseException]) -> None:
    """``brokerlink <args>``; whatever it raises is appended to ``failures``."""
    try:
        app(args, prog_name="brokerlink", standalone_mode=False, obj=Settings())
    except BaseException as exc:
        failures.append(exc)


def _printed_url(capsys: pytest.CaptureFixture[str], seen: list[str], authorize: str) -> str:
    pattern = re.compile(rf"^(http://\S+{re.escape(authorize)}\?\S+)$", re.MULTILINE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        seen.append(capsys.readouterr().out)
        found = pattern.search("".join(seen))
        if found:
            return found.group(1)
        time.sleep(0.02)
    raise AssertionError(f"no login URL was printed: {''.join(seen)!r}")


def login_by_url(
    capsys: pytest.CaptureFixture[str], profile: str, authorize: str
) -> tuple[str, str]:
    """Run ``login <profile> --no-browser``, follow the printed URL (whose path ends in
    ``authorize``) to the callback page, and return the URL and the command's whole output;
    the command must have finished without an error."""
    failures: list[BaseException] = []
    command = threading.Thread(
        target=run_cli, args=(["login", profile, "--no-browser", "--timeout", "20"], failures)
    )
    command.start()
    seen: list[str] = []
    url = _printed_url(capsys, seen, authorize)
    with urllib.request.urlopen(url, timeout=10) as page:  # the "browser"
        assert b"close this tab" in page.read()
    command.join(20)
    assert not command.is_alive()
    assert failures == []
    return url, "".join(seen) + capsys.readouterr().out
