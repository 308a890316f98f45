"""What only the SQLite backend has: its file, its schema version, its group commit."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from mailguard.adapters.store.factory import open_store
from mailguard.adapters.store.queries import load_queries, migrations
from mailguard.adapters.store.rows import message_params
from mailguard.adapters.store.sqlite import Q, SqliteStore
from mailguard.core.config import Config, StoreConfig
from mailguard.core.errors import StoreUnavailable
from mailguard.core.model import PASS_EVERYTHING
from tests.store.messages import new_message, received


async def test_unwritable_location_is_store_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    store = SqliteStore(blocker / "store.sqlite3")
    with pytest.raises(StoreUnavailable, match=r"store\.sqlite3"):
        await store.open()


async def test_closed_store_is_unavailable(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite3", fsync=False)
    msg = new_message()
    with pytest.raises(StoreUnavailable):
        await store.add(msg, received(msg))


async def test_driver_error_on_write_becomes_store_unavailable(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite3", fsync=False)
    await store.open()
    try:
        msg = new_message()
        await store.add(msg, received(msg))
        with pytest.raises(StoreUnavailable) as info:
            await store.add(msg, received(msg))  # same id twice: the driver refuses
        assert isinstance(info.value.__cause__, sqlite3.Error)
    finally:
        await store.close()


async def test_schema_is_versioned_and_wal_with_full_sync(tmp_path: Path) -> None:
    path = tmp_path / "var" / "s.sqlite3"
    store = open_store(Config(store=StoreConfig(path=str(path))))
    await store.open()
    await store.close()

    conn = sqlite3.connect(path)
    try:
        latest = migrations(load_queries("mailguard.adapters.store", "sql/sqlite.sql"))[-1][0]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == latest
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()
    again = open_store(Config(store=StoreConfig(path=str(path))))
    await again.open()  # migrations already applied: a no-op
    await again.close()


async def test_concurrent_adds_share_commits(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite3", fsync=True)
    await store.open()
    try:
        msgs = [new_message(decision=PASS_EVERYTHING) for _ in range(100)]
        await asyncio.gather(*(store.add(m, received(m)) for m in msgs))
        writer = store._writer
        assert writer is not None
        assert writer.batches < len(msgs)
    finally:
        await store.close()


async def test_disk_full_is_store_unavailable_and_stores_nothing(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite3", fsync=False)
    await store.open()
    try:
        # max_page_count makes SQLite behave as on a full disk (SQLITE_FULL).
        await store._write(lambda conn: conn.execute("PRAGMA max_page_count = 20").fetchall())
        big = new_message(raw=b"x" * 200_000)
        with pytest.raises(StoreUnavailable, match="full"):
            await store.add(big, received(big))
        assert await store.get(big.id) is None
        assert await store.audit_events(message_id=big.id) == []
    finally:
        await store.close()


async def test_a_failing_write_does_not_undo_its_batch_neighbours(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite3", fsync=False)
    await store.open()
    try:
        first = new_message()
        await store.add(first, received(first))
        fresh = [new_message() for _ in range(5)]
        outcomes = await asyncio.gather(
            store.add(first, received(first)),  # duplicate id: fails inside the batch
            *(store.add(m, received(m)) for m in fresh),
            return_exceptions=True,
        )
        assert isinstance(outcomes[0], StoreUnavailable)
        assert outcomes[1:] == [None] * 5
        for m in fresh:
            assert await store.get(m.id) is not None
        assert len(await store.audit_events(message_id=first.id)) == 1
    finally:
        await store.close()


async def test_disk_full_mid_batch_fails_the_whole_batch(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite3", fsync=False)
    await store.open()
    try:
        await store._write(lambda conn: conn.execute("PRAGMA max_page_count = 20").fetchall())
        small = [new_message() for _ in range(3)]
        big = new_message(raw=b"x" * 200_000)
        batch = [*small[:2], big, small[2]]
        outcomes = await asyncio.gather(
            *(store.add(m, received(m)) for m in batch), return_exceptions=True
        )
        # Whatever was reported stored must really be stored: no 250 for a lost message.
        for message, outcome in zip(batch, outcomes, strict=True):
            stored = await store.get(message.id) is not None
            assert stored == (outcome is None), (message.id, outcome)
        assert isinstance(outcomes[2], StoreUnavailable)
    finally:
        await store.close()


async def test_a_store_from_before_the_raw_table_keeps_its_messages(tmp_path: Path) -> None:
    """Migration 2 moves the raw message out of ``messages`` (UPDATEs rewrote it each time)."""
    path = tmp_path / "s.sqlite3"
    msg = new_message(raw=b"Subject: old\r\n\r\nqueued before the upgrade\r\n")
    conn = sqlite3.connect(path)
    try:
        conn.executescript(dict(migrations(Q))[1] + ";\nPRAGMA user_version = 1;")
        conn.execute(  # insert_message as it was at version 1
            "INSERT INTO messages (id, state, mail_from, rcpts, raw, size, decision, received_at,"
            " updated_at, next_attempt_at, hold_until, pending_rcpts, client_addr, auth_user,"
            " helo) VALUES (:id, :state, :mail_from, :rcpts, :raw, :size, :decision,"
            " :received_at, :received_at, :next_attempt_at, :hold_until, :rcpts, :client_addr,"
            " :auth_user, :helo)",
            message_params(msg),
        )
        conn.commit()
    finally:
        conn.close()
    store = SqliteStore(path, fsync=False)
    await store.open()
    try:
        kept = await store.get(msg.id, with_raw=True)
        claimed = await store.claim("worker", msg.received_at + 1, 60.0, 10)
    finally:
        await store.close()
    assert kept is not None and kept.raw == msg.raw
    assert [(m.id, m.raw) for m in claimed] == [(msg.id, msg.raw)]
