"""No secret in any log line, exception text or repr, across every OAuth path (DESIGN §6).

Logs are captured at DEBUG from every logger (httpx2's included) while a login, a refresh ahead
of expiry, a 401 refresh, a refused refresh, a state mismatch and a bad client secret run; then
every token the server issued, the client secret, the PKCE verifier and the code are looked for.
"""

from __future__ import annotations

import logging
import traceback
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from authkit import CLIENT_ID, CLIENT_SECRET, ENVIRONMENTS, HOST, Clock, front, spec_for

import brokerlink as bl
from brokerlink._http import Client
from brokerlink.emulator import TokenExpired
from brokerlink.emulator.http import EmulatorTransport
from brokerlink.oauth import AuthorizationCode, MemoryTokenStore, StoredLogin

ENV = ENVIRONMENTS["emulator"]


class KeepingStore(MemoryTokenStore):
    """Remembers every login saved, so the test knows every token that existed."""

    def __init__(self) -> None:
        super().__init__()
        self.saved: list[StoredLogin] = []

    def save(self, profile: str, login: StoredLogin) -> None:
        self.saved.append(login)
        super().save(profile, login)


def test_no_secret_reaches_logs_exceptions_or_reprs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    clock = Clock()
    fr = front(clock=clock)
    transport = EmulatorTransport(fr, fr.engine)
    store = KeepingStore()
    flow = AuthorizationCode(
        spec_for(ENV),
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri="http://localhost:3000",
        store=store,
        profile="ts",
        clock=clock,
    )
    texts: list[str] = []

    def keep(exc: BaseException) -> None:
        texts.extend([str(exc), repr(exc), "".join(traceback.format_exception(exc))])

    # A state mismatch first: a whole authorize round trip that is refused.
    with Client(transport=transport) as http:
        refused = http.get(flow.authorization_url()).headers["location"]
        with pytest.raises(bl.AuthError) as caught:
            flow.finish(refused.replace("state=", "state=0"), transport=transport)
        keep(caught.value)
        url = flow.authorization_url()
        location = http.get(url).headers["location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    verifier = flow._verifier
    flow.finish(location, transport=transport)

    with Client(transport=transport, auth=flow) as http:
        http.get(f"{HOST}/api/accounts")  # a plain call
        clock.advance(timedelta(minutes=21))
        http.get(f"{HOST}/api/accounts")  # refreshed ahead of expiry
        fr.engine.faults.add(TokenExpired(), match="/api/accounts")
        http.get(f"{HOST}/api/accounts")  # refreshed after a 401
        fr.oauth._refresh.clear()  # every refresh token revoked behind the client's back
        clock.advance(timedelta(minutes=21))
        with pytest.raises(bl.UnauthorizedError) as failed:
            http.get(f"{HOST}/api/accounts")
        keep(failed.value)

    wrong = AuthorizationCode(
        spec_for(ENV),
        client_id=CLIENT_ID,
        client_secret="wrong-secret-4242",
        redirect_uri="http://localhost:3000",
    )
    with Client(transport=transport) as http:
        bad_location = http.get(wrong.authorization_url()).headers["location"]
    with pytest.raises(bl.UnauthorizedError) as bad:
        wrong.finish(bad_location, transport=transport)
    keep(bad.value)

    texts += [repr(flow), repr(flow.tokens), repr(flow.client), repr(store), repr(fr.oauth)]
    texts += [repr(login) for login in store.saved]
    texts += [record.getMessage() for record in caplog.records]
    texts += [caplog.text]
    secrets = {CLIENT_SECRET, "wrong-secret-4242", code, verifier or "no-verifier"}
    for login in store.saved:
        secrets.update(
            value
            for value in (
                login.tokens.access_token,
                login.tokens.refresh_token,
                login.tokens.id_token,
            )
            if value
        )
    assert len(store.saved) == 3  # the login and two refreshes: real tokens are being checked
    assert caplog.records  # httpx2 and brokerlink did log
    leaks = sorted({secret for secret in secrets for text in texts if secret in text})
    assert leaks == []
