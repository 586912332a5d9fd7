"""``brokerlink login PROFILE`` and ``brokerlink logout PROFILE``: the OAuth login, from a terminal.

``login`` builds the broker's authorize URL (PKCE and ``state`` included), opens it in the
browser (or only prints it with ``--no-browser``), listens once on the profile's
``redirect_uri`` (default ``http://localhost:3000``), checks the answer, exchanges the code and
stores the tokens under the profile's name (see ``docs/auth.md``). It prints who logged in and
which scopes were granted, never a token or secret. ``logout`` revokes the refresh token where
the broker can and deletes the stored tokens.

An emulator has to be served (``brokerlink emulate ADAPTER``) for a browser to reach it: point
the profile's ``base_url`` at it and log in as with a real broker.
"""

from __future__ import annotations

import sys
import webbrowser
from typing import Annotated

import typer
from rich.text import Text

from brokerlink.adapter import Adapter
from brokerlink.broker.connect import relocated
from brokerlink.cli.output import out_console
from brokerlink.config import Profile, resolve_profile
from brokerlink.errors import ConfigError
from brokerlink.oauth import OAuthSpec, client_for, default_token_store, login, logout
from brokerlink.oauth.tokens import ClientCredentials
from brokerlink.registry import AdapterRegistry

__all__ = ["login_command", "logout_command", "register"]


def _adapter(profile: Profile) -> Adapter:
    adapter_type, environment = AdapterRegistry().environment(profile.broker, profile.environment)
    if profile.base_url is not None:
        environment = relocated(environment, profile.base_url)
    elif environment.is_emulator:
        raise ConfigError(
            f"the {profile.environment} environment runs in-process, where no browser can reach it",
            key=profile.env_var("base_url"),
            fix=f"serve it with `brokerlink emulate {profile.broker} --port 8080`, then export "
            f"{profile.env_var('base_url')}=<the API root it prints> and log in again",
        )
    return adapter_type(environment, profile)


def _spec(adapter: Adapter) -> OAuthSpec:
    spec = adapter.oauth_spec()
    if spec is None or spec.authorize_url is None:
        raise ConfigError(
            f"{adapter.display_name} has no browser login in brokerlink",
            key=adapter.profile.env_var("access_token"),
            fix=f"export {adapter.profile.env_var('access_token')}=<access token>",
        )
    return spec


def _client(
    profile: Profile, spec: OAuthSpec, found: ClientCredentials | None
) -> ClientCredentials:
    if found is None:
        raise ConfigError(
            f"profile {profile.name!r} has no OAuth client id",
            key=profile.env_var("client_id"),
            fix=f"export {profile.env_var('client_id')}=<client id> or set client_id in the "
            "profile (the broker shows it with the app you registered)",
        )
    if found.client_secret is not None or spec.client_auth == "none":
        return found
    if not sys.stdin.isatty():
        raise ConfigError(
            f"profile {profile.name!r} has no OAuth client secret",
            key=profile.env_var("client_secret"),
            fix=f"export {profile.env_var('client_secret')}=<client secret>",
        )
    secret = typer.prompt("client secret (not shown)", hide_input=True)
    return ClientCredentials(client_id=found.client_id, client_secret=secret)


def login_command(
    profile: Annotated[str, typer.Argument(help="Profile or '<adapter>:<environment>' to log in.")],
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the login URL instead of opening it.")
    ] = False,
    timeout: Annotated[
        float, typer.Option(min=1, help="Seconds to wait for the broker's answer.")
    ] = 300.0,
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", help="A scope to ask for (repeat it); default: the profile's."),
    ] = None,
) -> None:
    """Log PROFILE in through the broker's consent page and store its tokens."""
    resolved = resolve_profile(profile)
    adapter = _adapter(resolved)
    spec = _spec(adapter)
    store = default_token_store()
    client = _client(resolved, spec, client_for(resolved, store.load(resolved.name)))
    console = out_console()

    def show(url: str) -> None:
        console.print(f"Log in to {adapter.display_name} at this URL:")
        typer.echo(url)  # echoed unwrapped, so it can be copied whole
        console.print(f"waiting for the answer on {resolved.redirect_uri} ...")
        if not no_browser:
            webbrowser.open(url)

    result = login(
        spec,
        client,
        profile=resolved.name,
        redirect_uri=resolved.redirect_uri,
        store=store,
        show=show,
        scopes=tuple(scope) if scope else resolved.scopes,
        timeout=timeout,
        broker=adapter.name,
    )
    who = str(result.user) if result.user is not None else "(the broker did not say who)"
    where = f"{adapter.display_name} {adapter.environment.name}"
    console.print(Text(f"Logged in to {where} as ").append(who, "bold"))
    granted = " ".join(sorted(result.scopes)) if result.scopes is not None else "not reported"
    console.print(f"granted scopes: {granted}")
    refresh = "with" if result.tokens.refresh_token else "without"
    console.print(f"tokens ({refresh} a refresh token) stored for profile {resolved.name!r}")


def logout_command(
    profile: Annotated[str, typer.Argument(help="Profile or '<adapter>:<environment>'.")],
) -> None:
    """Revoke PROFILE's refresh token where the broker can, and delete its stored tokens."""
    resolved = resolve_profile(profile)
    adapter = _adapter(resolved)
    store = default_token_store()
    client = client_for(resolved, store.load(resolved.name))
    revoked, deleted = logout(
        adapter.oauth_spec(), profile=resolved.name, store=store, client=client, broker=adapter.name
    )
    console = out_console()
    if revoked:
        console.print(f"revoked the refresh token at {adapter.display_name}")
    console.print(
        f"deleted the stored tokens of {resolved.name!r}"
        if deleted
        else f"no tokens were stored for {resolved.name!r}"
    )


def register(app: typer.Typer) -> None:
    """Add ``login`` and ``logout`` to ``app``."""
    app.command("login")(login_command)
    app.command("logout")(logout_command)
