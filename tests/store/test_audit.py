"""The audit trail and the work signal."""

from __future__ import annotations

import asyncio

from mailguard.core.lifecycle import State
from mailguard.workflow.ports.store import AttemptResult, AuditEvent, Store
from tests.store.messages import T0, event, new_message, received


async def test_audit_keeps_every_field_in_order(store: Store) -> None:
    msg = new_message(State.HELD)
    await store.add(msg, received(msg))
    view = AuditEvent(
        msg.id,
        T0 + 2,
        "approver:boss@example.co.jp",
        "viewed",
        client_addr="192.0.2.1",
        user_agent="Mozilla/5.0",
        comment="<script>",
    )
    await store.add_audit(view)

    trail = await store.audit_events(message_id=msg.id)

    assert [a.event for a in trail] == ["received", "viewed"]
    assert trail[0].to_state is State.HELD and trail[0].from_state is None
    assert trail[1] == view


async def test_audit_since_and_per_message(store: Store) -> None:
    a, b = new_message(received_at=T0), new_message(received_at=T0 + 10)
    for m in (a, b):
        await store.add(m, received(m))
    await store.add_audit(event(a.id, "viewed", at=T0 + 20))

    assert [e.message_id for e in await store.audit_events(since=T0 + 5)] == [b.id, a.id]
    assert len(await store.audit_events()) == 3


async def test_wait_for_work_times_out_when_idle(store: Store) -> None:
    await store.wait_for_work(0.01)
    await store.wait_for_work(0.01)  # nothing set it: returns by timeout again


async def test_new_queued_message_wakes_a_waiter(store: Store) -> None:
    await store.wait_for_work(0.01)
    waiter = asyncio.create_task(store.wait_for_work(30))
    await asyncio.sleep(0)
    msg = new_message(State.QUEUED)
    await store.add(msg, received(msg))
    await asyncio.wait_for(waiter, 5)


async def test_release_and_deferral_wake_waiters_but_a_hold_does_not(store: Store) -> None:
    held = new_message(State.HELD)
    await store.add(held, received(held))
    idle = asyncio.create_task(store.wait_for_work(0.2))
    await asyncio.sleep(0)
    assert not idle.done()

    waiter = asyncio.create_task(store.wait_for_work(30))
    await asyncio.sleep(0)
    await store.transition(held.id, State.HELD, State.QUEUED, event(held.id, "released"))
    await asyncio.wait_for(waiter, 5)

    await store.claim("w1", T0, 30, 1)
    waiter = asyncio.create_task(store.wait_for_work(30))
    await asyncio.sleep(0)
    result = AttemptResult(State.DEFERRED, held.envelope.rcpt_tos, T0 + 60, "451")
    await store.finish(held.id, "w1", result, event(held.id, "deferred"))
    await asyncio.wait_for(waiter, 5)
    await idle


async def test_a_waiter_cancelled_as_work_arrives_is_cancelled(store: Store) -> None:
    """The delivery watcher stops by cancellation racing wake-ups; 3.11's ``wait_for`` would
    accept the cancel and then return normally, and a watcher looping on it never stopped."""
    await store.wait_for_work(0.01)
    waiter = asyncio.create_task(store.wait_for_work(30))
    await asyncio.sleep(0)
    msg = new_message(State.QUEUED)
    adding = asyncio.create_task(store.add(msg, received(msg)))
    accepted: list[bool] = []
    # Cancel in the very loop iteration in which the add's wake-up reaches the waiter.
    adding.add_done_callback(lambda _: accepted.append(waiter.cancel()))
    await adding
    await asyncio.wait([waiter], timeout=5)
    assert waiter.done()
    assert waiter.cancelled() == accepted[0]
