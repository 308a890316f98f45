"""The SQLite store's single writer thread, with group commit.

sqlite3 blocks, and with ``synchronous=FULL`` every commit waits for an fsync (milliseconds on
most disks). Running each write in its own transaction would cap the relay at a few hundred
messages a second. Instead every write is a *job* queued to one thread that owns the write
connection: the thread takes the first job, then every job that queued up meanwhile (while the
previous commit was on its way to the disk), runs them in one transaction, each inside its own
savepoint so a failing job does not undo its neighbours, and commits once. Each caller's future
resolves only after that commit returned, so "returned" still means "on disk".

A failed commit fails every job in the batch with ``StoreUnavailable``; nothing of them is
claimed to be stored. So does an error after which SQLite rolled the whole transaction back on
its own (``SQLITE_FULL``, ``SQLITE_IOERR``): the batch's earlier jobs went with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from mailguard.core.errors import StoreUnavailable

T = TypeVar("T")

Job = Callable[[sqlite3.Connection], Any]

MAX_BATCH = 512
"""Bounds one transaction's size (and the latency of the first job in it)."""


@dataclass(slots=True)
class _Pending:
    job: Job
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop


def _settle(future: asyncio.Future[Any], error: BaseException | None, value: Any) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


def unavailable(what: str, exc: BaseException) -> StoreUnavailable:
    """The one wording for a driver error, so the SMTP layer's 451 text is meaningful."""
    return StoreUnavailable(f"the message store cannot {what}: {exc}")


class SqliteWriter:
    """Owns ``conn`` (autocommit mode) from its own thread until ``stop``."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="mailguard-sqlite-writer")
        self._thread.daemon = True
        self.batches = 0
        """Transactions committed so far (group commit's effect shows as jobs/batches)."""

    def start(self) -> None:
        self._thread.start()

    async def run(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``job`` in the next transaction; return its result once that is committed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put(_Pending(job, future, loop))
        return await future

    async def stop(self) -> None:
        """Finish the queued jobs, then end the thread and close the connection."""
        if self._thread.is_alive():
            self._queue.put(None)
            await asyncio.to_thread(self._thread.join)
        self._conn.close()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is None:
                break
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                    break
                batch.append(item)
            for pending, (error, value) in zip(batch, self._commit(batch), strict=True):
                pending.loop.call_soon_threadsafe(_settle, pending.future, error, value)

    def _commit(self, batch: list[_Pending]) -> list[tuple[BaseException | None, Any]]:
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            error = unavailable("start a transaction", exc)
            error.__cause__ = exc
            return [(error, None)] * len(batch)
        outcomes: list[tuple[BaseException | None, Any]] = []
        for pending in batch:
            try:
                conn.execute("SAVEPOINT job")
                value = pending.job(conn)
                conn.execute("RELEASE job")
            except Exception as exc:
                failed = self._convert(exc, "write")
                if not conn.in_transaction:
                    # SQLite rolled the whole transaction back by itself (disk full, I/O
                    # error): the jobs before this one are gone too, so all of them fail.
                    return [(failed, None)] * len(batch)
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK TO job")
                    conn.execute("RELEASE job")
                outcomes.append((failed, None))
            else:
                outcomes.append((None, value))
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            failed = self._convert(exc, "commit")
            return [(failed, None)] * len(batch)
        self.batches += 1
        return outcomes

    @staticmethod
    def _convert(exc: Exception, what: str) -> BaseException:
        if not isinstance(exc, sqlite3.Error):
            return exc
        error = unavailable(what, exc)
        error.__cause__ = exc
        return error
