"""Several replicas on one PostgreSQL database: each piece of work is done once.

Two ``PostgresStore`` instances on one schema stand in for two replicas (each has its own pool
and listener connection, exactly as two processes would).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from mailguard.adapters.store.postgres import PostgresStore
from mailguard.core.errors import StoreUnavailable
from mailguard.core.lifecycle import State
from mailguard.workflow.ports.store import AttemptResult
from tests.pg import schema_of
from tests.store.messages import T0 as NOW
from tests.store.messages import event, new_message, received

pytestmark = pytest.mark.postgres


@pytest.fixture
async def replicas(postgres_dsn: str) -> AsyncIterator[tuple[PostgresStore, PostgresStore]]:
    one, two = PostgresStore(postgres_dsn, pool_size=4), PostgresStore(postgres_dsn, pool_size=4)
    await one.open()
    await two.open()
    yield one, two
    await one.close()
    await two.close()


async def test_concurrent_claims_from_two_replicas_take_each_message_once(
    replicas: tuple[PostgresStore, PostgresStore],
) -> None:
    one, _ = replicas
    ids = set()
    for _ in range(60):
        msg = new_message()
        ids.add(msg.id)
        await one.add(msg, received(msg))

    async def drain(store: PostgresStore, owner: str) -> list[str]:
        got: list[str] = []
        while batch := await store.claim(owner, NOW, 300, 7):
            got.extend(m.id for m in batch)
        return got

    results = await asyncio.gather(*(drain(s, f"w{i}") for i, s in enumerate(replicas * 3)))
    claimed = [mid for r in results for mid in r]
    assert sorted(claimed) == sorted(ids)


async def test_an_expired_lease_is_claimed_by_the_other_replica_and_the_old_owner_loses(
    replicas: tuple[PostgresStore, PostgresStore],
) -> None:
    one, two = replicas
    msg = new_message()
    await one.add(msg, received(msg))
    [first] = await one.claim("dead-replica", NOW, 30, 10)
    assert (first.lease_owner, first.lease_until) == ("dead-replica", NOW + 30)
    assert await two.claim("live-replica", NOW + 10, 30, 10) == []
    [again] = await two.claim("live-replica", NOW + 31, 30, 10)
    assert (again.id, again.lease_owner, again.attempts) == (msg.id, "live-replica", 2)
    trail = [(e.actor, e.event) for e in await one.audit_events(message_id=msg.id)]
    assert trail[-2:] == [("worker:dead-replica", "claimed"), ("worker:live-replica", "claimed")]
    assert again.raw == msg.raw
    done = AttemptResult(State.DELIVERED, (), NOW + 32)
    assert not await one.finish(msg.id, "dead-replica", done, event(msg.id, "delivered"))
    assert await two.finish(msg.id, "live-replica", done, event(msg.id, "delivered"))


async def test_a_timed_out_hold_seen_by_both_sweepers_is_processed_once(
    replicas: tuple[PostgresStore, PostgresStore],
) -> None:
    one, two = replicas
    msg = new_message(State.HELD, hold_until=NOW + 7200)  # escalates after 3600 s
    await one.add(msg, received(msg))
    assert [m.id for m in await two.due_escalations(NOW + 3600, 10)] == [msg.id]
    escalated = await asyncio.gather(
        one.mark_escalated(msg.id, event(msg.id, "escalated")),
        two.mark_escalated(msg.id, event(msg.id, "escalated")),
    )
    assert sorted(escalated) == [False, True]
    assert await one.due_escalations(NOW + 3600, 10) == []

    seen = [await s.due(State.HELD, NOW + 7200, 10) for s in replicas]
    assert [[m.id for m in s] for s in seen] == [[msg.id], [msg.id]]
    outcomes = await asyncio.gather(
        *(
            s.transition(msg.id, State.HELD, State.REJECTED, event(msg.id, "timeout"))
            for s in replicas
        )
    )
    assert sorted(outcomes) == [False, True]
    trail = [e.event for e in await one.audit_events(message_id=msg.id)]
    assert trail == ["received", "escalated", "timeout"]


async def test_a_release_on_one_replica_wakes_the_workers_of_the_other(
    replicas: tuple[PostgresStore, PostgresStore],
) -> None:
    one, two = replicas
    msg = new_message(State.HELD, hold_until=NOW + 3600)
    await one.add(msg, received(msg))
    await two.wait_for_work(0)  # consume any wake-up left from setup
    waiter = asyncio.ensure_future(two.wait_for_work(30))
    await asyncio.sleep(0)
    assert await one.transition(msg.id, State.HELD, State.QUEUED, event(msg.id, "released"))
    await asyncio.wait_for(waiter, 10)  # far below the 30 s poll: the NOTIFY woke it
    [claimed] = await two.claim("w", NOW, 60, 10)
    assert claimed.id == msg.id


async def test_the_listener_reconnects_after_its_backend_is_terminated(
    replicas: tuple[PostgresStore, PostgresStore], postgres_dsn: str
) -> None:
    one, two = replicas
    admin = await asyncpg.connect(postgres_dsn)
    try:
        killed = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = $1 AND query LIKE 'LISTEN%'",
            schema_of(postgres_dsn),
        )
        assert killed >= 2
        await asyncio.wait_for(two.wait_for_work(30), 10)  # the reconnect itself wakes workers
        for _ in range(100):
            n = await admin.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' "
                "AND application_name = $1",
                schema_of(postgres_dsn),
            )
            if n >= 2:
                break
            await asyncio.sleep(0.05)
    finally:
        await admin.close()
    msg = new_message()
    await two.wait_for_work(0)
    waiter = asyncio.ensure_future(two.wait_for_work(30))
    await one.add(msg, received(msg))
    await asyncio.wait_for(waiter, 10)


async def test_an_unreachable_database_raises_store_unavailable() -> None:
    store = PostgresStore("postgresql://postgres@127.0.0.1:1/none", connect_timeout=2)
    with pytest.raises(StoreUnavailable):
        await store.open()
    msg = new_message()
    with pytest.raises(StoreUnavailable):
        await store.add(msg, received(msg))
    await store.close()


async def test_the_pool_recovers_after_its_connections_are_terminated(
    replicas: tuple[PostgresStore, PostgresStore], postgres_dsn: str
) -> None:
    one, _ = replicas
    await one.ping()
    admin = await asyncpg.connect(postgres_dsn)
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = $1 AND pid <> pg_backend_pid()",
            schema_of(postgres_dsn),
        )
    finally:
        await admin.close()
    failures = 0
    for _ in range(8):  # an idle pooled connection may fail once before the pool replaces it
        try:
            await one.ping()
            break
        except StoreUnavailable:
            failures += 1
    assert failures < 8
