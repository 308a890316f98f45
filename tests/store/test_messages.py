"""Adding, reading, listing and counting messages."""

from __future__ import annotations

import asyncio

import pytest

from mailguard.core.errors import InvalidTransition
from mailguard.core.lifecycle import State
from mailguard.core.model import PASS_EVERYTHING
from mailguard.workflow.ports.store import Store
from tests.store.conftest import StoreMaker
from tests.store.messages import HOLD_DECISION, T0, new_message, received


async def test_added_message_reads_back_whole(store: Store) -> None:
    msg = new_message(State.HELD, hold_until=T0 + 60, raw=b"Subject: \xe6\x97\xa5\r\n\r\nx\r\n")
    await store.add(msg, received(msg))

    got = await store.get(msg.id, with_raw=True)

    assert got is not None
    assert got.state is State.HELD
    assert got.envelope == msg.envelope
    assert got.decision == HOLD_DECISION
    assert got.raw == msg.raw
    assert got.size == len(msg.raw)
    assert got.pending_rcpts == msg.envelope.rcpt_tos
    assert (got.received_at, got.hold_until, got.attempts) == (T0, T0 + 60, 0)
    assert got.lease_owner is None and not got.escalated


async def test_get_without_raw_leaves_it_out(store: Store) -> None:
    msg = new_message()
    await store.add(msg, received(msg))
    got = await store.get(msg.id)
    assert got is not None and got.raw is None


async def test_unknown_id_is_none(store: Store) -> None:
    assert await store.get("nope") is None


async def test_message_survives_reopen(store_maker: StoreMaker) -> None:
    first = store_maker()
    await first.open()
    msg = new_message()
    await first.add(msg, received(msg))
    await first.close()

    second = store_maker()
    await second.open()
    try:
        got = await second.get(msg.id, with_raw=True)
    finally:
        await second.close()
    assert got is not None and got.raw == msg.raw


async def test_a_message_cannot_be_added_as_delivered(store: Store) -> None:
    msg = new_message(State.DELIVERED)
    with pytest.raises(InvalidTransition):
        await store.add(msg, received(msg))
    assert await store.get(msg.id) is None


async def test_concurrent_adds_are_all_stored(store: Store) -> None:
    msgs = [new_message(decision=PASS_EVERYTHING) for _ in range(50)]
    await asyncio.gather(*(store.add(m, received(m)) for m in msgs))
    counts = await store.count_by_state()
    assert counts[State.QUEUED] == 50


async def test_list_is_newest_first_with_paging(store: Store) -> None:
    msgs = [new_message(received_at=T0 + i) for i in range(5)]
    for m in msgs:
        await store.add(m, received(m))

    page1 = await store.list_messages(limit=2)
    page2 = await store.list_messages(limit=2, offset=2)

    assert [m.id for m in page1 + page2] == [m.id for m in reversed(msgs)][:4]
    assert all(m.raw is None for m in page1)


async def test_list_filters_by_state_and_sender(store: Store) -> None:
    held = new_message(State.HELD, mail_from="hr@example.co.jp")
    queued = new_message(State.QUEUED, mail_from="sales@example.co.jp")
    delayed = new_message(State.DELAYED, mail_from="HR@example.co.jp")
    for m in (held, queued, delayed):
        await store.add(m, received(m))

    by_state = await store.list_messages([State.HELD, State.DELAYED])
    by_sender = await store.list_messages(sender="hr@example.co.jp")
    both = await store.list_messages([State.HELD], sender="hr@example.co.jp")

    assert {m.id for m in by_state} == {held.id, delayed.id}
    assert {m.id for m in by_sender} == {held.id, delayed.id}
    assert [m.id for m in both] == [held.id]


async def test_counts_cover_every_state(store: Store) -> None:
    for state in (State.QUEUED, State.QUEUED, State.HELD, State.REJECTED):
        m = new_message(state)
        await store.add(m, received(m))

    counts = await store.count_by_state()

    assert set(counts) == set(State)
    assert (counts[State.QUEUED], counts[State.HELD], counts[State.REJECTED]) == (2, 1, 1)
    assert counts[State.DELIVERED] == 0


async def test_ping_answers_on_an_open_store(store: Store) -> None:
    await store.ping()
