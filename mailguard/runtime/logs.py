"""Logging: structlog everywhere, JSON lines in production, readable on a terminal.

Standard-library loggers (aiosmtpd, asyncio, aiohttp) go through the same renderer, so one
relay writes one format. aiosmtpd logs every command at INFO (addresses included) and a
deprecation notice on every AUTH; it is kept at ERROR. With ``log.mask_local_parts`` every
address in every event is shortened to its first letter (``s***@example.co.jp``): the domain
stays, for debugging routing, while who wrote to whom stays out of the log store.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from mailguard.core.config import LogConfig

_ADDRESS = re.compile(
    r"(\"[^\"\r\n]+\"|[^\s@<>\"'(),;:\[\]]+)"  # a quoted or a plain local part
    r"@((?:[\w-]+\.)+[\w-]{2,}|\[[0-9A-Fa-f.:]+\])"  # a domain, IDN (日本語.jp) too, or [literal]
)


def mask_address_text(text: str) -> str:
    return _ADDRESS.sub(lambda m: f"{m.group(1)[0]}***@{m.group(2)}", text)


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return mask_address_text(value)
    if isinstance(value, list | tuple):
        return type(value)(_mask(v) for v in value)
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    return value


def mask_local_parts(
    logger: Any, method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in event.items():
        event[key] = _mask(value)
    return event


class _NamedWriteLogger(structlog.WriteLogger):
    """A ``WriteLogger`` that remembers the name given to ``get_logger`` (``add_logger_name``)."""

    def __init__(self, file: Any, name: str) -> None:
        super().__init__(file)
        self.name = name


def configure_logging(config: LogConfig, stream: Any = None) -> None:
    """Set up structlog and the standard library's root logger for the whole process."""
    out = stream if stream is not None else sys.stderr
    as_json = config.format == "json" or (config.format == "auto" and not out.isatty())
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if config.mask_local_parts:
        shared.append(mask_local_parts)
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if as_json
        else structlog.dev.ConsoleRenderer(colors=out.isatty())
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    level = config.level.upper()
    root.setLevel(level)
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    # structlog's own events skip the standard library (a third of the cost of an event,
    # and the relay writes one or two per message): filtered by level where they are made,
    # rendered and written straight to the stream.
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.add_logger_name,
            structlog.processors.format_exc_info,
            renderer,
        ],
        logger_factory=lambda *args: _NamedWriteLogger(out, str(args[0]) if args else ""),
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        cache_logger_on_first_use=False,
    )
