"""Logs (issue #5 item 3): JSON lines off a terminal and readable on one, masked local parts in
every event when configured, standard-library loggers rendered the same way."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable

import pytest
import structlog

from mailguard.core.config import LogConfig
from mailguard.runtime.logs import configure_logging, mask_address_text


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


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def json_lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_json_format_writes_one_object_per_line_with_level_and_time(
    configure_logs: Callable[..., io.StringIO],
) -> None:
    out = configure_logs(format="json")
    log = structlog.get_logger("mailguard.test")
    log.info("message decided", id="0123abcd", action="hold", rules=["r1"])
    log.warning("second event", n=2)
    first, second = json_lines(out)
    assert first["event"] == "message decided"
    assert first["id"] == "0123abcd" and first["rules"] == ["r1"]
    assert first["level"] == "info" and second["level"] == "warning"
    assert str(first["timestamp"]).endswith("Z")


def test_japanese_stays_readable_in_json(configure_logs: Callable[..., io.StringIO]) -> None:
    out = configure_logs(format="json")
    structlog.get_logger("mailguard.test").info("policy loaded", path="ポリシー.yaml")
    assert "ポリシー.yaml" in out.getvalue()


def test_auto_is_json_in_a_pipe_and_readable_on_a_terminal(
    configure_logs: Callable[..., io.StringIO],
) -> None:
    piped = configure_logs(format="auto")
    structlog.get_logger("t").info("hello", key="value")
    assert json_lines(piped)[0]["key"] == "value"

    terminal = configure_logs(Terminal(), format="auto")
    structlog.get_logger("t").info("hello", key="value")
    text = terminal.getvalue()
    assert "hello" in text and "key" in text and "value" in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text.splitlines()[0])


def test_console_format_is_plain_text_even_in_a_pipe(
    configure_logs: Callable[..., io.StringIO],
) -> None:
    out = configure_logs(format="console")
    structlog.get_logger("t").info("delivery attempt", result="delivered")
    line = out.getvalue().splitlines()[0]
    assert "delivery attempt" in line and "result" in line and "delivered" in line
    assert not line.startswith("{")
    assert "\x1b[" not in line, "no colour codes when the stream is not a terminal"


def test_local_parts_are_masked_everywhere_in_an_event_when_configured(
    configure_logs: Callable[..., io.StringIO],
) -> None:
    out = configure_logs(format="json", mask_local_parts=True)
    structlog.get_logger("t").info(
        "message decided for suzuki@example.co.jp",
        sender="suzuki.ichiro@example.co.jp",
        rcpts=["tanaka@partner.co.jp", "鈴木@example.co.jp"],
        detail={"reply_to": "Sato <sato@example.com>"},
    )
    (event,) = json_lines(out)
    text = json.dumps(event, ensure_ascii=False)
    for local in ("suzuki.ichiro@", "tanaka@", "鈴木@", "sato@", "suzuki@"):
        assert local not in text
    assert event["sender"] == "s***@example.co.jp"
    assert event["rcpts"] == ["t***@partner.co.jp", "鈴***@example.co.jp"]
    assert "example.com" in str(event["detail"])
    assert event["event"] == "message decided for s***@example.co.jp"


def test_addresses_are_kept_whole_when_masking_is_off(
    configure_logs: Callable[..., io.StringIO],
) -> None:
    out = configure_logs(format="json", mask_local_parts=False)
    structlog.get_logger("t").info("e", sender="suzuki@example.co.jp")
    assert json_lines(out)[0]["sender"] == "suzuki@example.co.jp"


def test_standard_library_loggers_share_the_format_and_the_masking(
    configure_logs: Callable[..., io.StringIO],
) -> None:
    out = configure_logs(format="json", mask_local_parts=True)
    logging.getLogger("aiohttp.server").error("cannot reply to tanaka@partner.co.jp")
    (event,) = json_lines(out)
    assert event["event"] == "cannot reply to t***@partner.co.jp"
    assert event["level"] == "error" and event["logger"] == "aiohttp.server"


def test_the_level_filters_events(configure_logs: Callable[..., io.StringIO]) -> None:
    out = configure_logs(format="json", level="warning")
    log = structlog.get_logger("t")
    log.info("quiet")
    log.warning("loud")
    assert [e["event"] for e in json_lines(out)] == ["loud"]


def test_aiosmtpds_per_command_chatter_stays_out(
    configure_logs: Callable[..., io.StringIO],
) -> None:
    """aiosmtpd logs every SMTP command (addresses included) at INFO."""
    out = configure_logs(format="json")
    logging.getLogger("mail.log").info("('127.0.0.1', 5000) >> b'RCPT TO:<a@b.example>'")
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("yamada@example.co.jp", "y***@example.co.jp"),
        ("鈴木@社内.example.co.jp", "鈴***@社内.example.co.jp"),
        ("info@例え.jp", "i***@例え.jp"),
        ('"yamada taro"@example.co.jp', '"***@example.co.jp'),
        ("To: 山田 <yamada+hr@Example.CO.JP>.", "To: 山田 <y***@Example.CO.JP>."),
        ("postmaster@[192.0.2.1]", "p***@[192.0.2.1]"),
    ],
)
def test_masking_covers_japanese_quoted_and_literal_addresses(
    configure_logs: Callable[..., io.StringIO], text: str, masked: str
) -> None:
    out = configure_logs(format="json", mask_local_parts=True)
    structlog.get_logger("t").info("e", address=text)
    assert json_lines(out)[0]["address"] == masked
