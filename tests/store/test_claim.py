"""Delivery workers' leases: claim, expiry and re-claim, only the owner finishes."""

from __future__ import annotations

import asyncio

import pytest

from mailguard.core.errors import InvalidTransition
from mailguard.core.lifecycle import State
from mailguard.workflow.ports.store import AttemptResult, Store
from tests.store.conftest import StoreMaker
from tests.store.messages import T0, event, new_message, received


async def _queued(store: Store, **kw: float) -> str:
    msg = new_message(State.QUEUED, **kw)  # type: ignore[arg-type]
    await store.add(msg, received(msg))
    return msg.id


async def test_claim_takes_due_messages_under_a_lease(store: Store) -> None:
    due = await _queued(store, next_attempt_at=T0)
    await _queued(store, next_attempt_at=T0 + 100)

    claimed = await store.claim("w1", T0 + 1, 30, 10)

    assert [m.id for m in claimed] == [due]
    m = claimed[0]
    assert m.state is State.DELIVERING and m.raw is not None
    assert (m.lease_owner, m.lease_until, m.attempts) == ("w1", T0 + 31, 1)
    assert await store.claim("w2", T0 + 1, 30, 10) == []


async def test_claim_respects_the_limit(store: Store) -> None:
    for _ in range(3):
        await _queued(store)
    assert len(await store.claim("w1", T0, 30, 2)) == 2
    assert len(await store.claim("w1", T0, 30, 2)) == 1


async def test_expired_lease_is_claimed_again(store: Store) -> None:
    mid = await _queued(store)
    await store.claim("dead", T0, 30, 10)

    assert await store.claim("w2", T0 + 29, 30, 10) == []
    again = await store.claim("w2", T0 + 31, 30, 10)

    assert [(m.id, m.lease_owner, m.attempts) for m in again] == [(mid, "w2", 2)]
    result = AttemptResult(State.DELIVERED, (), T0 + 32)
    assert not await store.finish(mid, "dead", result, event(mid, "delivered"))
    assert await store.finish(mid, "w2", result, event(mid, "delivered"))


async def test_delivering_without_a_lease_is_claimable(store: Store) -> None:
    """A plain transition into DELIVERING sets no lease; such a message must not be stuck."""
    mid = await _queued(store)
    await store.transition(mid, State.QUEUED, State.DELIVERING, event(mid, "moved"))

    assert [(m.id, m.lease_owner) for m in await store.claim("w1", T0, 30, 10)] == [(mid, "w1")]
    assert await store.claim("w2", T0, 30, 10) == []


async def test_a_message_handed_back_from_delivering_keeps_no_stale_lease(store: Store) -> None:
    """Both backends agree: leaving DELIVERING by a transition drops the owner and the lease."""
    mid = await _queued(store)
    await store.claim("w1", T0, 30, 10)

    assert await store.transition(mid, State.DELIVERING, State.QUEUED, event(mid, "handed back"))

    got = await store.get(mid)
    assert got is not None
    assert (got.state, got.lease_owner, got.lease_until) == (State.QUEUED, None, None)


async def test_finish_records_the_outcome_and_releases_the_lease(store: Store) -> None:
    mid = await _queued(store)
    await store.claim("w1", T0, 30, 10)

    result = AttemptResult(State.DEFERRED, ("b@partner.example",), T0 + 300, "451 busy")
    assert await store.finish(mid, "w1", result, event(mid, "deferred", actor="worker:w1"))

    got = await store.get(mid)
    assert got is not None
    assert (got.state, got.pending_rcpts, got.next_attempt_at, got.last_error) == (
        State.DEFERRED,
        ("b@partner.example",),
        T0 + 300,
        "451 busy",
    )
    assert got.lease_owner is None
    assert await store.claim("w1", T0 + 299, 30, 10) == []
    assert [m.id for m in await store.claim("w1", T0 + 300, 30, 10)] == [mid]


async def test_finish_outside_the_table_is_refused(store: Store) -> None:
    mid = await _queued(store)
    await store.claim("w1", T0, 30, 10)
    with pytest.raises(InvalidTransition):
        await store.finish(mid, "w1", AttemptResult(State.HELD, (), T0), event(mid, "x"))


async def test_two_stores_never_claim_the_same_message(store_maker: StoreMaker) -> None:
    first, second = store_maker(), store_maker()
    await first.open()
    await second.open()
    try:
        ids = {await _queued(first) for _ in range(20)}
        batches = await asyncio.gather(
            *(s.claim(f"w{i}", T0, 30, 3) for i in range(4) for s in (first, second))
        )
        claimed = [m.id for batch in batches for m in batch]
        assert sorted(claimed) == sorted(ids)
    finally:
        await first.close()
        await second.close()
