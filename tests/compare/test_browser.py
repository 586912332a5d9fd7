"""The report of the real ``compare`` command renders in headless Chromium, without errors.

Playwright drives the system Chromium (``/usr/bin/chromium``; ``playwright install`` is never
run). The browser missing is a failure, not a skip: CI (``.ci/run``) installs it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import ConsoleMessage, Error, Request, sync_playwright
from typer.testing import CliRunner

from brokerlink.cli import app

CHROMIUM = Path("/usr/bin/chromium")
PROFILES = ("tradestation:emulator", "tradier:emulator", "tastytrade:emulator")
# A few scenarios that cover fills, cancels, several orders, refusals and unsupported ones; the
# whole kit takes too long on the sandbox personality's paced emulators for a unit test.
SCENARIOS = ("CMP-001", "CMP-002", "CMP-004", "CMP-005", "CMP-009")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The HTML report of :data:`SCENARIOS` on the three emulators, written by the CLI."""
    for name in ("BROKERLINK_PROFILE", "BROKERLINK_CONFIG", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app,
        [
            "compare", "--profiles", ",".join(PROFILES), "--scenarios", ",".join(SCENARIOS),
            "--html", "report.html",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return tmp_path / "report.html"


def test_report_renders_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"{CHROMIUM} is missing: run `apt-get install -y chromium` (as root)")
    problems: list[str] = []
    fetched: list[str] = []
    shot = tmp_path / "report.png"

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def on_page_error(error: Error) -> None:
        problems.append(f"page error: {error}")

    def on_request(request: Request) -> None:
        if not request.url.startswith(("file:", "data:", "about:")):
            fetched.append(request.url)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", on_console)
            page.on("pageerror", on_page_error)
            page.on("request", on_request)
            page.goto(report.as_uri(), wait_until="load")
            text = page.inner_text("body")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()

    assert problems == []
    assert fetched == []  # self-contained: nothing but the file itself is loaded
    assert scroll_width <= 1280  # the tables fit the window
    for name in (*PROFILES, *SCENARIOS):
        assert name in text
    with Image.open(shot) as image:
        rgb = image.convert("RGB")
        assert rgb.width == 1280
        assert rgb.height > 1500  # the whole page, not only the first screen
        colours = rgb.getcolors(maxcolors=1 << 20)
        assert colours is not None
        assert len(colours) > 200  # text, badges, charts: not a blank or single-colour page
        commonest = max(count for count, _ in colours)
        assert commonest < 0.95 * rgb.width * rgb.height
