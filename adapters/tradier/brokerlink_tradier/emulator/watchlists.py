"""Tradier's watchlists (DOC watchlists/*, the documented curl requests).

================================================= ==========================================
``GET    /watchlists``                            ``watchlists.watchlist[{name, id,
                                                  public_id}]``
``GET    /watchlists/{id}``                       ``watchlist{name, id, public_id,
                                                  items.item[{symbol, id}]}``
``POST   /watchlists``                            form ``name`` (required), ``symbols``
``PUT    /watchlists/{id}``                       form ``name`` (required), ``symbols``
                                                  (replaces the list when sent)
``DELETE /watchlists/{id}``                       the remaining ``watchlists``
``POST   /watchlists/{id}/symbols``               form ``symbols``: added (existing ones
                                                  are overwritten, so never doubled)
``DELETE /watchlists/{id}/symbols/{symbol}``      the watchlist without ``symbol``
================================================= ==========================================

Ids are slugs of the name (``My Watchlist`` -> ``my-watchlist``); every user starts with a
``default`` watchlist. An empty watchlist's ``items`` is the string ``"null"``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import attrs

from brokerlink._http import Request
from brokerlink.emulator.http import Reply

from .forms import Params
from .wire import TradierError, collection, json_reply

if TYPE_CHECKING:
    from .front import TradierFront

__all__ = ["ROUTES", "Watchlist", "Watchlists"]

_SLUG = re.compile(r"[^a-z0-9]+")


@attrs.define
class Watchlist:
    """One watchlist: its slug id, name, public id and symbols in order."""

    id: str
    name: str
    public_id: str
    symbols: list[str] = attrs.field(factory=list)

    def to_wire(self) -> dict[str, Any]:
        """The ``watchlist`` object, items included."""
        items = [{"symbol": s, "id": s.lower()} for s in self.symbols]
        body = self.summary()
        body["items"] = {"item": collection(items)} if items else "null"
        return body

    def summary(self) -> dict[str, Any]:
        """The entry in the ``watchlists`` list."""
        return {"name": self.name, "id": self.id, "public_id": self.public_id}


class Watchlists:
    """The user's watchlists (per front: each emulator starts with ``default`` only)."""

    def __init__(self) -> None:
        self.lists: dict[str, Watchlist] = {}
        self._count = 0
        self.create("default", [])

    def create(self, name: str, symbols: list[str]) -> Watchlist:
        """A new watchlist with a unique slug id."""
        base = _SLUG.sub("-", name.lower()).strip("-") or "watchlist"
        slug, n = base, 1
        while slug in self.lists:
            n += 1
            slug = f"{base}-{n}"
        self._count += 1
        made = Watchlist(slug, name, f"public-{self._count:08d}", _merge([], symbols))
        self.lists[slug] = made
        return made

    def get(self, watchlist_id: str) -> Watchlist:
        """The watchlist ``watchlist_id``; a Tradier 404 error when there is none."""
        found = self.lists.get(watchlist_id)
        if found is None:
            raise TradierError(f"Watchlist {watchlist_id} not found", status=404)
        return found

    def listing(self) -> Reply:
        """``{"watchlists": {"watchlist": ...}}``."""
        rows = [w.summary() for w in self.lists.values()]
        body = {"watchlist": collection(rows)} if rows else "null"
        return json_reply(200, {"watchlists": body})


def _merge(current: list[str], added: list[str]) -> list[str]:
    merged = list(current)
    for symbol in added:
        if symbol not in merged:
            merged.append(symbol)
    return merged


def _list(front: TradierFront, request: Request) -> Reply:
    return front.watchlists.listing()


def _get(front: TradierFront, request: Request, watchlist_id: str) -> Reply:
    return json_reply(200, {"watchlist": front.watchlists.get(watchlist_id).to_wire()})


def _create(front: TradierFront, request: Request) -> Reply:
    params = Params(request)
    made = front.watchlists.create(params.required("name"), params.symbols())
    return json_reply(200, {"watchlist": made.to_wire()})


def _update(front: TradierFront, request: Request, watchlist_id: str) -> Reply:
    params = Params(request)
    found = front.watchlists.get(watchlist_id)
    found.name = params.required("name")
    if params.has("symbols"):
        found.symbols = _merge([], params.symbols())
    return json_reply(200, {"watchlist": found.to_wire()})


def _delete(front: TradierFront, request: Request, watchlist_id: str) -> Reply:
    front.watchlists.get(watchlist_id)
    del front.watchlists.lists[watchlist_id]
    return front.watchlists.listing()


def _add(front: TradierFront, request: Request, watchlist_id: str) -> Reply:
    params = Params(request)
    found = front.watchlists.get(watchlist_id)
    found.symbols = _merge(found.symbols, params.symbols())
    return json_reply(200, {"watchlist": found.to_wire()})


def _remove(front: TradierFront, request: Request, watchlist_id: str, symbol: str) -> Reply:
    found = front.watchlists.get(watchlist_id)
    found.symbols = [s for s in found.symbols if s != symbol.upper()]
    return json_reply(200, {"watchlist": found.to_wire()})


ROUTES = (
    ("GET", "/watchlists", _list),
    ("POST", "/watchlists", _create),
    ("GET", "/watchlists/{watchlist_id}", _get),
    ("PUT", "/watchlists/{watchlist_id}", _update),
    ("DELETE", "/watchlists/{watchlist_id}", _delete),
    ("POST", "/watchlists/{watchlist_id}/symbols", _add),
    ("DELETE", "/watchlists/{watchlist_id}/symbols/{symbol}", _remove),
)
"""(method, path, handler) of this module, registered by the front."""
