"""Finding, reading and checking ``brokerlink.toml``.

The file is ``$BROKERLINK_CONFIG`` when that is set (an explicit ``config_path`` argument wins over
both), else ``brokerlink.toml`` in the working directory; no file at all is fine (no profiles).
Only ``[profiles.<name>]`` tables are allowed, holding the keys in
:data:`~brokerlink.config.fields.FILE_KEYS`. Every problem is a :class:`ConfigError` naming the
key path (``profiles.paper-ts.acount``), the file and, where it can be found, the line.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import NoReturn

import attrs

from brokerlink.config.fields import FIELDS, FILE_KEYS, PROFILE_NAME_PATTERN, secret_env_field
from brokerlink.config.profiles import env_prefix, env_var, table_key
from brokerlink.errors import ConfigError

__all__ = [
    "CONFIG_ENV_VAR",
    "CONFIG_FILENAME",
    "ConfigFile",
    "find_config",
    "load_config",
    "parse_config",
]

CONFIG_FILENAME = "brokerlink.toml"
"""The file looked for in the working directory."""

CONFIG_ENV_VAR = "BROKERLINK_CONFIG"
"""The env var naming the config file explicitly."""

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


@attrs.frozen(kw_only=True)
class ConfigFile:
    """A checked config file: ``profiles`` maps each name to its values, already validated.

    ``path`` is ``None`` when no file was found; ``where`` says in words which file was read or
    where none was found, for messages.
    """

    path: Path | None
    where: str
    profiles: Mapping[str, Mapping[str, object]] = attrs.field(factory=dict)

    @property
    def names(self) -> list[str]:
        """The profile names, in file order."""
        return list(self.profiles)


def find_config(
    config_path: Path | None = None,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Path | None:
    """The config file to read: ``config_path``, else ``$BROKERLINK_CONFIG``, else
    ``<cwd>/brokerlink.toml`` if it exists, else ``None``.

    An explicit path (argument or env var) that does not exist is a :class:`ConfigError`; relative
    paths are taken from ``cwd`` (default: the process's working directory).
    """
    base = Path.cwd() if cwd is None else cwd
    env = os.environ if environ is None else environ
    if config_path is not None:
        explicit, origin = Path(config_path), "config_path"
    elif env.get(CONFIG_ENV_VAR, "").strip():
        explicit, origin = Path(env[CONFIG_ENV_VAR].strip()), CONFIG_ENV_VAR
    else:
        candidate = base / CONFIG_FILENAME
        return candidate if candidate.is_file() else None
    path = base / explicit.expanduser()
    if not path.is_file():
        problem = "is a directory, not a file" if path.is_dir() else "does not exist"
        raise ConfigError(
            f"config file {path} {problem}",
            key=origin,
            fix=f"point {CONFIG_ENV_VAR} (or config_path) at an existing {CONFIG_FILENAME}, "
            f"or unset it to use ./{CONFIG_FILENAME}",
        )
    return path


def load_config(
    config_path: Path | None = None,
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> ConfigFile:
    """Find (see :func:`find_config`), read and check the config file."""
    base = Path.cwd() if cwd is None else cwd
    path = find_config(config_path, cwd=base, environ=environ)
    if path is None:
        where = f"no {CONFIG_FILENAME} in {base} and {CONFIG_ENV_VAR} is not set"
        return ConfigFile(path=None, where=where)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot read {path}: {exc.strerror}", key=str(path), fix="check the file's permissions"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"{path} is not UTF-8 text", key=str(path), fix="save the file as UTF-8"
        ) from None
    return ConfigFile(path=path, where=str(path), profiles=parse_config(text, path=path))


def parse_config(text: str, *, path: Path | str = CONFIG_FILENAME) -> dict[str, dict[str, object]]:
    """Parse and check the text of a config file; ``path`` is only used in messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason = str(exc)
        at = _TOML_POSITION.search(reason)
        position = f" at line {at[1]}, column {at[2]}" if at else ""
        raise ConfigError(
            f"malformed TOML{position}: {_TOML_POSITION.sub('', reason)}",
            key=str(path),
            fix=f"correct the TOML syntax{f' on line {at[1]}' if at else ''} "
            "(see https://toml.io/en/v1.0.0)",
        ) from None
    for key in data:
        if key != "profiles":
            _refuse_key(key, key, None, ("profiles",), str(path))
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict):
        raise ConfigError(
            f"must be a table of profiles ({path})",
            key="profiles",
            fix='write each profile as a table: [profiles.<name>] then broker = "..." ...',
        )
    checked = {name: _check_profile(name, table, text, path) for name, table in profiles.items()}
    _check_prefixes(list(checked))
    return checked


def _check_profile(name: str, table: object, text: str, path: Path | str) -> dict[str, object]:
    def where(key: str | None = None) -> str:
        line = _line_of(text, name, key)
        return f"{path}, line {line}" if line else str(path)

    if not PROFILE_NAME_PATTERN.match(name):
        raise ConfigError(
            f"{name!r} is not a valid profile name ({where()})",
            key=table_key(name),
            fix="use letters, digits, '_', '-' or '.' (':' is for '<adapter>:<environment>')",
        )
    if not isinstance(table, dict):
        raise ConfigError(
            f"must be a table ({where()})",
            key=table_key(name),
            fix=f'write [{table_key(name)}] then broker = "..." and environment = "..."',
        )
    for key in table:
        if key not in FIELDS:
            _refuse_key(table_key(name, key), key, name, FILE_KEYS, where(key))
    for required in ("broker", "environment"):
        if required not in table:
            raise ConfigError(
                f"is required ({where()})",
                key=table_key(name, required),
                fix=f"add {required} = ... under [{table_key(name)}]: {FIELDS[required].valid}",
            )
    return {
        key: FIELDS[key].parse(value, table_key(name, key), where=where(key))
        for key, value in table.items()
    }


def _refuse_key(
    key_path: str, key: str, profile: str | None, valid: tuple[str, ...], where: str
) -> NoReturn:
    secret = secret_env_field(key)
    if secret is not None:
        var = env_var(profile, secret) if profile else f"BROKERLINK_<PROFILE>_{secret}"
        login = f"brokerlink login {profile or '<profile>'}"
        raise ConfigError(
            f"secrets never belong in {CONFIG_FILENAME} ({where})",
            key=key_path,
            fix=f"delete it from the file; secrets come from env vars ({var}) "
            f"or the token store (run `{login}`)",
        )
    close = difflib.get_close_matches(key, valid, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ConfigError(
        f"unknown key {key!r} ({where})", key=key_path, fix=f"{hint}valid keys: {', '.join(valid)}"
    )


def _check_prefixes(names: list[str]) -> None:
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(env_prefix(name), name)
        if other != name:
            raise ConfigError(
                f"profiles {other!r} and {name!r} would share the env vars {env_prefix(name)}*",
                key=table_key(name),
                fix="rename one of them so their names differ in more than case, '-', '.' or '_'",
            )


def _line_of(text: str, profile: str, key: str | None) -> int | None:
    """Best-effort 1-based line of ``[profiles.<profile>]`` (or of ``key`` in it), for messages."""
    quoted = rf"(?:{re.escape(profile)}|\"{re.escape(profile)}\"|'{re.escape(profile)}')"
    header = re.compile(rf"\s*\[\s*profiles\s*\.\s*{quoted}\s*\]")
    wanted = re.compile(rf"\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=") if key else None
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            if wanted is None:
                return number
            inside = True
        elif line.lstrip().startswith("["):
            inside = False
        elif inside and wanted is not None and wanted.match(line):
            return number
    return None
