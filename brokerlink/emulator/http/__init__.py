"""The HTTP machinery every broker's emulator front uses (DESIGN §9).

- :class:`Reply`: a front's answer (bytes, or a stream of frames);
- :class:`Router`: method + path-template routing with 404/405 in the front's error shape;
- :class:`Front`: the base of a broker's wire front over the engine, with its error mapping;
- :class:`EmulatorTransport`: the in-process httpx2 transport (sync and async) applying the
  engine's fault plan;
- :func:`serve`: the same front over real HTTP on loopback, for ``brokerlink emulate``;
- :class:`EmulatorSocket`, :data:`WebSocketHandler`: what a front's websocket handlers talk to.
"""

from brokerlink.emulator.http.front import BadRequest, Front, json_body, status_for
from brokerlink.emulator.http.reply import NDJSON, Reply
from brokerlink.emulator.http.router import Route, Router, query_param
from brokerlink.emulator.http.server import ServerHandle, asgi_app, serve
from brokerlink.emulator.http.sockets import EmulatorSocket, SocketClosed, WebSocketHandler
from brokerlink.emulator.http.transport import (
    ConnectionDropped,
    EmulatorTransport,
    FaultAction,
    fault_action,
    faulted_frames,
    take_stream_fault,
)

__all__ = [
    "NDJSON",
    "BadRequest",
    "ConnectionDropped",
    "EmulatorSocket",
    "EmulatorTransport",
    "FaultAction",
    "Front",
    "Reply",
    "Route",
    "Router",
    "ServerHandle",
    "SocketClosed",
    "WebSocketHandler",
    "asgi_app",
    "fault_action",
    "faulted_frames",
    "json_body",
    "query_param",
    "serve",
    "status_for",
    "take_stream_fault",
]
