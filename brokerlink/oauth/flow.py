"""The OAuth auth flow both drivers run: attach, refresh ahead of expiry, refresh once on a 401.

:class:`OAuthStrategy` is an ``httpx2.Auth``. Its logic is one plain generator (``_core``) that
yields the requests to send plus two markers, *acquire* and *release*, around a refresh. The sync
flow (threads) and the async flow (tasks) only differ in how they honour the markers:

- sync: a ``threading.Lock``;
- async: an ``asyncio.Lock`` per event loop (tasks queue without blocking the loop), then the
  same ``threading.Lock`` (taken without blocking; contended only when a thread of a sync
  ``Broker`` refreshes at the very same moment), so one strategy shared by threads and tasks
  still refreshes once.

Single flight: every caller remembers the :class:`TokenSet` it saw as stale (or that got a 401).
Inside the lock, a caller whose snapshot was already replaced uses the new tokens and sends no
token request, so 100 concurrent calls at expiry make exactly one. A refreshed set is saved to
the token store (a rotated refresh token included) *before* it is published to other callers.

A 401 triggers at most one refresh and one resend; a second 401 is returned as it is, and the
adapter's error table turns it into :class:`~brokerlink.errors.UnauthorizedError`. A refused
refresh raises ``UnauthorizedError`` from the flow itself (there is no response to return).
"""

from __future__ import annotations

import asyncio
import enum
import logging
import threading
import weakref
from collections.abc import AsyncGenerator, Callable, Generator
from datetime import UTC, datetime

import attrs

from brokerlink import errors
from brokerlink._http import AsyncClient, Client, Request, Response
from brokerlink.auth import AuthStrategy
from brokerlink.oauth.requests import refresh_request
from brokerlink.oauth.spec import OAuthSpec
from brokerlink.oauth.store import StoredLogin, TokenStore
from brokerlink.oauth.tokens import ClientCredentials, TokenSet, tokens_from_response

__all__ = ["Clock", "OAuthStrategy", "RefreshToken", "utc_now"]

log = logging.getLogger("brokerlink.oauth")

Clock = Callable[[], datetime]
"""Returns the current aware UTC time (tests pass a controllable one)."""


def utc_now() -> datetime:
    """The wall clock, aware UTC."""
    return datetime.now(UTC)


class _Marker(enum.Enum):
    ACQUIRE = "acquire"
    RELEASE = "release"


@attrs.frozen
class TokenCall:
    """A token-endpoint request: the driver reads its body before handing it back."""

    request: Request


FlowStep = Request | TokenCall | _Marker
"""What the shared flow generator yields: a request to send, a token call, or a lock marker."""
FlowCore = Generator[FlowStep, Response | None, None]
"""The shared flow generator both drivers run."""

_POLL_SECONDS = 0.005
# Stands in for an API request when only the token is wanted; it is never sent.
_PROBE_URL = "https://token-probe.brokerlink.invalid/"


class OAuthStrategy(AuthStrategy):
    """Bearer tokens from an OAuth server, refreshed single-flight (see the module docstring).

    ``store`` and ``profile`` (both or neither) make refreshed tokens durable under that profile
    name; ``broker`` names the adapter in errors; ``clock`` is for tests.
    """

    def __init__(
        self,
        spec: OAuthSpec,
        client: ClientCredentials,
        *,
        tokens: TokenSet | None = None,
        store: TokenStore | None = None,
        profile: str | None = None,
        broker: str | None = None,
        clock: Clock = utc_now,
    ) -> None:
        if (store is None) != (profile is None):
            raise ValueError("pass both store and profile, or neither")
        self.spec = spec
        self.client = client
        self.broker = broker
        self._store = store
        self._profile = profile
        self._clock = clock
        self._tokens = tokens or TokenSet()
        self._thread_lock = threading.Lock()
        self._guard = threading.Lock()
        self._loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    # -- state ------------------------------------------------------------------------------------
    @property
    def tokens(self) -> TokenSet:
        """The current tokens (their repr shows no secret)."""
        return self._tokens

    @property
    def granted_scopes(self) -> frozenset[str] | None:
        """The broker scopes the current token carries (``None``: the broker did not say)."""
        return self._tokens.scopes

    def require_scope(self, neutral: str) -> None:
        """Raise :class:`~brokerlink.errors.ScopeError` naming the broker scope that the token
        lacks for the neutral scope ``neutral`` (nothing when the granted scopes are unknown)."""
        granted = self._tokens.scopes
        if granted is None:
            return
        for needed in self.spec.broker_scopes(neutral):
            if needed not in granted:
                raise errors.ScopeError(
                    f"this call needs the {neutral!r} permission, and the token lacks the "
                    f"{needed!r} scope; log in again asking for it (profile scopes)",
                    scope=needed,
                    broker=self.broker,
                )

    def _publish(self, tokens: TokenSet) -> None:
        """Persist, then expose: nobody uses new tokens before a rotated refresh token is saved."""
        if self._store is not None and self._profile is not None:
            self._store.save(self._profile, StoredLogin(tokens=tokens, client=self.client))
        self._tokens = tokens

    # -- the one generator both flows run -----------------------------------------------------------
    def _attach(self, request: Request, tokens: TokenSet) -> None:
        if tokens.access_token is not None:
            scheme = "Bearer" if tokens.token_type.lower() == "bearer" else tokens.token_type
            request.headers["Authorization"] = f"{scheme} {tokens.access_token}"

    def _core(self, request: Request) -> FlowCore:
        used = self._tokens
        if not used.is_fresh(self._clock(), self.spec.refresh_leeway) and self._can_refresh(used):
            yield from self._refresh(used)
            used = self._tokens
        self._attach(request, used)
        response = yield request
        if response is None or response.status_code != 401 or not self._can_refresh(used):
            return
        log.debug("401 from %s: refreshing once and resending", request.url.host)
        yield from self._refresh(used)
        self._attach(request, self._tokens)
        yield request

    def _can_refresh(self, tokens: TokenSet) -> bool:
        return tokens.refresh_token is not None or self._store is not None

    def _new_grant(self) -> Generator[FlowStep, Response | None, TokenSet] | None:
        """How to get tokens when there is no refresh token (``None``: the user must log in).

        Subclasses that can obtain a grant on their own (an emulator's automatic consent)
        return a generator yielding token-endpoint calls (as ``TokenCall``) and returning the
        new tokens; it runs under the refresh lock.
        """
        return None

    def _refresh(self, stale: TokenSet) -> FlowCore:
        yield _Marker.ACQUIRE
        if self._tokens is not stale:
            yield _Marker.RELEASE  # another caller refreshed while this one waited
            return
        current = self._tokens
        if self._store is not None and self._profile is not None:
            stored = self._store.load(self._profile)
            if stored is not None and stored.tokens.access_token != stale.access_token:
                # Another process refreshed (and maybe rotated): adopt its tokens.
                if stored.tokens.is_fresh(self._clock(), self.spec.refresh_leeway):
                    log.debug("adopting tokens another process refreshed")
                    self._tokens = stored.tokens
                    yield _Marker.RELEASE
                    return
                current = stored.tokens
        if current.refresh_token is None:
            grant = self._new_grant()
            if grant is not None:
                self._publish((yield from grant))
                yield _Marker.RELEASE
                return
            yield _Marker.RELEASE
            raise errors.UnauthorizedError(
                "the access token expired and there is no refresh token; log in again "
                f"(`brokerlink login {self._profile or '<profile>'}`)",
                broker=self.broker,
            )
        log.debug("requesting a new access token from %s", self.spec.refresh_endpoint)
        call = refresh_request(self.spec, self.client, refresh_token=current.refresh_token)
        response = yield TokenCall(call)
        assert response is not None
        try:
            fresh = tokens_from_response(
                response, self.spec, now=self._clock(), previous=current, broker=self.broker
            )
        except errors.UnauthorizedError:
            grant = self._new_grant()  # a revoked refresh token: log in anew where possible
            if grant is None:
                raise
            fresh = yield from grant
        self._publish(fresh)
        yield _Marker.RELEASE

    # -- the two drivers ----------------------------------------------------------------------------
    def sync_auth_flow(self, request: Request) -> Generator[Request, Response, None]:
        """The flow for ``httpx2.Client`` (threads serialise on a ``threading.Lock``)."""
        core = self._core(request)
        held = False
        try:
            step = next(core)
            while True:
                reply: Response | None = None
                if step is _Marker.ACQUIRE:
                    self._thread_lock.acquire()
                    held = True
                elif step is _Marker.RELEASE:
                    self._thread_lock.release()
                    held = False
                elif isinstance(step, TokenCall):
                    reply = yield step.request
                    reply.read()
                else:
                    reply = yield step
                step = core.send(reply)
        except StopIteration:
            return
        finally:
            if held:
                self._thread_lock.release()
            core.close()

    def _loop_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        with self._guard:
            lock = self._loop_locks.get(loop)
            if lock is None:
                lock = self._loop_locks[loop] = asyncio.Lock()
            return lock

    async def async_auth_flow(self, request: Request) -> AsyncGenerator[Request, Response]:
        """The flow for ``httpx2.AsyncClient`` (tasks queue on an ``asyncio.Lock``)."""
        core = self._core(request)
        task_lock: asyncio.Lock | None = None
        thread_held = False
        try:
            step = next(core)
            while True:
                reply: Response | None = None
                if step is _Marker.ACQUIRE:
                    task_lock = self._loop_lock()
                    await task_lock.acquire()
                    while not self._thread_lock.acquire(blocking=False):
                        await asyncio.sleep(_POLL_SECONDS)
                    thread_held = True
                elif step is _Marker.RELEASE:
                    self._thread_lock.release()
                    thread_held = False
                    if task_lock is not None:
                        task_lock.release()
                        task_lock = None
                elif isinstance(step, TokenCall):
                    reply = yield step.request
                    await reply.aread()
                else:
                    reply = yield step
                step = core.send(reply)
        except StopIteration:
            return
        finally:
            if thread_held:
                self._thread_lock.release()
            if task_lock is not None and task_lock.locked():
                task_lock.release()
            core.close()

    # -- for streams that carry the token inside messages (websockets) ---------------------------
    def _usable_token(self) -> str:
        token = self._tokens.access_token
        if token is None:
            raise errors.UnauthorizedError("no access token is available", broker=self.broker)
        return token

    async def fresh_access_token(self, client: AsyncClient) -> str:
        """The access token, refreshed first (single-flight) if it is about to expire.

        For protocols that put the token in a message rather than a header (tastytrade's
        account streamer): ``client`` sends the token request when one is needed.
        """
        probe = Request("GET", _PROBE_URL)
        flow = self.async_auth_flow(probe)
        try:
            request = await flow.__anext__()
            while request is not probe:
                request = await flow.asend(await client.send(request))
        finally:
            await flow.aclose()
        return self._usable_token()

    def fresh_access_token_sync(self, client: Client) -> str:
        """Like :meth:`fresh_access_token`, with a blocking client."""
        probe = Request("GET", _PROBE_URL)
        flow = self.sync_auth_flow(probe)
        try:
            request = next(flow)
            while request is not probe:
                request = flow.send(client.send(request))
        finally:
            flow.close()
        return self._usable_token()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} client_id={self.client.client_id!r} {self._tokens!r}>"


class RefreshToken(OAuthStrategy):
    """Client id + secret + refresh token: TradeStation, tastytrade, Tradier partners.

    The first call (or a call near expiry) trades the refresh token for an access token; pass
    ``access_token`` (and ``expires_at``) to start from one already issued.

    >>> RefreshToken(spec, client_id="app", client_secret="s3cret", refresh_token="rt")  # doctest: +SKIP
    <RefreshToken client_id='app' TokenSet(access_token=None, refresh_token=****, ...)>
    """

    def __init__(
        self,
        spec: OAuthSpec,
        *,
        client_id: str,
        client_secret: str | None = None,
        refresh_token: str,
        access_token: str | None = None,
        expires_at: datetime | None = None,
        store: TokenStore | None = None,
        profile: str | None = None,
        broker: str | None = None,
        clock: Clock = utc_now,
    ) -> None:
        if not refresh_token:
            raise ValueError("RefreshToken needs a non-empty refresh token")
        super().__init__(
            spec,
            ClientCredentials(client_id=client_id, client_secret=client_secret),
            tokens=TokenSet(
                access_token=access_token, refresh_token=refresh_token, expires_at=expires_at
            ),
            store=store,
            profile=profile,
            broker=broker,
            clock=clock,
        )
