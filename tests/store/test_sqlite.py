"""What only the SQLite backend has: its file, its schema version, its group commit."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from mailguard.config import Config, StoreConfig
from mailguard.errors import StoreUnavailable
from mailguard.model import PASS_EVERYTHING
from mailguard.store.factory import open_store
from mailguard.store.queries import load_queries, migrations
from mailguard.store.sqlite import SqliteStore
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
        latest = migrations(load_queries("mailguard.store", "sql/sqlite.sql"))[-1][0]
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
