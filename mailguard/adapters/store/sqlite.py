"""The embedded store: one SQLite file in WAL mode, fsync'd on every commit.

Writes go through ``SqliteWriter`` (one thread, group commit); reads use a second connection
on their own thread, which WAL lets run alongside the writer. Neither ever blocks the event
loop. Every state change is one conditional ``UPDATE ... WHERE id = ? AND state = ?`` plus its
audit row in one transaction; ``BEGIN IMMEDIATE`` makes the select-then-update of ``claim``
atomic even against another process sharing the file.

``wait_for_work`` is an in-process event: another process sharing the file is noticed by the
caller's poll timeout only (use PostgreSQL for several replicas).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from mailguard.adapters.store.queries import load_queries, migrations
from mailguard.adapters.store.rows import (
    audit_from_row,
    audit_params,
    finish_params,
    message_from_row,
    message_params,
    transition_params,
)
from mailguard.adapters.store.rows import audit_params_for as _audit
from mailguard.adapters.store.sqlite_writer import SqliteWriter, unavailable
from mailguard.core.errors import InvalidTransition, StoreUnavailable
from mailguard.core.lifecycle import INITIAL, State
from mailguard.workflow.ports.store import AttemptResult, AuditEvent, NewMessage, StoredMessage

T = TypeVar("T")

Q = load_queries("mailguard.adapters.store", "sql/sqlite.sql")

BUSY_TIMEOUT_MS = 10_000
"""How long a write waits for another process's transaction before giving up (451)."""

_WORK_STATES = frozenset({State.QUEUED, State.DEFERRED})


class SqliteStore:
    """``Store`` over one SQLite file; ``fsync=False`` trades durability for speed (tests)."""

    def __init__(self, path: str | Path, *, fsync: bool = True) -> None:
        self.path = Path(path)
        self.fsync = fsync
        self._writer: SqliteWriter | None = None
        self._reader: sqlite3.Connection | None = None
        self._read_thread: ThreadPoolExecutor | None = None
        self._work = asyncio.Event()

    # -- lifecycle -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {'FULL' if self.fsync else 'OFF'}")
        return conn

    def _open_sync(self) -> tuple[sqlite3.Connection, sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        writer = self._connect()
        version = writer.execute("PRAGMA user_version").fetchone()[0]
        for number, sql in migrations(Q):
            if number > version:
                # executescript runs its own BEGIN/COMMIT; user_version is transactional.
                writer.executescript(
                    f"BEGIN IMMEDIATE;\n{sql};\nPRAGMA user_version = {number};\nCOMMIT;"
                )
        return writer, self._connect()

    async def open(self) -> None:
        try:
            writer, reader = await asyncio.to_thread(self._open_sync)
        except (sqlite3.Error, OSError) as exc:
            raise StoreUnavailable(
                f"cannot open the message store {self.path}: {exc} "
                "(check that its directory exists and is writable)"
            ) from exc
        self._writer = SqliteWriter(writer)
        self._writer.start()
        self._reader = reader
        self._read_thread = ThreadPoolExecutor(1, thread_name_prefix="mailguard-sqlite-reader")

    async def close(self) -> None:
        if self._writer is not None:
            await self._writer.stop()
            self._writer = None
        if self._read_thread is not None:
            self._read_thread.shutdown(wait=True)
            self._read_thread = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    async def ping(self) -> None:
        await self._write(lambda conn: conn.execute("SELECT 1").fetchone())

    # -- plumbing --------------------------------------------------------------------------

    async def _write(self, job: Callable[[sqlite3.Connection], T]) -> T:
        if self._writer is None:
            raise StoreUnavailable("the message store is not open")
        return await self._writer.run(job)

    async def _read(self, job: Callable[[sqlite3.Connection], T]) -> T:
        reader, thread = self._reader, self._read_thread
        if reader is None or thread is None:
            raise StoreUnavailable("the message store is not open")
        try:
            return await asyncio.get_running_loop().run_in_executor(thread, job, reader)
        except sqlite3.Error as exc:
            raise unavailable("read", exc) from exc

    def _notify(self, state: State) -> None:
        if state in _WORK_STATES:
            self._work.set()

    # -- writes ----------------------------------------------------------------------------

    async def add(self, message: NewMessage, audit: AuditEvent) -> None:
        if message.state not in INITIAL:
            raise InvalidTransition(f"a message cannot be stored as {message.state.value}")
        params = message_params(message)
        audit_row = _audit(audit, None, message.state)

        def job(conn: sqlite3.Connection) -> None:
            conn.execute(Q["insert_message"], params)
            conn.execute(Q["insert_raw"], params)
            conn.execute(Q["insert_audit"], audit_row)

        await self._write(job)
        self._notify(message.state)

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
        won = await self._write(self._update_with_audit(Q["transition"], params, audit, old, new))
        if won:
            self._notify(new)
        return won

    async def mark_escalated(self, message_id: str, audit: AuditEvent) -> bool:
        params = {"id": message_id, "at": audit.at}
        return await self._write(self._update_with_audit(Q["mark_escalated"], params, audit))

    async def finish(
        self, message_id: str, owner: str, result: AttemptResult, audit: AuditEvent
    ) -> bool:
        params = finish_params(message_id, owner, result, audit)
        job = self._update_with_audit(Q["finish"], params, audit, State.DELIVERING, result.state)
        won = await self._write(job)
        if won:
            self._notify(result.state)
        return won

    @staticmethod
    def _update_with_audit(
        sql: str,
        params: dict[str, Any],
        audit: AuditEvent,
        old: State | None = None,
        new: State | None = None,
    ) -> Callable[[sqlite3.Connection], bool]:
        audit_row = _audit(audit, old, new)

        def job(conn: sqlite3.Connection) -> bool:
            if conn.execute(sql, params).rowcount != 1:
                return False
            conn.execute(Q["insert_audit"], audit_row)
            return True

        return job

    async def claim(
        self, owner: str, now: float, lease_seconds: float, limit: int
    ) -> list[StoredMessage]:
        def job(conn: sqlite3.Connection) -> list[StoredMessage]:
            claimed = []
            for row in conn.execute(Q["claimable"], {"now": now, "limit": limit}).fetchall():
                params = {
                    "id": row["id"],
                    "old": row["state"],
                    "owner": owner,
                    "lease_until": now + lease_seconds,
                    "now": now,
                }
                if conn.execute(Q["claim"], params).rowcount != 1:
                    continue
                conn.execute(
                    Q["insert_audit"],
                    _audit(
                        AuditEvent(row["id"], now, f"worker:{owner}", "claimed"),
                        State(row["state"]),
                        State.DELIVERING,
                    ),
                )
                claimed.append(row["id"])
            # Re-read so the caller sees the lease and attempt count just written.
            return [
                message_from_row(conn.execute(Q["get_message_with_raw"], {"id": i}).fetchone())
                for i in claimed
            ]

        return await self._write(job)

    async def add_audit(self, audit: AuditEvent) -> None:
        audit_row = audit_params(audit)
        await self._write(lambda conn: conn.execute(Q["insert_audit"], audit_row).rowcount)

    # -- reads -----------------------------------------------------------------------------

    async def get(self, message_id: str, *, with_raw: bool = False) -> StoredMessage | None:
        sql = Q["get_message_with_raw"] if with_raw else Q["get_message"]
        row = await self._read(lambda conn: conn.execute(sql, {"id": message_id}).fetchone())
        return None if row is None else message_from_row(row)

    async def _select(self, sql: str, params: dict[str, Any]) -> list[StoredMessage]:
        rows = await self._read(lambda conn: conn.execute(sql, params).fetchall())
        return [message_from_row(row) for row in rows]

    async def due(self, state: State, now: float, limit: int) -> list[StoredMessage]:
        queries = {State.HELD: "due_held", State.DELAYED: "due_delayed"}
        if state not in queries:
            raise ValueError(f"due() sweeps held or delayed messages, not {state.value}")
        return await self._select(Q[queries[state]], {"now": now, "limit": limit})

    async def due_escalations(self, now: float, limit: int) -> list[StoredMessage]:
        return await self._select(Q["due_escalations"], {"now": now, "limit": limit})

    async def list_messages(
        self,
        states: Sequence[State] = (),
        *,
        sender: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[StoredMessage]:
        params = {
            "states": json.dumps([s.value for s in states]),
            "sender": sender,
            "limit": limit,
            "offset": offset,
        }
        return await self._select(Q["list_messages"], params)

    async def count_by_state(self) -> dict[State, int]:
        rows = await self._read(lambda conn: conn.execute(Q["count_by_state"]).fetchall())
        counts = dict.fromkeys(State, 0)
        counts.update({State(row["state"]): row["n"] for row in rows})
        return counts

    async def audit_events(
        self, *, since: float | None = None, message_id: str | None = None
    ) -> list[AuditEvent]:
        params = {"since": since, "message_id": message_id}
        sql = Q["audit_since"] if message_id is None else Q["audit_for_message"]
        rows = await self._read(lambda conn: conn.execute(sql, params).fetchall())
        return [audit_from_row(row) for row in rows]

    async def wait_for_work(self, timeout: float) -> None:
        # asyncio.timeout, not wait_for: 3.11's wait_for can leave a cancelled caller hanging
        # when the cancellation races its timeout (seen when stopping delivery).
        try:
            async with asyncio.timeout(timeout):
                await self._work.wait()
        except TimeoutError:
            return
        self._work.clear()
