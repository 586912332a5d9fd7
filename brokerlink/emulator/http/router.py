"""Method + path-template routing for emulator fronts.

::

    router = Router(prefix="/v1", error=front.error_reply)
    router.add("GET", "/accounts/{account_id}/orders/{order_id}", get_order)
    reply = router.dispatch(request)        # get_order(request, account_id=..., order_id=...)

A template segment ``{name}`` matches one path segment (URL-decoded, never a ``/``); a template
ending in ``{name:path}`` matches the rest of the path, slashes included (symbols such as
``BTC/USD`` arrive that way when a client does not escape them). A path no route matches is a
404; a path that matches with another method is a 405 with an ``Allow`` header. Both are answered
in the front's own error shape, through the ``error`` callable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import attrs

from brokerlink._http import Request
from brokerlink.emulator.http.reply import Reply

__all__ = ["ErrorReply", "Handler", "Route", "Router", "query_param"]


Handler = Callable[..., Reply]
"""A route handler: called with the request and the path parameters by name, returns a reply."""


ErrorReply = Callable[[int, str], Reply]
"""How a front shapes an error body: ``(status, message) -> Reply``."""

_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(:path)?\}")


def _compile(template: str) -> re.Pattern[str]:
    pattern, position = "", 0
    for match in _PARAM.finditer(template):
        pattern += re.escape(template[position : match.start()])
        greedy = match.group(2) is not None
        if greedy and match.end() != len(template):
            raise ValueError(f"{template!r}: a {{name:path}} parameter must come last")
        pattern += f"(?P<{match.group(1)}>{'.+' if greedy else '[^/]+'})"
        position = match.end()
    pattern += re.escape(template[position:])
    return re.compile(pattern)


@attrs.frozen
class Route:
    """One method and path template, with its handler."""

    method: str
    template: str
    handler: Handler
    pattern: re.Pattern[str] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "pattern", _compile(self.template))

    def match(self, path: str) -> dict[str, str] | None:
        """The decoded path parameters when ``path`` fits the template, else ``None``."""
        found = self.pattern.fullmatch(path)
        if found is None:
            return None
        return {name: unquote(value) for name, value in found.groupdict().items()}


class Router:
    """Routes requests under ``prefix`` to handlers, answering 404/405 through ``error``."""

    def __init__(self, *, prefix: str = "", error: ErrorReply) -> None:
        self.prefix = prefix.rstrip("/")
        self._error = error
        self._routes: list[Route] = []

    @property
    def routes(self) -> tuple[Route, ...]:
        """The routes, in the order they are tried."""
        return tuple(self._routes)

    def add(self, method: str, template: str, handler: Handler) -> None:
        """Route ``method`` requests for ``prefix + template`` to ``handler``."""
        self._routes.append(Route(method.upper(), self.prefix + template, handler))

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        """Decorator form of :meth:`add`."""

        def register(handler: Handler) -> Handler:
            self.add(method, template, handler)
            return handler

        return register

    def dispatch(self, request: Request) -> Reply:
        """Call the handler for ``request``; a 404 or 405 reply when there is none."""
        # The raw (still escaped) path, so an escaped "/" inside a parameter stays one segment.
        path = request.url.raw_path.decode("ascii").partition("?")[0]
        allowed: list[str] = []
        for route in self._routes:
            params = route.match(path)
            if params is None:
                continue
            if route.method == request.method:
                return route.handler(request, **params)
            allowed.append(route.method)
        if allowed:
            reply = self._error(405, f"{request.method} is not allowed on {path}")
            return reply.with_headers({"Allow": ", ".join(sorted(set(allowed)))})
        return self._error(404, f"no such endpoint: {request.method} {path}")


def query_param(request: Request, name: str, default: str | None = None) -> str | None:
    """One query parameter of ``request`` (``default`` when absent or empty)."""
    value: Any = request.url.params.get(name)
    return default if value in (None, "") else str(value)
