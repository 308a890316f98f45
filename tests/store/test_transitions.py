"""Conditional state changes: one winner, only allowed pairs, sweeps of due messages."""

from __future__ import annotations

import asyncio

import pytest

from mailguard.core.errors import InvalidTransition
from mailguard.core.lifecycle import State
from mailguard.core.model import PASS_EVERYTHING
from mailguard.workflow.ports.store import Store
from tests.store.conftest import StoreMaker
from tests.store.messages import T0, event, new_message, received


async def test_transition_moves_and_records_the_decider(store: Store) -> None:
    msg = new_message(State.HELD, hold_until=T0 + 60)
    await store.add(msg, received(msg))

    won = await store.transition(
        msg.id,
        State.HELD,
        State.QUEUED,
        event(msg.id, "released", at=T0 + 5, actor="approver:boss@example.co.jp"),
        next_attempt_at=T0 + 5,
        decided_by="boss@example.co.jp",
        decision_comment="確認しました",
    )

    got = await store.get(msg.id)
    assert won and got is not None
    assert got.state is State.QUEUED
    assert (got.decided_by, got.decided_at, got.decision_comment) == (
        "boss@example.co.jp",
        T0 + 5,
        "確認しました",
    )
    assert got.next_attempt_at == T0 + 5
    trail = await store.audit_events(message_id=msg.id)
    assert [(a.event, a.from_state, a.to_state) for a in trail][-1] == (
        "released",
        State.HELD,
        State.QUEUED,
    )


async def test_transition_from_a_stale_state_loses(store: Store) -> None:
    msg = new_message(State.HELD)
    await store.add(msg, received(msg))
    await store.transition(msg.id, State.HELD, State.REJECTED, event(msg.id, "rejected"))

    assert not await store.transition(msg.id, State.HELD, State.QUEUED, event(msg.id, "released"))
    got = await store.get(msg.id)
    assert got is not None and got.state is State.REJECTED
    assert [a.event for a in await store.audit_events(message_id=msg.id)] == [
        "received",
        "rejected",
    ]


async def test_two_concurrent_decisions_exactly_one_wins(store_maker: StoreMaker) -> None:
    first, second = store_maker(), store_maker()
    await first.open()
    await second.open()
    try:
        msgs = [new_message(State.HELD) for _ in range(10)]
        for m in msgs:
            await first.add(m, received(m))
        for m in msgs:
            results = await asyncio.gather(
                first.transition(m.id, State.HELD, State.QUEUED, event(m.id, "released")),
                second.transition(m.id, State.HELD, State.REJECTED, event(m.id, "rejected")),
            )
            assert sorted(results) == [False, True]
            trail = await first.audit_events(message_id=m.id)
            assert len(trail) == 2
    finally:
        await first.close()
        await second.close()


@pytest.mark.parametrize(
    ("old", "new"),
    [(State.QUEUED, State.DELIVERED), (State.DELIVERED, State.QUEUED), (State.HELD, State.BOUNCED)],
)
async def test_transition_outside_the_table_is_refused(
    store: Store, old: State, new: State
) -> None:
    msg = new_message(old if old in (State.QUEUED, State.HELD) else State.QUEUED)
    await store.add(msg, received(msg))
    with pytest.raises(InvalidTransition):
        await store.transition(msg.id, old, new, event(msg.id, "x"))


async def test_escalation_is_marked_once_and_only_when_held(store: Store) -> None:
    held, queued = new_message(State.HELD), new_message(State.QUEUED)
    for m in (held, queued):
        await store.add(m, received(m))

    assert await store.mark_escalated(held.id, event(held.id, "escalated"))
    assert not await store.mark_escalated(held.id, event(held.id, "escalated"))
    assert not await store.mark_escalated(queued.id, event(queued.id, "escalated"))
    got = await store.get(held.id)
    assert got is not None and got.escalated


async def test_due_lists_timed_out_holds_and_ended_delays(store: Store) -> None:
    old_hold = new_message(State.HELD, hold_until=T0 + 10)
    new_hold = new_message(State.HELD, hold_until=T0 + 100)
    old_delay = new_message(State.DELAYED, next_attempt_at=T0 + 10)
    new_delay = new_message(State.DELAYED, next_attempt_at=T0 + 100)
    for m in (old_hold, new_hold, old_delay, new_delay):
        await store.add(m, received(m))

    assert [m.id for m in await store.due(State.HELD, T0 + 50, 10)] == [old_hold.id]
    assert [m.id for m in await store.due(State.DELAYED, T0 + 50, 10)] == [old_delay.id]
    assert len(await store.due(State.HELD, T0 + 100, 1)) == 1


async def test_due_escalations_are_held_unescalated_and_past_their_time(store: Store) -> None:
    due = new_message(State.HELD, received_at=T0)
    later = new_message(State.HELD, received_at=T0 + 3000)
    never = new_message(State.HELD, received_at=T0, decision=PASS_EVERYTHING)
    done = new_message(State.HELD, received_at=T0)
    for m in (due, later, never, done):
        await store.add(m, received(m))
    await store.mark_escalated(done.id, event(done.id, "escalated"))

    found = await store.due_escalations(T0 + 3600, 10)

    assert [m.id for m in found] == [due.id]
