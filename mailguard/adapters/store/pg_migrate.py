"""Versioned PostgreSQL schema migrations, applied once however many replicas start at once.

Migrations are the files ``migrations/postgres/NNNN_name.sql`` shipped in this package, applied
in ascending ``NNNN``, each in its own transaction together with its row in
``mailguard_schema_version``. The whole run holds a session-level ``pg_advisory_lock``, so two
replicas (or ``mailguard db migrate`` beside a starting replica) never apply one twice: the
second waits, then finds nothing left to do. A released migration is never edited: add one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from mailguard.core.errors import StoreError

MIGRATION_LOCK_KEY = 0x6D61696C6775617264 & 0x7FFFFFFFFFFFFFFF
"""``pg_advisory_lock`` key: "mailguard" as a number, folded into a signed bigint."""

_FILE = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")

_CREATE_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS mailguard_schema_version (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)"""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    applied: tuple[int, ...]
    pending: tuple[Migration, ...]

    @property
    def current(self) -> int:
        return max(self.applied, default=0)


def available() -> list[Migration]:
    """Every migration shipped with this mailguard, oldest first."""
    folder = resources.files("mailguard.adapters.store").joinpath("migrations", "postgres")
    found = []
    for entry in folder.iterdir():
        match = _FILE.match(entry.name)
        if match:
            sql = entry.read_text(encoding="utf-8")
            found.append(Migration(int(match["version"]), match["name"], sql))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise StoreError(f"two PostgreSQL migrations share a version: {versions}")
    return found


async def status(conn: Any) -> SchemaStatus:
    """What is applied and what is pending, without changing anything."""
    exists = await conn.fetchval("SELECT to_regclass('mailguard_schema_version') IS NOT NULL")
    applied: set[int] = set()
    if exists:
        applied = {
            r["version"] for r in await conn.fetch("SELECT version FROM mailguard_schema_version")
        }
    pending = tuple(m for m in available() if m.version not in applied)
    return SchemaStatus(tuple(sorted(applied)), pending)


async def migrate(conn: Any) -> list[Migration]:
    """Apply every pending migration under the advisory lock; return those this call applied."""
    await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
    try:
        await conn.execute(_CREATE_VERSION_TABLE)
        done = []
        for migration in (await status(conn)).pending:
            async with conn.transaction():
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO mailguard_schema_version (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )
            done.append(migration)
        return done
    finally:
        if not conn.is_closed():  # a lost session released its lock with it
            await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
