"""The PostgreSQL store: one database shared by several mailguard replicas.

Why asyncpg (not psycopg 3): it is asyncio-native end to end (no thread hand-off), speaks the
binary protocol with prepared statements cached per connection (the hot ``add``/``claim``/
``finish`` queries are parsed once), and has first-class ``LISTEN`` support (``add_listener``)
that ``wait_for_work`` builds on.

How replicas cooperate, all through the database:

* ``claim`` takes due rows with ``FOR UPDATE SKIP LOCKED`` and stamps a lease; a row whose
  lease expired (its replica died) is claimable again, so nothing stays stuck.
* Every state change is ``UPDATE ... WHERE id = $1 AND state = $2 RETURNING``, committed with
  its audit record: when the sweepers of two replicas both see a timed-out hold in ``due``,
  exactly one transition wins and only the winner acts on it. ``mark_escalated`` likewise.
* A message that becomes claimable is announced with ``pg_notify`` inside its transaction, so
  workers on every replica wake at COMMIT (``pg_listen``).
* ``add`` returns after COMMIT with ``synchronous_commit`` on: the WAL is flushed before the
  relay says 250. Concurrent adds on separate pool connections share WAL flushes (PostgreSQL's
  own group commit), so there is no batching layer here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from mailguard.errors import InvalidTransition, StoreUnavailable
from mailguard.model import Decision, Envelope
from mailguard.states import INITIAL, State, allowed
from mailguard.store import pg_migrate
from mailguard.store.base import AttemptResult, AuditEvent, NewMessage, StoredMessage
from mailguard.store.pg_errors import translated
from mailguard.store.pg_listen import WorkListener
from mailguard.store.queries import load_queries

_Q = load_queries("mailguard.store", "sql/postgres.sql")

_CLAIMABLE = frozenset({State.QUEUED, State.DEFERRED})


class PostgresStore:
    def __init__(
        self,
        dsn: str,
        *,
        pool_size: int = 10,
        connect_timeout: float = 5.0,
        command_timeout: float = 30.0,
    ) -> None:
        self._connect_kwargs: dict[str, Any] = {
            "dsn": dsn,
            "timeout": connect_timeout,
            "command_timeout": command_timeout,
            "server_settings": {"synchronous_commit": "on", "application_name": "mailguard"},
        }
        self._pool_size = pool_size
        self._pool: Any = None
        self._listener = WorkListener(self._connect_kwargs)

    async def open(self) -> None:
        with translated("connecting"):
            self._pool = await asyncpg.create_pool(
                min_size=1, max_size=self._pool_size, init=_init_connection, **self._connect_kwargs
            )
            async with self._pool.acquire() as conn:
                await pg_migrate.migrate(conn)
        await self._listener.start()

    async def close(self) -> None:
        await self._listener.close()
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def ping(self) -> None:
        with translated("checking the connection"):
            async with self._acquire() as conn:
                if await conn.fetchval("SELECT pg_is_in_recovery()"):
                    raise StoreUnavailable("PostgreSQL is a read-only standby (in recovery)")

    async def add(self, message: NewMessage, audit: AuditEvent) -> None:
        if message.state not in INITIAL:
            raise InvalidTransition(f"a message cannot be stored as {message.state}")
        env = message.envelope
        with translated("storing a message"):
            async with self._acquire() as conn, conn.transaction():
                await conn.execute(
                    _Q["add_message"],
                    message.id,
                    message.state.value,
                    env.mail_from,
                    _envelope_to_json(env),
                    message.decision.to_store(),
                    message.raw,
                    len(message.raw),
                    message.received_at,
                    message.next_attempt_at,
                    message.hold_until,
                    list(env.rcpt_tos),
                )
                await _insert_audit(conn, audit)
                if message.state in _CLAIMABLE:
                    await conn.execute(_Q["notify_work"], message.id)
        if message.state in _CLAIMABLE:
            self._listener.wake()

    async def get(self, message_id: str, *, with_raw: bool = False) -> StoredMessage | None:
        query = _Q["get_message_with_raw" if with_raw else "get_message"]
        with translated("reading a message"):
            async with self._acquire() as conn:
                row = await conn.fetchrow(query, message_id)
        return None if row is None else _stored(row)

    async def transition(
        self,
        message_id: str,
        old: State,
        new: State,
        audit: AuditEvent,
        *,
        next_attempt_at: float | None = None,
        decided_by: str | None = None,
        decision_comment: str | None = None,
    ) -> bool:
        if not allowed(old, new):
            raise InvalidTransition(f"{old} -> {new} is not a transition of the state table")
        with translated("changing a message's state"):
            async with self._acquire() as conn, conn.transaction():
                won = await conn.fetchval(
                    _Q["transition"],
                    message_id,
                    old.value,
                    new.value,
                    audit.at,
                    next_attempt_at,
                    decided_by,
                    decision_comment,
                )
                if won is None:
                    return False
                await _insert_audit(conn, audit)
                if new in _CLAIMABLE:
                    await conn.execute(_Q["notify_work"], message_id)
        if new in _CLAIMABLE:
            self._listener.wake()
        return True

    async def mark_escalated(self, message_id: str, audit: AuditEvent) -> bool:
        with translated("marking an escalation"):
            async with self._acquire() as conn, conn.transaction():
                if await conn.fetchval(_Q["mark_escalated"], message_id, audit.at) is None:
                    return False
                await _insert_audit(conn, audit)
        return True

    async def claim(
        self, owner: str, now: float, lease_seconds: float, limit: int
    ) -> list[StoredMessage]:
        with translated("claiming messages"):
            async with self._acquire() as conn:
                rows = await conn.fetch(_Q["claim"], owner, now, lease_seconds, limit)
        return sorted((_stored(r) for r in rows), key=lambda m: m.next_attempt_at)

    async def finish(
        self, message_id: str, owner: str, result: AttemptResult, audit: AuditEvent
    ) -> bool:
        if not allowed(State.DELIVERING, result.state) or result.state is State.DELIVERING:
            raise InvalidTransition(f"an attempt cannot end in {result.state}")
        with translated("recording a delivery attempt"):
            async with self._acquire() as conn, conn.transaction():
                won = await conn.fetchval(
                    _Q["finish"],
                    message_id,
                    owner,
                    result.state.value,
                    list(result.pending_rcpts),
                    result.next_attempt_at,
                    result.last_error,
                    audit.at,
                )
                if won is None:
                    return False
                await _insert_audit(conn, audit)
                if result.state in _CLAIMABLE:
                    await conn.execute(_Q["notify_work"], message_id)
        return True

    async def due(self, state: State, now: float, limit: int) -> list[StoredMessage]:
        queries = {State.HELD: "due_held", State.DELAYED: "due_delayed"}
        if state not in queries:
            raise ValueError(f"only held and delayed messages come due, not {state}")
        return await self._select(queries[state], "finding due messages", now, limit)

    async def due_escalations(self, now: float, limit: int) -> list[StoredMessage]:
        return await self._select("due_escalations", "finding due escalations", now, limit)

    async def list_messages(
        self,
        states: Sequence[State] = (),
        *,
        sender: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[StoredMessage]:
        wanted = [s.value for s in states]
        return await self._select(
            "list_messages", "listing messages", wanted, sender, limit, offset
        )

    async def count_by_state(self) -> dict[State, int]:
        with translated("counting messages"):
            async with self._acquire() as conn:
                rows = await conn.fetch(_Q["count_by_state"])
        counts = dict.fromkeys(State, 0)
        counts.update({State(r["state"]): int(r["n"]) for r in rows})
        return counts

    async def add_audit(self, audit: AuditEvent) -> None:
        with translated("writing the audit trail"):
            async with self._acquire() as conn:
                await _insert_audit(conn, audit)

    async def audit_events(
        self, *, since: float | None = None, message_id: str | None = None
    ) -> list[AuditEvent]:
        with translated("reading the audit trail"):
            async with self._acquire() as conn:
                rows = await conn.fetch(_Q["audit_events"], since, message_id)
        return [_audit(r) for r in rows]

    async def wait_for_work(self, timeout: float) -> None:
        await self._listener.wait(timeout)

    async def _select(self, name: str, what: str, *args: Any) -> list[StoredMessage]:
        with translated(what):
            async with self._acquire() as conn:
                rows = await conn.fetch(_Q[name], *args)
        return [_stored(r) for r in rows]

    def _acquire(self) -> Any:
        if self._pool is None:
            raise StoreUnavailable("the PostgreSQL store is not open")
        return self._pool.acquire(timeout=self._connect_kwargs["timeout"])


async def _init_connection(conn: Any) -> None:
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def _insert_audit(conn: Any, audit: AuditEvent) -> None:
    await conn.execute(
        _Q["add_audit"],
        audit.message_id,
        audit.at,
        audit.actor,
        audit.event,
        None if audit.from_state is None else audit.from_state.value,
        None if audit.to_state is None else audit.to_state.value,
        audit.client_addr,
        audit.user_agent,
        audit.comment,
    )


def _envelope_to_json(env: Envelope) -> dict[str, Any]:
    return {
        "mail_from": env.mail_from,
        "rcpt_tos": list(env.rcpt_tos),
        "client_addr": env.client_addr,
        "auth_user": env.auth_user,
        "helo": env.helo,
    }


def _envelope_from_json(data: Mapping[str, Any]) -> Envelope:
    return Envelope(
        mail_from=str(data["mail_from"]),
        rcpt_tos=tuple(data["rcpt_tos"]),
        client_addr=str(data.get("client_addr") or ""),
        auth_user=data.get("auth_user"),
        helo=str(data.get("helo") or ""),
    )


def _stored(row: Mapping[str, Any]) -> StoredMessage:
    return StoredMessage(
        id=row["id"],
        state=State(row["state"]),
        envelope=_envelope_from_json(row["envelope"]),
        decision=Decision.from_store(row["decision"]),
        received_at=row["received_at"],
        updated_at=row["updated_at"],
        next_attempt_at=row["next_attempt_at"],
        hold_until=row["hold_until"],
        attempts=row["attempts"],
        pending_rcpts=tuple(row["pending_rcpts"]),
        size=row["size"],
        last_error=row["last_error"],
        lease_owner=row["lease_owner"],
        lease_until=row["lease_until"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        decision_comment=row["decision_comment"],
        escalated=row["escalated"],
        raw=None if row["raw"] is None else bytes(row["raw"]),
    )


def _audit(row: Mapping[str, Any]) -> AuditEvent:
    return AuditEvent(
        message_id=row["message_id"],
        at=row["at"],
        actor=row["actor"],
        event=row["event"],
        from_state=None if row["from_state"] is None else State(row["from_state"]),
        to_state=None if row["to_state"] is None else State(row["to_state"]),
        client_addr=row["client_addr"],
        user_agent=row["user_agent"],
        comment=row["comment"],
    )
