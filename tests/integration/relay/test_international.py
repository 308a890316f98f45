"""SMTPUTF8 and 8BITMIME in: Japanese addresses and raw 8-bit text arrive upstream as sent.

Japanese first-class means an address like ``鈴木@example.co.jp`` and a body in raw UTF-8 or
Shift_JIS bytes pass the relay untouched.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

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
