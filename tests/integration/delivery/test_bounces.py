"""Permanent failures and expiry become a DSN that reaches the sender through the same queue."""

from __future__ import annotations

from collections.abc import Callable
from email import message_from_bytes
from email.message import Message

from mailguard.adapters.store.sqlite import SqliteStore
from mailguard.core.lifecycle import State
from tests.integration.delivery.conftest import (
    SENDER,
    T0,
    RunService,
    in_state,
    queue_message,
    smtp_config,
    wait_until,
)
from tests.support.clock import FakeClock
from tests.support.upstream import ReceivedMail, Upstream


def _status_blocks(dsn: ReceivedMail) -> list[Message]:
    report = message_from_bytes(dsn.data)
    assert report.get_content_type() == "multipart/report"
    assert report.get_param("report-type") == "delivery-status"
    status = next(p for p in report.walk() if p.get_content_type() == "message/delivery-status")
    blocks = status.get_payload()
    assert isinstance(blocks, list)
    return [
        b for b in blocks[1:] if isinstance(b, Message)
    ]  # the first block is per-message, the rest per recipient


async def test_permanent_refusal_bounces_to_the_sender(
    store: SqliteStore, upstream: Upstream, run_service: RunService
) -> None:
    upstream.refuse("gone@partner.example", "550 5.1.1 no such user here", times=None)
    mid = await queue_message(store, ("gone@partner.example",))

    async with run_service(smtp_config(upstream)):
        bounced = await wait_until(store, mid, in_state(State.BOUNCED))
        [dsn] = await upstream.wait_for(1)

    assert bounced.pending_rcpts == ()
    assert dsn.mail_from == "" and dsn.rcpts == (SENDER,)
    [block] = _status_blocks(dsn)
    assert block["Final-Recipient"] == "rfc822; gone@partner.example"
    assert block["Action"] == "failed"
    assert block["Status"] == "5.1.1"
    assert block["Diagnostic-Code"] == "smtp; 550 5.1.1 no such user here"
    assert b"Subject: quarterly report" in dsn.data
    events = {a.event for a in await store.audit_events()}
    assert {"bounced", "generated"} <= events


async def test_partial_refusal_bounces_only_the_refused_recipient(
    store: SqliteStore, upstream: Upstream, run_service: RunService
) -> None:
    upstream.refuse("gone@partner.example", "550 5.1.1 no such user here", times=None)
    mid = await queue_message(store, ("gone@partner.example", "ok@partner.example"))

    async with run_service(smtp_config(upstream)):
        done = await wait_until(store, mid, in_state(State.DELIVERED))
        await upstream.wait_for(2)

    [original] = upstream.received_by("ok@partner.example")
    assert original.rcpts == ("ok@partner.example",)
    [dsn] = upstream.received_by(SENDER)
    assert [b["Final-Recipient"] for b in _status_blocks(dsn)] == ["rfc822; gone@partner.example"]
    trail = await store.audit_events(message_id=mid)
    assert "bounced: gone@partner.example" in trail[-1].comment
    assert done.pending_rcpts == ()


async def test_temporary_failure_past_the_lifetime_is_bounced(
    store: SqliteStore, upstream: Upstream, run_service: RunService, clock: FakeClock
) -> None:
    upstream.refuse("slow@partner.example", "451 4.2.0 try later", times=None)
    config = smtp_config(upstream)
    mid = await queue_message(store, ("slow@partner.example",), received_at=T0)
    clock.advance(config.delivery.max_lifetime_seconds)

    async with run_service(config):
        await wait_until(store, mid, in_state(State.BOUNCED))
        [dsn] = await upstream.wait_for(1)

    [block] = _status_blocks(dsn)
    assert block["Status"] == "5.4.7"
    assert "451 4.2.0 try later" in block["Diagnostic-Code"]


async def test_a_bounce_is_never_bounced(
    store: SqliteStore, upstream: Upstream, run_service: RunService
) -> None:
    upstream.refuse("gone@partner.example", "550 5.1.1 no such user", times=None)
    mid = await queue_message(store, ("gone@partner.example",), mail_from="")

    async with run_service(smtp_config(upstream)):
        await wait_until(store, mid, in_state(State.BOUNCED))

    counts = await store.count_by_state()
    assert sum(counts.values()) == 1
    assert upstream.messages == []


async def test_unsupported_smtputf8_bounces_with_5_6_7(
    store: SqliteStore, start_upstream: Callable[..., Upstream], run_service: RunService
) -> None:
    ascii_only = start_upstream(enable_SMTPUTF8=False)
    mid = await queue_message(store, ("田中@partner.example",))

    async with run_service(smtp_config(ascii_only)):
        await wait_until(store, mid, in_state(State.BOUNCED))
        [dsn] = await ascii_only.wait_for(1)

    [block] = _status_blocks(dsn)
    assert "Final-Recipient: utf-8; 田中@partner.example".encode() in dsn.data
    assert block["Status"] == "5.6.7"
