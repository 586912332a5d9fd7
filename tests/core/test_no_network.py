"""The suite itself must not reach the network: only loopback is allowed (pytest-recording)."""

from __future__ import annotations

import socket

import pytest


def test_a_connection_to_a_public_address_is_refused_by_the_test_harness(
    request: pytest.FixtureRequest,
) -> None:
    # Check the guard is on before trying anything, so this test can never send a packet out.
    assert request.config.getoption("--block-network"), (
        "run the suite with --block-network (see pyproject addopts)"
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(RuntimeError, match="Network is disabled"):
            sock.connect(
                ("192.0.2.1", 443)
            )  # TEST-NET-1: never routed, and blocked before any packet
    finally:
        sock.close()


def test_loopback_is_allowed() -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        client.connect(server.getsockname())
        accepted, _ = server.accept()
        accepted.close()
    finally:
        client.close()
        server.close()
