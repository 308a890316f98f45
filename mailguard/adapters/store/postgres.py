"""The PostgreSQL store: one database shared by several mailguard replicas.

Why asyncpg (not psycopg 3): it is asyncio-native end to end (no thread hand-off), speaks the
binary protocol with prepared statements cached per connection (the hot ``add``/``claim``/
``finish`` queries are parsed once per connection), and has first-class ``LISTEN`` support
(``add_listener``) that ``wait_for_work`` builds on.

How replicas cooperate, all through the database:

* ``claim`` takes due rows with ``FOR UPDATE SKIP LOCKED`` and stamps a lease; a row whose
  lease expired (its replica died) is claimable again, so nothing stays stuck.
* Every state change is ``UPDATE ... WHERE id = $1 AND state = $2 RETURNING``, committed with
  its audit record: when the sweepers of two replicas both see a timed-out hold in ``due``,
  exactly one transition wins and only the winner acts on it. ``mark_escalated`` likewise.
* A message that becomes claimable is announced with ``pg_notify`` right after its COMMIT
  (bursts coalesced into one), so workers on every replica wake (``pg_listen``). The channel
  is per schema, so two installations sharing a database do not wake each other.
* Each write and its audit record are one statement (a data-modifying CTE): one round trip,
  one implicit transaction. ``add`` returns after COMMIT with ``synchronous_commit`` on, so the
  WAL is flushed before the relay says 250. Concurrent adds on separate pool connections share
  WAL flushes (PostgreSQL's own group commit), so unlike SQLite there is no batching writer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

import asyncpg

from mailguard.adapters.store import pg_migrate
from mailguard.adapters.store.pg_errors import translated
from mailguard.adapters.store.pg_listen import CHANNEL, Announcer, WorkListener
from mailguard.adapters.store.pg_sql import AUDITED
from mailguard.adapters.store.pg_sql import QUERIES as Q
from mailguard.adapters.store.rows import (
    audit_from_row,
    audit_params,
    audit_params_for,
    finish_params,
    message_from_row,
    message_params,
    transition_params,
)
from mailguard.core.errors import InvalidTransition, StoreUnavailable, StoreUnreachable
from mailguard.core.lifecycle import INITIAL, State
from mailguard.workflow.ports.store import AttemptResult, AuditEvent, NewMessage, StoredMessage

_WORK_STATES = frozenset({State.QUEUED, State.DEFERRED})


class PostgresStore:
    """``Store`` over a PostgreSQL database (``dsn``: any libpq URL asyncpg accepts)."""

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
            "server_settings": _server_settings(dsn),
        }
        self._pool_size = pool_size
        self._pool: Any = None
        self._channel = CHANNEL
        self._listener: WorkListener | None = None
        self._announcer = Announcer(self._notify)

    # -- lifecycle -------------------------------------------------------------------------

    async def open(self) -> None:
        with translated("connecting", outage=StoreUnreachable):
            pool = await asyncpg.create_pool(
                min_size=1, max_size=self._pool_size, **self._connect_kwargs
            )
            try:
                async with pool.acquire() as conn:
                    await pg_migrate.migrate(conn)
                    schema = await conn.fetchval("SELECT current_schema()")
            except BaseException:
                pool.terminate()
                raise
        self._pool = pool
        if schema != "public":
            self._channel = f"{CHANNEL}:{schema}"
        self._listener = WorkListener(self._connect_kwargs, self._channel)
        await self._listener.start()

    async def close(self) -> None:
        await self._announcer.close()
        if self._listener is not None:
            await self._listener.close()
            self._listener = None
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    async def ping(self) -> None:
        with translated("checking the connection"):
            async with self._acquire() as conn:
                if not await conn.fetchval(Q["ready"].sql):
                    raise StoreUnavailable("PostgreSQL is a read-only standby (in recovery)")

    # -- writes ----------------------------------------------------------------------------

    async def add(self, message: NewMessage, audit: AuditEvent) -> None:
        if message.state not in INITIAL:
            raise InvalidTransition(f"a message cannot be stored as {message.state.value}")
        audit_row = audit_params_for(audit, None, message.state)
        await self._write_with_audit("insert_message", message_params(message), audit_row)
        self._made_work(message.state)

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
        params = transition_params(
            message_id,
            old,
            new,
            audit,
            next_attempt_at=next_attempt_at,
            decided_by=decided_by,
            decision_comment=decision_comment,
        )
        won = await self._write_with_audit("transition", params, audit_params_for(audit, old, new))
        if won:
            self._made_work(new)
        return won

    async def mark_escalated(self, message_id: str, audit: AuditEvent) -> bool:
        params = {"id": message_id, "at": audit.at}
        return await self._write_with_audit("mark_escalated", params, audit_params_for(audit))

    async def finish(
        self, message_id: str, owner: str, result: AttemptResult, audit: AuditEvent
    ) -> bool:
        params = finish_params(message_id, owner, result, audit)
        audit_row = audit_params_for(audit, State.DELIVERING, result.state)
        won = await self._write_with_audit("finish", params, audit_row)
        if won:
            self._made_work(result.state)
        return won

    async def _write_with_audit(
        self, query: str, params: dict[str, Any], audit_row: dict[str, Any]
    ) -> bool:
        """One statement: the (conditional) write and, iff it matched, its audit record."""
        statement = AUDITED[query]
        args = statement.args({**params, **{f"audit_{k}": v for k, v in audit_row.items()}})
        with translated(f"writing ({query})"):
            async with self._acquire() as conn:
                return await conn.fetchval(statement.sql, *args) is not None

    async def claim(
        self, owner: str, now: float, lease_seconds: float, limit: int
    ) -> list[StoredMessage]:
        params = {"owner": owner, "now": now, "lease_until": now + lease_seconds, "limit": limit}
        return await self._select("claim", params, "claiming messages")

    async def add_audit(self, audit: AuditEvent) -> None:
        with translated("writing the audit trail"):
            async with self._acquire() as conn:
                await self._run(conn, "insert_audit", audit_params(audit))

    # -- reads -----------------------------------------------------------------------------

    async def get(self, message_id: str, *, with_raw: bool = False) -> StoredMessage | None:
        query = Q["get_message_with_raw" if with_raw else "get_message"]
        with translated("reading a message"):
            async with self._acquire() as conn:
                row = await conn.fetchrow(query.sql, *query.args({"id": message_id}))
        return None if row is None else message_from_row(row)

    async def due(self, state: State, now: float, limit: int) -> list[StoredMessage]:
        queries = {State.HELD: "due_held", State.DELAYED: "due_delayed"}
        if state not in queries:
            raise ValueError(f"due() sweeps held or delayed messages, not {state.value}")
        return await self._select(queries[state], {"now": now, "limit": limit})

    async def due_escalations(self, now: float, limit: int) -> list[StoredMessage]:
        return await self._select("due_escalations", {"now": now, "limit": limit})

    async def list_messages(
        self,
        states: Sequence[State] = (),
        *,
        sender: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[StoredMessage]:
        params = {
            "states": [s.value for s in states],
            "sender": sender,
            "limit": limit,
            "offset": offset,
        }
        return await self._select("list_messages", params)

    async def count_by_state(self) -> dict[State, int]:
        rows = await self._fetch("count_by_state", {})
        counts = dict.fromkeys(State, 0)
        counts.update({State(row["state"]): row["n"] for row in rows})
        return counts

    async def audit_events(
        self, *, since: float | None = None, message_id: str | None = None
    ) -> list[AuditEvent]:
        rows = await self._fetch("audit_events", {"since": since, "message_id": message_id})
        return [audit_from_row(row) for row in rows]

    async def wait_for_work(self, timeout: float) -> None:
        if self._listener is None:
            raise StoreUnavailable("the PostgreSQL store is not open")
        await self._listener.wait(timeout)

    # -- plumbing --------------------------------------------------------------------------

    def _acquire(self) -> Any:
        if self._pool is None:
            raise StoreUnavailable("the PostgreSQL store is not open")
        return self._pool.acquire(timeout=self._connect_kwargs["timeout"])

    @staticmethod
    async def _run(conn: Any, query: str, params: dict[str, Any]) -> None:
        await conn.execute(Q[query].sql, *Q[query].args(params))

    async def _fetch(self, query: str, params: dict[str, Any], what: str = "reading") -> Any:
        with translated(what):
            async with self._acquire() as conn:
                return await conn.fetch(Q[query].sql, *Q[query].args(params))

    async def _select(
        self, query: str, params: dict[str, Any], what: str = "reading messages"
    ) -> list[StoredMessage]:
        return [message_from_row(row) for row in await self._fetch(query, params, what)]

    def _made_work(self, state: State) -> None:
        """Wake this replica's own workers at once, and the others' through a NOTIFY."""
        if state in _WORK_STATES and self._listener is not None:
            self._listener.wake()
            self._announcer.poke()

    async def _notify(self) -> None:
        query = Q["notify_work"]
        async with self._acquire() as conn:
            await conn.execute(query.sql, *query.args({"channel": self._channel}))


def _server_settings(dsn: str) -> dict[str, str]:
    """WAL flushed before COMMIT returns (the 250 rule), whatever the server's default; named
    ``mailguard`` in ``pg_stat_activity`` unless the DSN names the sessions itself."""
    settings = {"synchronous_commit": "on"}
    if "application_name" not in parse_qs(urlsplit(dsn).query):
        settings["application_name"] = "mailguard"
    return settings
