"""The scrubber: stable fakes for account numbers, secrets blanked, ports normalised."""

from __future__ import annotations

import orjson

from brokerlink.testing import RECORDING_ORIGIN, Scrubber, vcr_config


def test_the_same_account_always_gets_the_same_url_safe_fake() -> None:
    scrub = Scrubber.with_accounts(["123456782"])
    first = scrub.text(b"/v3/brokerage/accounts/123456782/orders")
    again = Scrubber.with_accounts(["123456782"]).text(b'{"AccountID":"123456782"}')
    fake = scrub.fake_account("123456782")
    assert first == f"/v3/brokerage/accounts/{fake}/orders".encode()
    assert again == f'{{"AccountID":"{fake}"}}'.encode()
    assert fake.isalnum()
    assert "123456782" not in fake


def test_broker_account_patterns_are_replaced_without_being_named() -> None:
    scrub = Scrubber()
    text = b"VA12345678 6YA12345 5WT00001 SIM1234567M"
    out = scrub.text(text).decode()
    for real in ("VA12345678", "6YA12345", "5WT00001", "SIM1234567M"):
        assert real not in out
        assert scrub.fake_account(real) in out


def test_token_bodies_and_form_secrets_are_blanked() -> None:
    scrub = Scrubber()
    body = orjson.dumps({"access_token": "eyJabc", "nested": [{"refresh_token": "r1"}], "n": 1})
    assert orjson.loads(scrub.body(body)) == {
        "access_token": "REDACTED",
        "nested": [{"refresh_token": "REDACTED"}],
        "n": 1,
    }
    form = b"grant_type=refresh_token&refresh_token=abc&client_secret=s3cret&client_id=me"
    assert scrub.body(form) == (
        b"grant_type=refresh_token&refresh_token=REDACTED&client_secret=REDACTED&client_id=me"
    )


def test_loopback_ports_are_normalised_so_recordings_do_not_depend_on_the_port() -> None:
    out = Scrubber().text(b"ws://127.0.0.1:53211/dxlink and http://localhost:8080/v1")
    assert out == f"ws://{RECORDING_ORIGIN}/dxlink and http://{RECORDING_ORIGIN}/v1".encode()


def test_recorded_responses_lose_authorization_cookies_and_wall_clock_headers() -> None:
    config = vcr_config(Scrubber())
    response = {
        "body": {"string": b'{"account":"VA12345678","access_token":"s3cr3tvalue"}'},
        "headers": {
            "Set-Cookie": ["s=1"],
            "Date": ["Sat, 21 Nov 2026 00:02:13 GMT"],
            "Content-Length": ["47"],
            "Content-Type": ["application/json"],
        },
    }
    saved = config["before_record_response"](response)
    assert set(saved["headers"]) == {"Content-Length", "Content-Type"}
    body = saved["body"]["string"]
    assert b"VA12345678" not in body
    assert b"s3cr3tvalue" not in body
    assert saved["headers"]["Content-Length"] == [str(len(body))]
