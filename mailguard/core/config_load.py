"""Reading the relay's YAML config over the embedded defaults (``mailguard.core.config``).

The file is checked against the dataclasses themselves: every key must be a field, every
value must have the field's type, so a typo is refused at start with the file, the dotted key
and the reason instead of being silently ignored. Secrets may come from the environment
(``MAILGUARD_*``) so they never have to live in the file. Relative paths are resolved against
the config file's directory (the cwd for the defaults), so a relay started from anywhere finds
the same files.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Union

import yaml

from mailguard.core.config import Config
from mailguard.core.errors import ConfigError

ENV_OVERRIDES: dict[str, str] = {
    "MAILGUARD_UPSTREAM_PASSWORD": "upstream.password",
    "MAILGUARD_SECRET_KEY": "web.secret_key",
    "MAILGUARD_ADMIN_PASSWORD": "web.admin_password",
    "MAILGUARD_STORE_DSN": "store.dsn",
}
"""Environment variable -> the dotted config key it overrides (secrets only)."""

PATH_KEYS = frozenset(
    {
        "smtp.tls.cert_file",
        "smtp.tls.key_file",
        "smtp.users_file",
        "upstream.maildir",
        "upstream.ca_file",
        "store.path",
        "policy",
        "var_dir",
    }
)
"""Keys holding file system paths, resolved against the config file's directory."""

_LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


def load_config(path: str | None, environ: Mapping[str, str] | None = None) -> Config:
    """The config in ``path`` (None: the embedded defaults), with environment overrides.

    Raises ``ConfigError(file, key, reason)`` for an unreadable file, an unknown key or a bad
    value.
    """
    env = os.environ if environ is None else environ
    if path is None:
        source, base, data = "<defaults>", Path.cwd(), {}
    else:
        source, base = path, Path(path).resolve().parent
        data = _read_yaml(path)
    for var, key in ENV_OVERRIDES.items():
        if env.get(var):
            _set_dotted(data, key, env[var])
    config = _build(Config, data, "", source)
    config = dataclasses.replace(config, source=source)
    _check(config, source)
    return _resolve_paths(config, base)


def _read_yaml(path: str) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, "(file)", f"cannot read it: {exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(path, "(syntax)", f"not valid YAML{where}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(path, "(top)", "the file must hold a mapping of sections")
    return data


def _set_dotted(data: dict[str, Any], key: str, value: str) -> None:
    *parents, last = key.split(".")
    node = data
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[last] = value


def _build(cls: type[Any], data: Any, prefix: str, source: str) -> Any:
    """An instance of the dataclass ``cls`` from a YAML mapping, refusing unknown keys."""
    if not isinstance(data, dict):
        raise ConfigError(source, prefix or "(top)", "expected a mapping")
    hints = typing.get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls) if f.name != "source"}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise ConfigError(source, dotted, f"unknown key (known here: {known})")
        kwargs[key] = _convert(hints[key], value, dotted, source)
    return cls(**kwargs)


def _convert(hint: Any, value: Any, key: str, source: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return _build(typing.cast(type[Any], hint), value, f"{key}.", source)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = (a for a in args if a is not type(None))
        return _convert(inner, value, key, source)
    if origin is Literal:
        if value not in args:
            choices = ", ".join(repr(a) for a in args)
            raise ConfigError(source, key, f"must be one of {choices}, not {value!r}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(source, key, "expected a list")
        return tuple(_convert(args[0], v, f"{key}[{i}]", source) for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(source, key, "expected a mapping")
        return {
            _convert(args[0], k, key, source): _convert(args[1], v, f"{key}.{k}", source)
            for k, v in value.items()
        }
    return _scalar(hint, value, key, source)


def _scalar(hint: Any, value: Any, key: str, source: str) -> Any:
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(source, key, f"expected true or false, not {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(source, key, f"expected a whole number, not {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(source, key, f"expected a number, not {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str) or not value:
            raise ConfigError(source, key, f"expected a non-empty string, not {value!r}")
        return value
    raise ConfigError(source, key, f"unsupported type {hint!r}")  # a new field's type: a bug


def _check(config: Config, source: str) -> None:
    """Value rules the types cannot express."""
    smtp = config.smtp
    if not smtp.listeners:
        raise ConfigError(source, "smtp.listeners", "at least one listener is needed")
    for i, listener in enumerate(smtp.listeners):
        _port(listener.port, f"smtp.listeners[{i}].port", source)
        if listener.implicit_tls and smtp.tls.cert_file is None:
            raise ConfigError(
                source, f"smtp.listeners[{i}].implicit_tls", "needs smtp.tls.cert_file"
            )
    if (smtp.tls.cert_file is None) != (smtp.tls.key_file is None):
        raise ConfigError(source, "smtp.tls", "cert_file and key_file go together")
    for i, network in enumerate(smtp.trusted_networks):
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError as exc:
            raise ConfigError(source, f"smtp.trusted_networks[{i}]", str(exc)) from exc
    positive = {
        "smtp.max_message_size": smtp.max_message_size,
        "smtp.max_recipients": smtp.max_recipients,
        "smtp.max_sessions": smtp.max_sessions,
        "smtp.command_timeout": smtp.command_timeout,
        "smtp.data_timeout": smtp.data_timeout,
        "upstream.timeout": config.upstream.timeout,
        "delivery.workers": config.delivery.workers,
        "delivery.lease_seconds": config.delivery.lease_seconds,
        "delivery.first_retry_seconds": config.delivery.first_retry_seconds,
        "delivery.max_lifetime_seconds": config.delivery.max_lifetime_seconds,
        "delivery.poll_seconds": config.delivery.poll_seconds,
    }
    for key, value in positive.items():
        if value <= 0:
            raise ConfigError(source, key, f"must be greater than 0, not {value}")
    if not 1 <= config.processes <= 64:
        raise ConfigError(source, "processes", f"must be between 1 and 64, not {config.processes}")
    if not 0 <= config.inspection_processes <= 64:
        raise ConfigError(source, "inspection_processes", "must be between 0 and 64")
    if config.delivery.backoff_factor < 1:
        raise ConfigError(source, "delivery.backoff_factor", "must be at least 1")
    _port(config.upstream.port, "upstream.port", source)
    _port(config.web.port, "web.port", source)
    if config.log.level.lower() not in _LOG_LEVELS:
        raise ConfigError(source, "log.level", f"must be one of {', '.join(_LOG_LEVELS)}")


def _port(port: int, key: str, source: str) -> None:
    if not 0 <= port <= 65535:
        raise ConfigError(source, key, f"not a TCP port: {port}")


def _resolve_paths(config: Config, base: Path) -> Config:
    def resolve(obj: Any, prefix: str) -> Any:
        changes: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            dotted = f"{prefix}{f.name}"
            if dataclasses.is_dataclass(value):
                changes[f.name] = resolve(value, f"{dotted}.")
            elif dotted in PATH_KEYS and isinstance(value, str):
                changes[f.name] = str(base / Path(value).expanduser())
        return dataclasses.replace(obj, **changes)

    resolved: Config = resolve(config, "")
    return resolved
