"""The secret scanner fails on planted secrets and passes on the repository's recordings."""

from __future__ import annotations

from pathlib import Path

import pytest

from brokerlink.testing.scan import scan_paths, scan_text

REPO = Path(__file__).resolve().parents[2]

PLANTED = {
    "bearer token": "    authorization:\n    - Bearer abcdefghijklmnop12345\n",
    "JWT": "      string: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJl'\n",
    "unscrubbed refresh_token": '      string: \'{"refresh_token":"rt-123456789"}\'\n',
    "unscrubbed client_secret": "    body: grant_type=refresh_token&client_secret=s3cr3t&x=1\n",
    "real-looking account number": "    uri: https://sandbox.tradier.com/v1/accounts/VA12345678/orders\n",
}


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_a_planted_secret_fails_the_scan(tmp_path: Path, kind: str) -> None:
    cassette = tmp_path / "planted.yaml"
    cassette.write_text("interactions:\n- request:\n" + PLANTED[kind])
    findings = scan_paths([tmp_path], secrets=[])
    assert [f.kind for f in findings] == [kind]
    assert findings[0].line >= 3
    # The finding names the leak without repeating it.
    assert "12345678" not in str(findings[0])
    assert "s3cr3t" not in str(findings[0])


def test_the_value_of_a_credential_env_var_is_found(tmp_path: Path) -> None:
    (tmp_path / "t.stream.jsonl").write_text('{"t": 0.1, "frame": "hello my-live-secret"}\n')
    findings = scan_paths([tmp_path], secrets=["my-live-secret"])
    assert [f.kind for f in findings] == ["value of a credential env var"]


def test_scrubbed_values_and_ordinary_codes_pass() -> None:
    text = (
        '\'{"access_token":"REDACTED","code":"INVALID_SYMBOL","error":{"code":"not_permitted"}}\'\n'
        "grant_type=authorization_code&code=REDACTED\n"
        "Bearer REDACTED\n"
    )
    assert list(scan_text(text, "x.yaml")) == []


def test_long_error_codes_pass_but_an_opaque_code_of_that_length_does_not() -> None:
    errors = '{"error":{"code":"preflight_check_failure"}} {"code":"insufficient_funds"}\n'
    assert list(scan_text(errors, "x.jsonl")) == []
    leaked = list(scan_text('{"code":"aZ3kQ9xT2mP7wL4v"}\n', "x.jsonl"))
    assert [f.kind for f in leaked] == ["unscrubbed code"]


def test_the_repository_recordings_are_clean() -> None:
    recordings = [p for p in (REPO / "cassettes", REPO / "tests" / "fixtures") if p.exists()]
    assert (REPO / "cassettes").exists()
    findings = scan_paths([REPO / "cassettes"], secrets=None)
    assert findings == [], "\n".join(map(str, findings))
    assert recordings


def test_the_cli_gate_exits_1_on_a_leak(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from brokerlink.cli import app

    (tmp_path / "c.yaml").write_text("- Bearer abcdefghijklmnop12345\n")
    leaked = CliRunner().invoke(app, ["cassettes", "check", str(tmp_path)])
    assert leaked.exit_code == 1
    assert "bearer token" in leaked.output
    (tmp_path / "c.yaml").write_text("- Bearer REDACTED\n")
    clean = CliRunner().invoke(app, ["cassettes", "check", str(tmp_path)])
    assert clean.exit_code == 0, clean.output
