"""Logs: JSON lines off a terminal, and masked local parts in every event when configured."""

from __future__ import annotations

import io
import json
import logging

import structlog

from mailguard.config import LogConfig
from mailguard.logs import configure_logging, mask_address_text


def test_local_parts_are_masked_domains_kept() -> None:
    text = "from suzuki.ichiro@example.co.jp to <Tanaka@partner.co.jp>, x@[127.0.0.1]"
    assert mask_address_text(text) == (
        "from s***@example.co.jp to <T***@partner.co.jp>, x***@[127.0.0.1]"
    )


def test_every_event_is_one_json_line_with_addresses_masked() -> None:
    out = io.StringIO()
    root = logging.getLogger()
    saved_handlers, saved_level, saved_structlog = (
        root.handlers[:],
        root.level,
        structlog.get_config(),
    )
    configure_logging(LogConfig(format="auto", mask_local_parts=True), stream=out)
    try:
        structlog.get_logger("t").info(
            "message decided", sender="taro@example.co.jp", rcpts=["hanako@example.co.jp"]
        )
        logging.getLogger("aiohttp.access").warning("client jiro@example.co.jp went away")
    finally:  # leave the process's logging as pytest set it up
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        logging.getLogger("mail.log").setLevel(logging.NOTSET)
        structlog.configure(**saved_structlog)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["event"] == "message decided"
    assert first["sender"] == "t***@example.co.jp"
    assert first["rcpts"] == ["h***@example.co.jp"]
    assert second["event"] == "client j***@example.co.jp went away"
