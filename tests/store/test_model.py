"""Random sequences of store operations against a model of what they must do (every backend).

The model is the state table itself plus leases: whatever order adds, transitions, claims and
finishes come in, the store must agree with the model on every message's state and owner,
on the counts, and on one audit row per change that happened (and none for one refused).
"""

from __future__ import annotations

import asyncio
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from mailguard.adapters.store.postgres import PostgresStore
from mailguard.adapters.store.sqlite import SqliteStore
from mailguard.core.errors import InvalidTransition
from mailguard.core.lifecycle import INITIAL, TRANSITIONS, State
from mailguard.workflow.ports.store import AttemptResult, Store
from tests import pg
from tests.store.messages import T0, event, new_message, received

LEASE = 30.0
OWNERS = ("w1", "w2")


@dataclass
class Model:
    state: State
    next_attempt_at: float
    lease_owner: str | None = None
    lease_until: float | None = None
    audits: int = 1


class StoreMachine(RuleBasedStateMachine):
    """One example's store is fresh, empty storage made by ``new_store`` (per backend)."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.storage = ExitStack()
        self.store = self.new_store(self.storage)
        self.run(self.store.open())
        self.now = T0
        self.model: dict[str, Model] = {}

    def run(self, coro):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coro)

    def teardown(self) -> None:
        self.run(self.store.close())
        self.loop.close()
        self.storage.close()

    def new_store(self, storage: ExitStack) -> Store:
        raise NotImplementedError

    @rule(state=st.sampled_from(sorted(INITIAL)), delay=st.sampled_from([0.0, 10.0]))
    def add(self, state: State, delay: float) -> None:
        msg = new_message(state, received_at=self.now, next_attempt_at=self.now + delay)
        self.run(self.store.add(msg, received(msg)))
        self.model[msg.id] = Model(state, self.now + delay)

    @rule(seconds=st.sampled_from([1.0, 15.0, 31.0]))
    def advance(self, seconds: float) -> None:
        self.now += seconds

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data(), new=st.sampled_from(list(State)))
    def transition(self, data: st.DataObject, new: State) -> None:
        mid = data.draw(st.sampled_from(sorted(self.model)))
        old = data.draw(st.sampled_from(list(State)))
        expected = self.model[mid]
        try:
            won = self.run(self.store.transition(mid, old, new, event(mid, "t", at=self.now)))
        except InvalidTransition:
            assert new not in TRANSITIONS[old]
            return
        assert new in TRANSITIONS[old]
        assert won == (expected.state is old)
        if won:
            expected.state = new
            expected.audits += 1
            if new is not State.DELIVERING:
                # Leaving DELIVERING drops the lease: no stale owner on a queued message.
                expected.lease_owner = expected.lease_until = None

    @rule(owner=st.sampled_from(OWNERS), limit=st.integers(1, 3))
    def claim(self, owner: str, limit: int) -> None:
        claimed = self.run(self.store.claim(owner, self.now, LEASE, limit))
        due = {
            mid
            for mid, m in self.model.items()
            if (m.state in (State.QUEUED, State.DEFERRED) and m.next_attempt_at <= self.now)
            or (m.state is State.DELIVERING and (m.lease_until or 0) <= self.now)
        }
        assert len(claimed) == min(limit, len(due))
        for message in claimed:
            assert message.id in due
            m = self.model[message.id]
            m.state, m.lease_owner, m.lease_until = State.DELIVERING, owner, self.now + LEASE
            m.audits += 1

    @precondition(lambda self: bool(self.model))
    @rule(
        data=st.data(),
        owner=st.sampled_from(OWNERS),
        result=st.sampled_from([State.DELIVERED, State.DEFERRED, State.BOUNCED, State.QUEUED]),
    )
    def finish(self, data: st.DataObject, owner: str, result: State) -> None:
        mid = data.draw(st.sampled_from(sorted(self.model)))
        m = self.model[mid]
        outcome = AttemptResult(result, (), self.now + 60)
        won = self.run(self.store.finish(mid, owner, outcome, event(mid, "f", at=self.now)))
        assert won == (m.state is State.DELIVERING and m.lease_owner == owner)
        if won:
            m.state, m.next_attempt_at = result, self.now + 60
            m.lease_owner = m.lease_until = None
            m.audits += 1

    @invariant()
    def store_agrees_with_the_model(self) -> None:
        counts = self.run(self.store.count_by_state())
        for state in State:
            assert counts[state] == sum(m.state is state for m in self.model.values())
        for mid, m in self.model.items():
            got = self.run(self.store.get(mid))
            assert got is not None
            assert (got.state, got.lease_owner) == (m.state, m.lease_owner)
            assert len(self.run(self.store.audit_events(message_id=mid))) == m.audits


class SqliteMachine(StoreMachine):
    def new_store(self, storage: ExitStack) -> Store:
        directory = storage.enter_context(tempfile.TemporaryDirectory())
        return SqliteStore(Path(directory) / "s.sqlite3", fsync=False)


class PostgresMachine(StoreMachine):
    def new_store(self, storage: ExitStack) -> Store:
        return PostgresStore(storage.enter_context(pg.fresh_schema()), pool_size=2)


SETTINGS = settings(max_examples=40, stateful_step_count=30, deadline=None)
TestSqliteModel = SqliteMachine.TestCase
TestSqliteModel.settings = SETTINGS
TestPostgresModel = PostgresMachine.TestCase
TestPostgresModel.settings = SETTINGS
TestPostgresModel = pytest.mark.usefixtures("_postgres_reachable")(TestPostgresModel)
TestPostgresModel = pytest.mark.postgres(TestPostgresModel)
