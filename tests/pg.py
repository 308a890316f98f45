"""Throw-away PostgreSQL schemas for tests: one per test, dropped afterwards.

A schema (not a database) keeps a test's setup to a few milliseconds; the DSN handed to the
code under test selects it through ``search_path``, so the store, ``mailguard db`` and
``mailguard serve`` subprocesses all see only that test's tables.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import asyncpg

BASE_DSN = os.environ.get("MAILGUARD_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRED = os.environ.get("MAILGUARD_REQUIRE_POSTGRES") == "1"


def _blocking(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run ``coroutine`` to completion on a loop of its own, in a thread: the fixtures using
    this may be set up from inside an async fixture, where the test's loop already runs."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, coroutine).result()


def unreachable_reason() -> str | None:
    """None when a server answers at ``BASE_DSN`` (creating its database on a server that
    lacks it); otherwise why not."""

    async def probe() -> None:
        try:
            conn = await asyncpg.connect(BASE_DSN, timeout=3)
        except asyncpg.InvalidCatalogNameError:
            head, _, database = BASE_DSN.rpartition("/")
            admin = await asyncpg.connect(f"{head}/postgres", timeout=3)
            try:
                await admin.execute(f'CREATE DATABASE "{database}"')
            finally:
                await admin.close()
            conn = await asyncpg.connect(BASE_DSN, timeout=3)
        await conn.close()

    try:
        _blocking(probe())
    except Exception as exc:
        return f"no PostgreSQL at {BASE_DSN} ({type(exc).__name__}: {exc})"
    return None


def _run_sql(sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(BASE_DSN, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    _blocking(run())


@contextmanager
def fresh_schema() -> Iterator[str]:
    """Yield a DSN whose ``search_path`` is a new empty schema; its sessions carry the schema's
    name as ``application_name``, so a test can terminate its own backends and nobody else's
    (several test runs share this server)."""
    schema = f"mg_test_{secrets.token_hex(6)}"
    _run_sql(f"CREATE SCHEMA {schema}")
    try:
        yield f"{BASE_DSN}?search_path={schema}&application_name={schema}"
    finally:
        _run_sql(f"DROP SCHEMA {schema} CASCADE")


def schema_of(dsn: str) -> str:
    """The test schema (and ``application_name``) of a DSN made by ``fresh_schema``."""
    return dsn.rsplit("application_name=", 1)[1]
