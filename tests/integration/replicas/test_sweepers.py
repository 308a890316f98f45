"""Two replicas' sweepers over one PostgreSQL database: each timeout, delay and escalation is
processed once, and its mails are sent once, however the sweeps interleave."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mailguard.adapters.store.postgres import PostgresStore
from mailguard.core.lifecycle import State
from mailguard.core.model import Action, Decision
from mailguard.workflow.approval.workflow import Workflow
from tests.integration.approval.conftest import ADMIN, SENDER, Flow, config, hold
from tests.support.clock import FakeClock

pytestmark = pytest.mark.postgres


@pytest.fixture
async def replicas(postgres_dsn: str, tmp_path: Path) -> AsyncIterator[tuple[Flow, Flow]]:
    clock = FakeClock()
    flows = []
    for _ in range(2):
        store = PostgresStore(postgres_dsn, pool_size=3)
        await store.open()
        workflow = Workflow(
            config(tmp_path), store, clock=clock, wake=lambda: None, policy=lambda: None
        )
        flows.append(Flow(workflow, store, clock))  # type: ignore[arg-type]
    yield flows[0], flows[1]
    for flow in flows:
        await flow.store.close()


async def sweep_both(one: Flow, two: Flow) -> list[int]:
    return sorted(await asyncio.gather(one.workflow.sweeper.sweep(), two.workflow.sweeper.sweep()))


async def test_a_hold_is_escalated_once_and_timed_out_once(replicas: tuple[Flow, Flow]) -> None:
    one, two = replicas
    message_id = await one.add(decision=hold(escalate_after_seconds=600, escalate_to=(ADMIN,)))
    one.clock.advance(600)
    assert await sweep_both(one, two) == [0, 1]
    assert await sweep_both(one, two) == [0, 0]
    assert len(await one.notices(ADMIN)) == 1

    one.clock.advance(3600)
    before = len(await one.notices(SENDER))
    assert await sweep_both(one, two) == [0, 1]
    assert (await one.get(message_id)).state is State.REJECTED
    assert len(await one.notices(SENDER)) == before + 1
    events = [e.event for e in await one.store.audit_events(message_id=message_id)]
    assert events.count("escalated") == 1 and events.count("timeout") == 1


async def test_an_elapsed_delay_is_released_once(replicas: tuple[Flow, Flow]) -> None:
    one, two = replicas
    message_id = await one.add(State.DELAYED, Decision(Action.DELAY, delay_seconds=300))
    one.clock.advance(300)
    assert await sweep_both(one, two) == [0, 1]
    assert (await two.get(message_id)).state is State.QUEUED
    events = [e.event for e in await two.store.audit_events(message_id=message_id)]
    assert events.count("delay_elapsed") == 1
