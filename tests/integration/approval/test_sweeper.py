"""The sweeper: hold timeouts, delays running out and escalations, each exactly once."""

from __future__ import annotations

import asyncio

import pytest

from mailguard.core.errors import StoreUnavailable
from mailguard.core.lifecycle import State
from mailguard.workflow.ports.store import AuditEvent
from tests.integration.approval.conftest import APPROVER, SENDER, Flow, hold
from tests.store.messages import new_message


async def test_a_hold_past_its_timeout_is_rejected_and_the_sender_told(flow: Flow) -> None:
    message_id = await flow.add()
    flow.clock.advance(3599)
    assert await flow.workflow.sweeper.sweep() == 0
    flow.clock.advance(2)
    assert await flow.workflow.sweeper.sweep() == 1
    message = await flow.get(message_id)
    assert message.state is State.REJECTED and message.decided_by == "system:sweeper"
    (told,) = [n for n in await flow.notices(SENDER) if "period ended" in n.subject]
    assert "not sent" in told.subject
    assert await flow.workflow.sweeper.sweep() == 0


async def test_a_hold_whose_policy_says_release_is_sent_on_timeout(flow: Flow) -> None:
    message_id = await flow.add(decision=hold(on_timeout="release"))
    flow.clock.advance(3601)
    await flow.workflow.sweeper.sweep()
    assert (await flow.get(message_id)).state is State.QUEUED
    assert [n for n in await flow.notices(SENDER) if "period ended, sent" in n.subject]


async def test_a_delay_that_ran_out_is_queued_for_delivery(flow: Flow) -> None:
    message_id = await flow.add(State.DELAYED)
    await flow.workflow.sweeper.sweep()
    assert (await flow.get(message_id)).state is State.DELAYED
    flow.clock.advance(301)
    wakes = len(flow.wakes)
    assert await flow.workflow.sweeper.sweep() == 1
    assert (await flow.get(message_id)).state is State.QUEUED
    assert len(flow.wakes) > wakes


async def test_escalation_asks_the_next_group_once(flow: Flow) -> None:
    boss = "hr-boss@example.co.jp"
    message_id = await flow.add(decision=hold(escalate_after_seconds=600.0, escalate_to=(boss,)))
    flow.clock.advance(601)
    assert await flow.workflow.sweeper.sweep() == 1
    assert await flow.workflow.sweeper.sweep() == 0
    (asked,) = await flow.notices(boss)
    assert "Still waiting for approval" in asked.subject
    assert len(await flow.notices(APPROVER)) == 1
    assert (await flow.get(message_id)).escalated


async def test_a_hold_whose_hook_never_ran_is_announced_at_start_once(flow: Flow) -> None:
    message_id = await flow.add()
    silent = new_message(
        State.HELD, received_at=flow.clock() - 120, hold_until=flow.clock() + 3600, decision=hold()
    )
    await flow.store.add(silent, AuditEvent(silent.id, silent.received_at, "smtp", "received"))
    young = new_message(
        State.HELD, received_at=flow.clock(), hold_until=flow.clock() + 3600, decision=hold()
    )
    await flow.store.add(young, AuditEvent(young.id, young.received_at, "smtp", "received"))
    assert await flow.workflow.sweeper.catch_up() == 1
    assert await flow.workflow.sweeper.catch_up() == 0
    asked = [n for n in await flow.notices(APPROVER) if silent.id in n.text]
    assert len(asked) == 1
    assert len([n for n in await flow.notices(APPROVER) if message_id in n.text]) == 1


async def test_a_catch_up_that_failed_at_start_is_tried_again(
    flow: Flow, monkeypatch: pytest.MonkeyPatch
) -> None:
    silent = new_message(
        State.HELD, received_at=flow.clock() - 120, hold_until=flow.clock() + 3600, decision=hold()
    )
    await flow.store.add(silent, AuditEvent(silent.id, silent.received_at, "smtp", "received"))
    store_list = flow.store.list_messages
    refused = asyncio.Event()

    async def down_at_first(*args: object, **kwargs: object) -> object:
        if not refused.is_set():  # the database did not answer yet when the relay started
            refused.set()
            raise StoreUnavailable("PostgreSQL unavailable while connecting")
        return await store_list(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(flow.store, "list_messages", down_at_first)
    monkeypatch.setattr(flow.workflow.sweeper, "_interval", 0.01)
    sweeping = asyncio.create_task(flow.workflow.sweeper.run())
    try:
        await refused.wait()
        for _ in range(500):
            if any(silent.id in n.text for n in await flow.notices(APPROVER)):
                break
            await asyncio.sleep(0.01)
    finally:
        sweeping.cancel()
    assert [n for n in await flow.notices(APPROVER) if silent.id in n.text]
