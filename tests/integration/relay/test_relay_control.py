"""Never an open relay; an authenticated user sends only as themself; the size, recipient and
session limits hold."""

from __future__ import annotations

import asyncio

import aiosmtplib
import pytest

from mailguard.workflow import replies
from tests.integration.relay.conftest import PASSWORD, USER, StartRelay, client
from tests.mailmaker import make_mail
from tests.support.upstream import Upstream

NOT_TRUSTED = {"trusted_networks": ()}


async def test_an_unauthenticated_client_outside_trusted_networks_cannot_relay(
    start_relay: StartRelay, upstream: Upstream
) -> None:
    relay = await start_relay(smtp=NOT_TRUSTED)
    async with client(relay) as smtp:
        await smtp.ehlo()
        mail = await smtp.execute_command(b"MAIL", b"FROM:<boss@example.co.jp>")
        rcpt = await smtp.execute_command(b"RCPT", b"TO:<victim@elsewhere.example>")
    assert (mail.code, mail.message) == (530, replies.AUTH_REQUIRED[4:])
    assert rcpt.code >= 500
    assert await relay.store.list_messages() == []


async def test_a_user_cannot_send_as_someone_else(
    start_relay: StartRelay, upstream: Upstream, users_file
) -> None:
    relay = await start_relay(
        smtp={
            **NOT_TRUSTED,
            "users_file": users_file,
            "allow_auth_without_tls_on_loopback": True,
            "aliases": {USER: ("sales@example.co.jp",)},
        }
    )
    async with client(relay) as smtp:
        await smtp.login(USER, PASSWORD)
        with pytest.raises(aiosmtplib.SMTPSenderRefused) as envelope:
            await smtp.sendmail("shacho@example.co.jp", ["a@partner.co.jp"], make_mail())
        with pytest.raises(aiosmtplib.SMTPDataError) as header:
            forged = make_mail(("社長", "shacho@example.co.jp"), ["a@partner.co.jp"])
            await smtp.sendmail(USER, ["a@partner.co.jp"], forged)
        await smtp.sendmail(
            "sales@example.co.jp",
            ["a@partner.co.jp"],
            make_mail(("営業部", "sales@example.co.jp"), ["a@partner.co.jp"]),
        )
    assert envelope.value.code == 553
    assert header.value.code == 550
    (got,) = await upstream.wait_for(1)
    assert got.mail_from == "sales@example.co.jp"


async def test_oversize_is_refused_at_mail_and_while_reading_data(
    start_relay: StartRelay, upstream: Upstream
) -> None:
    relay = await start_relay(smtp={"max_message_size": 50_000})
    big = make_mail(body="長い本文。" * 20_000)
    assert len(big) > 50_000
    async with client(relay) as smtp:
        await smtp.ehlo()
        assert smtp.esmtp_extensions["size"] == "50000"
        declared = await smtp.execute_command(b"MAIL", b"FROM:<a@example.co.jp> SIZE=60000")
        assert declared.code == 552
        # A client that does not declare SIZE: the relay reads, stops keeping, answers 552.
        await smtp.mail("a@example.co.jp")
        await smtp.rcpt("b@partner.co.jp")
        with pytest.raises(aiosmtplib.SMTPDataError) as info:
            await smtp.data(big)
        assert info.value.code == 552
        assert (await smtp.noop()).code == 250  # the session is still in step
    assert await relay.store.list_messages() == []


async def test_too_many_recipients_get_452(start_relay: StartRelay) -> None:
    relay = await start_relay(smtp={"max_recipients": 2})
    async with client(relay) as smtp:
        await smtp.ehlo()
        await smtp.mail("a@example.co.jp")
        assert (await smtp.rcpt("b1@partner.co.jp")).code == 250
        assert (await smtp.rcpt("b2@partner.co.jp")).code == 250
        with pytest.raises(aiosmtplib.SMTPRecipientRefused) as info:
            await smtp.rcpt("b3@partner.co.jp")
    assert info.value.code == 452


async def test_sessions_beyond_the_limit_get_421(start_relay: StartRelay) -> None:
    relay = await start_relay(smtp={"max_sessions": 1})
    async with client(relay) as first:
        await first.ehlo()
        reader, writer = await asyncio.open_connection("127.0.0.1", relay.smtp_addresses[0][1])
        greeting = await reader.readline()
        writer.close()
    assert greeting.startswith(b"421 ")


async def test_an_idle_client_is_told_421_and_disconnected(start_relay: StartRelay) -> None:
    relay = await start_relay(smtp={"command_timeout": 0.2})
    reader, writer = await asyncio.open_connection("127.0.0.1", relay.smtp_addresses[0][1])
    assert (await reader.readline()).startswith(b"220 ")
    assert (await asyncio.wait_for(reader.readline(), 5)).startswith(b"421 4.4.2")
    assert await reader.read() == b""
    writer.close()
