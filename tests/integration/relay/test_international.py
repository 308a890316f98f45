"""SMTPUTF8 and 8BITMIME in: Japanese addresses and raw 8-bit text arrive upstream as sent.

Japanese first-class means an address like ``鈴木@example.co.jp`` and a body in raw UTF-8 or
Shift_JIS bytes pass the relay untouched.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiosmtplib import SMTPResponse

from mailguard.runtime.relay import Relay
from mailguard.workflow import replies
from mailguard.workflow.metrics import REGISTRY
from tests.integration.relay.conftest import StartRelay, client
from tests.support.upstream import Upstream

SENDER = "鈴木@example.co.jp"
RCPT = "田中@partner.example"
RAW = (
    f"From: 鈴木 一郎 <{SENDER}>\r\nTo: 田中 様 <{RCPT}>\r\nSubject: 見積書の件\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n\r\n田中様\r\n\r\nお世話になっております。\r\n"
).encode()


@pytest.fixture
def upstream(start_upstream: Callable[..., Upstream]) -> Upstream:
    """The relay's upstream speaks SMTPUTF8 too, so the Japanese envelope can go on."""
    return start_upstream(enable_SMTPUTF8=True)


async def test_smtputf8_and_8bitmime_are_offered_and_pass_the_bytes_through(
    start_relay: StartRelay, upstream: Upstream
) -> None:
    relay = await start_relay()
    async with client(relay) as smtp:
        await smtp.ehlo()
        assert smtp.supports_extension("smtputf8")
        assert smtp.supports_extension("8bitmime")
        errors, reply = await smtp.sendmail(
            SENDER, [RCPT], RAW, mail_options=["SMTPUTF8", "BODY=8BITMIME"]
        )
    assert errors == {}
    assert reply.startswith("2.0.0 Ok: queued as ")
    (got,) = await upstream.wait_for(1)
    assert (got.mail_from, got.rcpts) == (SENDER, (RCPT,))
    assert got.data.endswith(RAW)


def smtputf8_rejections() -> float:
    labels = {"reason": "smtputf8"}
    return REGISTRY.get_sample_value("mailguard_smtp_rejections_total", labels) or 0.0


async def exchange(relay: Relay, *commands: tuple[bytes, ...]) -> list[SMTPResponse]:
    """The relay's reply to each command, sent raw (UTF-8) so nothing adds SMTPUTF8 for us."""
    async with client(relay) as smtp:
        await smtp.ehlo()
        return [await smtp.execute_command(*command) for command in commands]


async def test_a_non_ascii_sender_without_smtputf8_is_refused_with_553_5_6_7(
    start_relay: StartRelay, upstream: Upstream
) -> None:
    before = smtputf8_rejections()
    refused, ascii_mail = await exchange(
        await start_relay(),
        (b"MAIL", f"FROM:<{SENDER}>".encode()),
        (b"MAIL", b"FROM:<suzuki@example.co.jp>"),
    )
    assert (refused.code, refused.message) == (553, replies.NON_ASCII_SENDER[4:])
    assert ascii_mail.code == 250  # the refusal left no half-open transaction behind
    assert smtputf8_rejections() == before + 1


async def test_a_non_ascii_recipient_needs_smtputf8_on_the_transactions_mail(
    start_relay: StartRelay, upstream: Upstream
) -> None:
    before = smtputf8_rejections()
    _, refused, _, _, accepted = await exchange(
        await start_relay(),
        (b"MAIL", b"FROM:<suzuki@example.co.jp>"),
        (b"RCPT", f"TO:<{RCPT}>".encode()),
        (b"RSET",),
        (b"MAIL", b"FROM:<suzuki@example.co.jp>", b"SMTPUTF8"),
        (b"RCPT", f"TO:<{RCPT}>".encode()),
    )
    assert (refused.code, refused.message) == (553, replies.NON_ASCII_RECIPIENT[4:])
    assert accepted.code == 250
    assert smtputf8_rejections() == before + 1
