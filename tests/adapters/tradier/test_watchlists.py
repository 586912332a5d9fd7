"""Watchlists: the ``tradier`` extension and ``brokerlink watchlist ...`` against a scripted Tradier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from tradier_support import Broker
from typer.testing import CliRunner, Result

import brokerlink as bl
from brokerlink import _http
from brokerlink.cli import app, watchlist_cmd


class Watchlists:
    """A tiny in-memory Tradier watchlist service (shapes from NOTES §4.5, one item -> object)."""

    def __init__(self) -> None:
        self.lists: dict[str, dict[str, Any]] = {"default": {"name": "default", "symbols": []}}

    def body(self, wid: str) -> dict[str, Any]:
        found = self.lists[wid]
        items = [{"symbol": s, "id": s.lower()} for s in found["symbols"]]
        inner: object = "null" if not items else items[0] if len(items) == 1 else items
        return {
            "watchlist": {
                "id": wid,
                "name": found["name"],
                "items": {"item": inner} if items else inner,
            }
        }

    def summary(self) -> dict[str, Any]:
        rows = [{"id": k, "name": v["name"]} for k, v in self.lists.items()]
        return {
            "watchlists": {"watchlist": rows[0] if len(rows) == 1 else rows} if rows else "null"
        }

    def handle(self, request: _http.Request) -> object:
        from urllib.parse import parse_qs

        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        parts = request.url.path.removeprefix("/v1/watchlists").strip("/").split("/")
        wid = parts[0] if parts[0] else None
        if request.method == "GET":
            return self.body(wid) if wid else self.summary()
        if request.method == "POST" and wid is None:
            new = form["name"].lower().replace(" ", "-")
            self.lists[new] = {"name": form["name"], "symbols": form["symbols"].split(",")}
            return self.body(new)
        assert wid is not None
        if request.method == "PUT":
            self.lists[wid]["name"] = form["name"]
            if "symbols" in form:
                self.lists[wid]["symbols"] = form["symbols"].split(",")
            return self.body(wid)
        if request.method == "DELETE" and len(parts) == 1:
            del self.lists[wid]
            return self.summary()
        if request.method == "POST":
            for symbol in form["symbols"].split(","):
                if symbol not in self.lists[wid]["symbols"]:
                    self.lists[wid]["symbols"].append(symbol)
            return self.body(wid)
        self.lists[wid]["symbols"].remove(parts[2])
        return self.body(wid)


def _scripted() -> tuple[Broker, Watchlists]:
    service = Watchlists()
    routes: dict[str, object] = {}
    scripted = Broker(routes)

    def handle(request: _http.Request) -> _http.Response:
        scripted.requests.append(request)
        return _http.Response(200, content=orjson.dumps(service.handle(request)))

    scripted.transport = _http.MockTransport(handle)
    return scripted, service


def test_the_extension_covers_the_whole_watchlist_life(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted, _ = _scripted()
    tradier = scripted.connect(monkeypatch=monkeypatch).extension("tradier")
    created = tradier.create_watchlist("My Watchlist", ["AAPL", "IBM"])
    assert (created.id, created.symbols) == ("my-watchlist", ("AAPL", "IBM"))
    assert tradier.add_symbols("my-watchlist", "NFLX").symbols == ("AAPL", "IBM", "NFLX")
    assert tradier.remove_symbol("my-watchlist", "IBM").symbols == ("AAPL", "NFLX")
    renamed = tradier.update_watchlist("my-watchlist", name="Mine", symbols=["SPY"])
    assert (renamed.name, renamed.symbols) == ("Mine", ("SPY",))  # one item came as an object
    assert [w.id for w in tradier.watchlists()] == ["default", "my-watchlist"]
    assert tradier.watchlist("default").symbols == ()  # items "null"
    assert [w.id for w in tradier.delete_watchlist("my-watchlist")] == ["default"]
    methods = [(r.method, r.url.path) for r in scripted.requests]
    assert ("DELETE", "/v1/watchlists/my-watchlist/symbols/IBM") in methods


async def test_the_extension_awaits_on_the_async_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    scripted, _ = _scripted()
    monkeypatch.setenv("BROKERLINK_TRADIER_SANDBOX_ACCESS_TOKEN", "test-token")
    async with bl.connect_async("tradier:sandbox", transport=scripted.transport) as broker:
        found = await broker.extension("tradier").watchlists()
    assert [w.id for w in found] == ["default"]


def test_the_cli_manages_watchlists(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BROKERLINK_PROFILE", raising=False)
    scripted, service = _scripted()
    monkeypatch.setattr(
        watchlist_cmd, "open_broker", lambda ctx, profile: scripted.connect(monkeypatch=monkeypatch)
    )
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, ["watchlist", *args, "-p", "tradier:sandbox"])

    assert run("create", "Tech", "AAPL", "MSFT").exit_code == 0
    assert service.lists["tech"]["symbols"] == ["AAPL", "MSFT"]
    assert run("add", "tech", "NVDA").exit_code == 0
    assert run("remove", "tech", "AAPL").exit_code == 0
    shown = run("show", "tech", "--json")
    assert orjson.loads(shown.stdout)["symbols"] == ["MSFT", "NVDA"]
    assert run("update", "tech", "--name", "Chips", "-s", "NVDA").exit_code == 0
    listed = run("list")
    assert "Chips" in listed.stdout
    assert "default" in listed.stdout
    assert run("delete", "tech").exit_code == 0
    assert list(service.lists) == ["default"]


def test_the_cli_refuses_brokers_without_watchlists(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["watchlist", "list", "-p", "paper:emulator"])
    assert result.exit_code == 1
    assert "has no watchlists" in result.stderr
