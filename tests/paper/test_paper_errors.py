"""The paper error table: exact codes first, then broad status fallbacks, 200-with-error bodies."""

from __future__ import annotations

import orjson
import pytest

from brokerlink import errors
from brokerlink._http import Request, Response
from brokerlink.emulator import Engine
from brokerlink.paper.emulator import PaperFront
from brokerlink.paper.errors import CODE_TO_ERROR, error_from_paper

ORDERS_URL = "http://paper.emulator/v1/accounts/EMU00001/orders/1001"
QUOTES_URL = "http://paper.emulator/v1/quotes?symbols=ZZZ"


def response(
    status: int,
    body: object = None,
    *,
    url: str = ORDERS_URL,
    headers: dict[str, str] | None = None,
) -> Response:
    content = b"" if body is None else body if isinstance(body, bytes) else orjson.dumps(body)
    kind = (
        {"Content-Type": "application/json"}
        if body is not None and not isinstance(body, bytes)
        else {}
    )
    return Response(
        status, headers={**kind, **(headers or {})}, content=content, request=Request("GET", url)
    )


def error_body(code: str, message: str = "went wrong") -> dict[str, object]:
    return {"error": {"code": code, "message": message}}


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("invalid_order", errors.InvalidOrderError),
        ("bad_request", errors.InvalidOrderError),
        ("insufficient_funds", errors.InsufficientFundsError),
        ("order_not_found", errors.OrderNotFoundError),
        ("symbol_not_found", errors.SymbolNotFoundError),
        ("not_supported", errors.NotSupportedError),
        ("account_not_found", errors.RejectedError),
        ("order_not_open", errors.RejectedError),
        ("order_final", errors.RejectedError),
        ("rejected", errors.RejectedError),
        ("unauthorized", errors.UnauthorizedError),
        ("forbidden", errors.AuthError),
        ("rate_limited", errors.RateLimitedError),
        ("unavailable", errors.BrokerUnavailableError),
    ],
)
def test_exact_codes(code: str, kind: type[errors.BrokerError]) -> None:
    # The status deliberately disagrees: the exact code decides.
    found = error_from_paper(response(400, error_body(code, "exact message")))
    assert type(found) is kind
    assert found.code == code
    assert found.broker == "paper"
    assert "exact message" in str(found)


def test_every_code_in_the_table_is_tested() -> None:
    assert len(CODE_TO_ERROR) == 14


@pytest.mark.parametrize(
    ("status", "url", "kind"),
    [
        (401, ORDERS_URL, errors.UnauthorizedError),
        (403, ORDERS_URL, errors.AuthError),
        (404, ORDERS_URL, errors.OrderNotFoundError),
        (404, QUOTES_URL, errors.SymbolNotFoundError),
        (400, ORDERS_URL, errors.InvalidOrderError),
        (422, ORDERS_URL, errors.InvalidOrderError),
        (429, ORDERS_URL, errors.RateLimitedError),
        (500, ORDERS_URL, errors.BrokerUnavailableError),
        (502, ORDERS_URL, errors.BrokerUnavailableError),
        (503, ORDERS_URL, errors.BrokerUnavailableError),
        (409, ORDERS_URL, errors.RejectedError),
    ],
)
def test_broad_status_fallbacks(status: int, url: str, kind: type[errors.BrokerError]) -> None:
    for body in (error_body("something_new"), b"<html>oops</html>", None):
        found = error_from_paper(response(status, body, url=url))
        assert type(found) is kind, (status, body)


def test_retry_after_is_read_from_the_header() -> None:
    exact = error_from_paper(
        response(429, error_body("rate_limited"), headers={"Retry-After": "2"})
    )
    broad = error_from_paper(response(429, b"slow down", headers={"Retry-After": "0.5"}))
    unavailable = error_from_paper(response(503, None, headers={"Retry-After": "3"}))
    assert isinstance(exact, errors.RateLimitedError)
    assert exact.retry_after == 2.0
    assert isinstance(broad, errors.RateLimitedError)
    assert broad.retry_after == 0.5
    assert isinstance(unavailable, errors.BrokerUnavailableError)
    assert unavailable.retry_after == 3.0


def test_a_200_with_an_error_body_is_an_error() -> None:
    assert isinstance(
        error_from_paper(response(200, error_body("insufficient_funds"))),
        errors.InsufficientFundsError,
    )
    assert type(error_from_paper(response(200, error_body("brand_new")))) is errors.RejectedError
    assert type(error_from_paper(response(200, {"error": "plain text"}))) is errors.RejectedError


def test_good_answers_are_not_errors() -> None:
    assert error_from_paper(response(200, {"orders": []})) is None
    assert error_from_paper(response(201, {"id": "1", "note": "error free"})) is None
    assert error_from_paper(response(204)) is None


def test_error_messages_never_show_account_numbers() -> None:
    found = error_from_paper(response(418, b"account SIM1234567M refused"))
    assert found is not None
    assert "1234567" not in str(found)


@pytest.mark.parametrize(
    "raised",
    [
        errors.InvalidOrderError("bad tick", field="limit_price"),
        errors.InsufficientFundsError("no cash"),
        errors.OrderNotFoundError("no order"),
        errors.SymbolNotFoundError("no symbol"),
        errors.NotSupportedError("no"),
        errors.UnauthorizedError("expired"),
        errors.RejectedError("order 7 is filled and cannot be replaced", code="order_not_open"),
        errors.RateLimitedError("slow", retry_after=1.0),
        errors.BrokerUnavailableError("down"),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_the_front_and_the_table_agree(raised: errors.BrokerError) -> None:
    """Whatever the engine raises comes back to the client as the same kind of error."""
    reply = PaperFront(Engine()).map_error(raised)
    assert isinstance(reply.body, bytes)
    answer = Response(
        reply.status, headers=reply.headers, content=reply.body, request=Request("GET", ORDERS_URL)
    )
    found = error_from_paper(answer)
    assert type(found) is type(raised)
    assert raised.message in str(found)
