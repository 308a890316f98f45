"""The ``store`` fixture: the one store test suite runs against every backend.

A backend is a name in ``BACKENDS`` plus a fixture ``<name>_store_maker`` that returns a
zero-argument callable making a new, unopened ``Store`` over the same (per-test, empty)
storage. Several stores from one maker share data: that is how "durable after reopen" and
"two stores race" are tested. The maker fixture owns setup and teardown of the storage (and
skips with a reason when its server is unavailable).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from mailguard.adapters.store.postgres import PostgresStore
from mailguard.adapters.store.sqlite import SqliteStore
from mailguard.workflow.ports.store import Store

StoreMaker = Callable[[], Store]

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture
def sqlite_store_maker(tmp_path: Path) -> StoreMaker:
    # fsync off: the suite tests semantics; durability across reopen holds without it.
    return lambda: SqliteStore(tmp_path / "store.sqlite3", fsync=False)


@pytest.fixture
def postgres_store_maker(postgres_dsn: str) -> StoreMaker:
    return lambda: PostgresStore(postgres_dsn, pool_size=4)


@pytest.fixture(params=BACKENDS)
def store_maker(request: pytest.FixtureRequest) -> StoreMaker:
    maker: StoreMaker = request.getfixturevalue(f"{request.param}_store_maker")
    return maker


@pytest.fixture
async def store(store_maker: StoreMaker) -> AsyncIterator[Store]:
    opened = store_maker()
    await opened.open()
    yield opened
    await opened.close()
