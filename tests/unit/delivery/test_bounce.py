"""The DSN's structure (RFC 3464), its statuses, and that nothing from the message injects."""

from __future__ import annotations

from email import message_from_bytes
from email.message import Message

import pytest

from mailguard.workflow.delivery.bounce import bounce_to, build_bounce, dsn_status, original_headers
from mailguard.workflow.ports.transport import RecipientResult

T0 = 1_800_000_000.0
ORIGINAL = (
    "From: 鈴木 一郎 <suzuki@example.co.jp>\r\n"
    "To: a@partner.example\r\n"
    "Subject: =?UTF-8?B?6KaL56mN5pu4?=\r\n"
    "\r\n"
    "secret body line\r\n"
).encode()


def _bounce(**failures: RecipientResult) -> bytes:
    return build_bounce(
        original=ORIGINAL,
        sender="suzuki@example.co.jp",
        failures={k.replace("_at_", "@"): v for k, v in failures.items()},
        hostname="relay.example.co.jp",
        queue_id="0123abcd",
        arrival=T0,
        now=T0 + 60,
        remote_mta="mx.partner.example",
    )


def _parts(raw: bytes) -> tuple[Message, list[Message]]:
    report = message_from_bytes(raw)
    parts = report.get_payload()
    assert isinstance(parts, list)
    return report, [p for p in parts if isinstance(p, Message)]


def test_dsn_is_a_three_part_delivery_status_report() -> None:
    raw = _bounce(gone_at_partner=RecipientResult(550, "5.1.1 user unknown"))
    report, parts = _parts(raw)

    assert report["From"] == "Mail Delivery System <MAILER-DAEMON@relay.example.co.jp>"
    assert report["To"] == "<suzuki@example.co.jp>"
    assert report["Auto-Submitted"] == "auto-replied"
    assert report.get_content_type() == "multipart/report"
    assert report.get_param("report-type") == "delivery-status"
    assert [p.get_content_type() for p in parts] == [
        "text/plain",
        "message/delivery-status",
        "text/rfc822-headers",
    ]
    human = parts[0].get_payload(decode=True)
    assert isinstance(human, bytes)
    assert "配送できませんでした" in human.decode() and b"<gone@partner>: 550" in human


def test_status_part_names_each_failed_recipient() -> None:
    raw = _bounce(
        a_at_partner=RecipientResult(550, "5.1.1 user unknown"),
        b_at_partner=RecipientResult(451, "4.2.0 mailbox full (gave up after 5 days)"),
    )
    _, parts = _parts(raw)
    blocks = parts[1].get_payload()
    assert isinstance(blocks, list)
    per_message, *per_rcpt = (b for b in blocks if isinstance(b, Message))

    assert per_message["Reporting-MTA"] == "dns; relay.example.co.jp"
    assert [(b["Final-Recipient"], b["Action"], b["Status"]) for b in per_rcpt] == [
        ("rfc822; a@partner", "failed", "5.1.1"),
        ("rfc822; b@partner", "failed", "5.4.7"),
    ]
    assert per_rcpt[0]["Diagnostic-Code"] == "smtp; 550 5.1.1 user unknown"
    assert per_rcpt[0]["Remote-MTA"] == "dns; mx.partner.example"


def test_original_headers_are_attached_but_never_the_body() -> None:
    raw = _bounce(a_at_partner=RecipientResult(550, "no"))
    _, parts = _parts(raw)
    headers = parts[2].get_payload(decode=True)
    assert isinstance(headers, bytes)
    assert b"Subject: =?UTF-8?B?6KaL56mN5pu4?=" in headers
    assert "鈴木 一郎".encode() in headers
    assert b"secret body line" not in raw


def test_upstream_reply_cannot_inject_fields_or_headers() -> None:
    evil = RecipientResult(550, "5.7.1 no\r\nStatus: 2.0.0\r\n\r\nBcc: x@evil.example")
    raw = _bounce(a_at_partner=evil)
    _, parts = _parts(raw)
    blocks = parts[1].get_payload()
    assert isinstance(blocks, list)
    assert len(blocks) == 2
    assert isinstance(blocks[1], Message)
    assert blocks[1].get_all("Status") == ["5.7.1"]
    assert b"\r\nBcc:" not in raw


@pytest.mark.parametrize(
    ("code", "text", "status"),
    [
        (550, "5.1.1 user unknown", "5.1.1"),
        (554, "5.7.1 relay denied", "5.7.1"),
        (550, "mailbox unavailable", "5.0.0"),
        (553, "4.1.1 confusing upstream", "5.0.0"),
        (451, "4.3.0 try later", "5.4.7"),
        (421, "", "5.4.7"),
    ],
)
def test_status_comes_from_the_upstream_or_expiry(code: int, text: str, status: str) -> None:
    assert dsn_status(RecipientResult(code, text)) == status


def test_null_sender_gets_no_bounce() -> None:
    assert bounce_to("") is None
    assert bounce_to("a@example.co.jp") == "a@example.co.jp"


def test_a_bounce_needs_a_failure() -> None:
    with pytest.raises(ValueError, match="at least one"):
        _bounce()


def test_original_headers_stop_at_the_blank_line_with_lf_input() -> None:
    assert original_headers(b"A: 1\nB: 2\n\nbody\n") == b"A: 1\r\nB: 2\r\n"
