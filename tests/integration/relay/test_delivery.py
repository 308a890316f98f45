"""Relay and delivery end to end: SMTP in, the store, SMTP out into the in-test upstream (or
the Maildir), with the upstream's temporary and permanent failures."""

from __future__ import annotations

from email import message_from_bytes
from pathlib import Path

from mailguard.core.lifecycle import State
from tests.integration.relay.conftest import (
    StartRelay,
    client,
    queued_id,
    wait_state,
    wait_until,
)
from tests.mailmaker import make_mail
from tests.support.clock import FakeClock
from tests.support.upstream import Upstream

SENDER = "sender@example.co.jp"
RCPT = "tanaka@partner.co.jp"


async def send(relay, raw: bytes, rcpts=(RCPT,), sender: str = SENDER) -> str:
    async with client(relay) as smtp:
        _, reply = await smtp.sendmail(sender, list(rcpts), raw)
    return reply


async def test_a_message_goes_through_to_the_upstream_unchanged(
    start_relay: StartRelay, upstream: Upstream
) -> None:
    relay = await start_relay()
    raw = make_mail(
        ("送信 太郎", SENDER), [RCPT], "見積書", ".先頭のドット\n本文", charset="iso-2022-jp"
    )
    reply = await send(relay, raw, rcpts=[RCPT, "suzuki@partner.co.jp"])
    assert reply.startswith("2.0.0 Ok: queued as ")
    (got,) = await upstream.wait_for(1)
    assert got.mail_from == SENDER
    assert set(got.rcpts) == {RCPT, "suzuki@partner.co.jp"}
    assert raw in got.data  # delivery may prepend trace headers, never change the message
    await wait_state(relay, queued_id(reply), State.DELIVERED)


async def test_the_default_maildir_gets_the_message(
    start_relay: StartRelay, tmp_path: Path
) -> None:
    maildir = tmp_path / "outbox"
    relay = await start_relay(upstream={"kind": "maildir", "maildir": str(maildir)})
    raw = make_mail(("送信 太郎", SENDER), [RCPT], "件名", "本文")
    await wait_state(relay, queued_id(await send(relay, raw)), State.DELIVERED)
    (delivered,) = list((maildir / "new").iterdir())
    content = delivered.read_bytes()
    assert content.startswith(f"Return-Path: <{SENDER}>\nX-Mailguard-Rcpt: <{RCPT}>\n".encode())
    assert content.endswith(raw.replace(b"\r\n", b"\n"))  # Maildir files use LF


async def test_an_upstream_4xx_is_retried_until_it_succeeds(
    start_relay: StartRelay, upstream: Upstream
) -> None:
    clock = FakeClock()
    relay = await start_relay(clock=clock)
    upstream.refuse(RCPT, "451 4.3.0 try again later", times=1)
    message_id = queued_id(await send(relay, make_mail(("送信", SENDER), [RCPT])))
    deferred = await wait_state(relay, message_id, State.DEFERRED)
    assert "451" in deferred.last_error
    clock.advance(relay.config.delivery.first_retry_seconds + 1)
    relay.delivery.wake()
    (got,) = await upstream.wait_for(1)
    assert got.rcpts == (RCPT,)
    await wait_state(relay, message_id, State.DELIVERED)
    assert upstream.rcpt_attempts(RCPT) == 2


async def test_an_upstream_5xx_bounces_to_the_sender(
    start_relay: StartRelay, upstream: Upstream
) -> None:
    relay = await start_relay()
    upstream.refuse(RCPT, "550 5.1.1 no such user here", times=None)
    message_id = queued_id(await send(relay, make_mail(("送信", SENDER), [RCPT])))
    await wait_state(relay, message_id, State.BOUNCED)

    async def bounced() -> bool:
        return bool(upstream.received_by(SENDER))

    await wait_until(bounced)
    (bounce,) = upstream.received_by(SENDER)
    assert bounce.mail_from in ("", "<>")  # the null sender, as aiosmtpd records it
    report = message_from_bytes(bounce.data)
    assert report.get_content_type() == "multipart/report"
    assert RCPT.encode() in bounce.data
    assert b"no such user here" in bounce.data


async def test_an_upstream_that_is_down_gets_the_message_once_it_is_back(
    start_relay: StartRelay, upstream: Upstream
) -> None:
    clock = FakeClock()
    relay = await start_relay(clock=clock)
    upstream.stop()
    message_id = queued_id(await send(relay, make_mail(("送信", SENDER), [RCPT])))
    await wait_state(relay, message_id, State.DEFERRED)
    upstream.start()
    clock.advance(relay.config.delivery.first_retry_seconds + 1)
    relay.delivery.wake()
    (got,) = await upstream.wait_for(1)
    assert got.rcpts == (RCPT,)


async def test_a_null_sender_from_a_trusted_connector_is_relayed_as_null(
    start_relay: StartRelay, upstream: Upstream
) -> None:
    relay = await start_relay()
    message_id = queued_id(await send(relay, make_mail(("MAILER-DAEMON", SENDER)), sender=""))
    stored = await wait_state(relay, message_id, State.DELIVERED)
    assert stored.envelope.mail_from == ""
    (got,) = await upstream.wait_for(1)
    assert got.mail_from in ("", "<>")
