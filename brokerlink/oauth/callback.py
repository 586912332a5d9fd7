"""The one-shot callback server ``brokerlink login`` listens with on the redirect URI.

It binds the redirect URI's port on loopback *before* the authorize URL is shown (so a port in
use fails at once, with :class:`~brokerlink.oauth.CallbackPortError`), accepts exactly one
request on the redirect path that carries ``code`` or ``error`` (a browser's favicon request is
answered 404 and ignored), answers the browser with a short page, and hands back the full
callback URL. Only ``http`` redirect URIs on ``localhost`` / loopback addresses can be served.
"""

from __future__ import annotations

import ipaddress
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from brokerlink.errors import ConfigError
from brokerlink.oauth.errors import CallbackPortError, LoginTimeoutError

__all__ = ["CallbackServer"]

_PAGE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>brokerlink</title></head>"
    b"<body><p>brokerlink received the broker's answer. You can close this tab and return to "
    b"the terminal.</p></body></html>"
)


def _loopback_host(host: str) -> str:
    if host == "localhost":
        return "127.0.0.1"
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise ConfigError(
        f"the redirect URI's host {host!r} is not this machine, so the login cannot receive the "
        "callback",
        key="redirect_uri",
        fix="register and use a loopback redirect URI such as http://localhost:3000",
    )


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        if (parts.path or "/") != self.server.expected_path or not (
            "code" in query or "error" in query
        ):
            self.send_error(404)
            return
        self.server.callback = self.server.base + self.path
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(_PAGE)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(_PAGE)

    def log_message(self, format: str, *args: Any) -> None:
        # The default writes every request line (with the code in it) to stderr: say nothing.
        return


class _Server(HTTPServer):
    callback: str | None = None
    expected_path = "/"
    base = ""


class CallbackServer:
    """Listens on ``redirect_uri`` for the one callback of a login (use it as a context manager)."""

    def __init__(self, redirect_uri: str) -> None:
        parts = urlsplit(redirect_uri)
        if parts.scheme != "http" or parts.hostname is None:
            raise ConfigError(
                f"cannot listen on {redirect_uri}: the login callback server speaks plain http "
                "on this machine",
                key="redirect_uri",
                fix="use a redirect URI such as http://localhost:3000 (and register it with the broker)",
            )
        host = _loopback_host(parts.hostname)
        port = parts.port or 80
        try:
            self._server = _Server((host, port), _Handler)
        except OSError as exc:
            raise CallbackPortError(
                f"cannot listen on {host}:{port} for the login callback ({exc.strerror or exc})",
                key="redirect_uri",
                fix=f"stop whatever uses port {port}, or register another redirect URI with the "
                "broker and set the profile's redirect_uri to it",
            ) from None
        self._server.expected_path = parts.path or "/"
        self._server.base = f"{parts.scheme}://{parts.netloc}"
        self._server.timeout = 0.2
        self.redirect_uri = redirect_uri

    def wait(self, timeout: float) -> str:
        """Serve until the callback arrives (its full URL) or ``timeout`` seconds pass."""
        deadline = time.monotonic() + timeout
        while self._server.callback is None:
            if time.monotonic() > deadline:
                raise LoginTimeoutError(
                    f"no answer reached {self.redirect_uri} within {timeout:g} seconds. If the "
                    "broker's page reported a problem with the redirect URI, register "
                    f"{self.redirect_uri} for the app (or set the profile's redirect_uri); "
                    "otherwise run the login again"
                )
            self._server.handle_request()
        return self._server.callback

    def close(self) -> None:
        """Stop listening."""
        self._server.server_close()

    def __enter__(self) -> CallbackServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
