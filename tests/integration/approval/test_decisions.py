"""Decisions over a real store: the first wins, the sender never approves, everyone is told."""

from __future__ import annotations

import asyncio

import pytest

from mailguard.core.errors import DecisionRefused, UnknownMessage
from mailguard.core.lifecycle import State
from mailguard.workflow import metrics
from mailguard.workflow.approval.decisions import Actor, Result
from tests.integration.approval.conftest import (
    ADMIN,
    APPROVER,
    BASE_URL,
    SECOND,
    SENDER,
    Flow,
    hold,
)


async def release(flow: Flow, message_id: str, actor: Actor, comment: str = "") -> Result:
    return await flow.workflow.decisions.moderate(message_id, actor, "released", comment)


async def reject(flow: Flow, message_id: str, actor: Actor, comment: str = "") -> Result:
    return await flow.workflow.decisions.moderate(message_id, actor, "rejected", comment)


async def test_a_hold_asks_each_approver_with_a_personal_link_and_tells_the_sender(
    flow: Flow,
) -> None:
    message_id = await flow.add()
    first, second = await flow.notices(APPROVER), await flow.notices(SECOND)
    assert len(first) == len(second) == 1
    assert first[0].link.startswith(f"{BASE_URL}/approve/{message_id}?t=")
    assert first[0].token != second[0].token
    assert "Approval needed: 内定のご連絡" in first[0].subject
    (notice,) = await flow.notices(SENDER)
    assert "/status/" in notice.link and APPROVER in notice.text
    events = [e.event for e in await flow.store.audit_events(message_id=message_id)]
    assert events.count("notified") == 2
    assert flow.wakes


def decided_count(outcome: str, quick: str = "no") -> float:
    labels = {"outcome": outcome, "quick": quick}
    return metrics.REGISTRY.get_sample_value("mailguard_decisions_total", labels) or 0.0


async def test_release_queues_the_message_and_tells_the_sender(flow: Flow) -> None:
    message_id = await flow.add()
    before = decided_count("released")
    result = await release(
        flow, message_id, Actor("approver", APPROVER, "192.0.2.1", "Firefox"), "looks fine"
    )
    assert result.won and result.message.state is State.QUEUED
    assert result.message.decided_by == f"approver:{APPROVER}"
    (told,) = [n for n in await flow.notices(SENDER) if "Approved" in n.subject]
    assert f"{APPROVER} approved your message" in told.text
    (audit,) = [
        e for e in await flow.store.audit_events(message_id=message_id) if e.event == "released"
    ]
    assert decided_count("released") == before + 1
    assert (audit.client_addr, audit.user_agent, audit.comment) == (
        "192.0.2.1",
        "Firefox",
        "looks fine",
    )


async def test_a_later_decision_loses_and_learns_who_decided(flow: Flow) -> None:
    message_id = await flow.add()
    await reject(flow, message_id, Actor("approver", SECOND), "wrong person")
    late = await release(flow, message_id, Actor("approver", APPROVER))
    assert not late.won
    assert late.message.state is State.REJECTED
    assert late.message.decided_by == f"approver:{SECOND}"
    assert late.message.decided_at is not None


async def test_two_concurrent_decisions_have_exactly_one_winner(flow: Flow) -> None:
    message_id = await flow.add()
    results = await asyncio.gather(
        release(flow, message_id, Actor("approver", APPROVER)),
        reject(flow, message_id, Actor("approver", SECOND)),
    )
    assert sorted(r.won for r in results) == [False, True]
    decided = [
        e
        for e in await flow.store.audit_events(message_id=message_id)
        if e.event in ("released", "rejected")
    ]
    assert len(decided) == 1


async def test_reject_with_comment_tells_the_sender_and_queues_nothing(flow: Flow) -> None:
    message_id = await flow.add()
    await reject(flow, message_id, Actor("approver", APPROVER), "宛先が違います")
    assert (await flow.get(message_id)).state is State.REJECTED
    (told,) = [n for n in await flow.notices(SENDER) if "Not sent" in n.subject]
    assert "宛先が違います" in told.text


@pytest.mark.parametrize("who", [SENDER, "TANAKA@Example.co.jp", "tanaka+x@example.co.jp"])
async def test_the_sender_cannot_decide_even_if_listed_as_approver(flow: Flow, who: str) -> None:
    message_id = await flow.add(decision=hold(approvers=(SENDER, APPROVER)))
    with pytest.raises(DecisionRefused, match="sender"):
        await release(flow, message_id, Actor("approver", who))
    assert (await flow.get(message_id)).state is State.HELD


async def test_a_stranger_cannot_decide(flow: Flow) -> None:
    message_id = await flow.add()
    with pytest.raises(DecisionRefused, match="not an approver"):
        await release(flow, message_id, Actor("approver", "someone@example.co.jp"))
    with pytest.raises(UnknownMessage):
        await release(flow, "nope", Actor("approver", APPROVER))


async def test_nobody_left_to_approve_alerts_the_admins_who_may_decide(flow: Flow) -> None:
    message_id = await flow.add(decision=hold(approvers=()))
    (alert,) = await flow.notices(ADMIN)
    assert "Nobody can approve" in alert.subject
    assert (await flow.get(message_id)).state is State.HELD
    (sender_notice,) = await flow.notices(SENDER)
    assert "Who will decide: an administrator" in sender_notice.text
    with pytest.raises(DecisionRefused):
        await release(flow, message_id, Actor("approver", ADMIN))
    assert (await release(flow, message_id, Actor("admin", ADMIN))).won


async def test_an_operator_may_decide_anything(flow: Flow) -> None:
    message_id = await flow.add()
    assert (await reject(flow, message_id, Actor("operator", "root"))).won
    assert (await flow.get(message_id)).decided_by == "operator:root"


async def test_the_sender_withdraws_a_delay_in_time_and_nothing_is_queued(flow: Flow) -> None:
    message_id = await flow.add(State.DELAYED)
    (notice,) = await flow.notices(SENDER)
    assert "/status/" in notice.link
    with pytest.raises(DecisionRefused):
        await flow.workflow.decisions.withdraw(message_id, Actor("sender", APPROVER))
    assert (await flow.workflow.decisions.withdraw(message_id, Actor("sender", SENDER))).won
    flow.clock.advance(301)
    assert await flow.workflow.sweeper.sweep() == 0
    assert (await flow.get(message_id)).state is State.REJECTED


async def test_send_now_cuts_a_delay_short_but_not_a_hold(flow: Flow) -> None:
    delayed = await flow.add(State.DELAYED)
    held = await flow.add()
    assert (await flow.workflow.decisions.send_now(delayed, Actor("sender", SENDER))).won
    assert (await flow.get(delayed)).state is State.QUEUED
    assert not (await flow.workflow.decisions.send_now(held, Actor("sender", SENDER))).won
    assert (await flow.get(held)).state is State.HELD


async def test_a_decision_seconds_after_the_page_opened_counts_as_quick(flow: Flow) -> None:
    message_id = await flow.add()
    before = decided_count("rejected", "yes")
    await flow.workflow.decisions.moderate(
        message_id, Actor("approver", APPROVER), "rejected", seconds_on_page=1.0
    )
    assert decided_count("rejected", "yes") == before + 1
