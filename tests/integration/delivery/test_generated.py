"""enqueue_generated: the durable path for mail mailguard writes itself."""

from __future__ import annotations

import pytest

from mailguard.adapters.store.sqlite import SqliteStore
from mailguard.core.lifecycle import State
from mailguard.core.model import PASS_EVERYTHING
from mailguard.workflow.delivery.generated import enqueue_generated
from tests.support.clock import FakeClock


async def test_generated_mail_is_queued_with_its_reason(
    store: SqliteStore, clock: FakeClock
) -> None:
    raw = b"From: mailguard@example.co.jp\r\nSubject: approve?\r\n\r\nplease\r\n"
    mid = await enqueue_generated(
        store,
        mail_from="mailguard@example.co.jp",
        rcpts=["boss@example.co.jp"],
        raw=raw,
        reason="approval-request",
        clock=clock,
    )

    got = await store.get(mid, with_raw=True)
    assert got is not None
    assert (got.state, got.raw, got.decision) == (State.QUEUED, raw, PASS_EVERYTHING)
    assert got.pending_rcpts == ("boss@example.co.jp",)
    assert got.received_at == clock.now
    [audit] = await store.audit_events(message_id=mid)
    assert (audit.event, audit.actor, audit.comment) == ("generated", "system", "approval-request")


async def test_generated_mail_needs_a_recipient(store: SqliteStore, clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="recipient"):
        await enqueue_generated(store, mail_from="", rcpts=[], raw=b"x", reason="r", clock=clock)
