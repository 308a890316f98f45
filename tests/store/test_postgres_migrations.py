"""PostgreSQL schema migrations: fresh, repeated, concurrent, and through ``mailguard db``."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from mailguard.adapters.store import pg_migrate

pytestmark = pytest.mark.postgres


async def test_a_fresh_database_gets_every_migration_once(postgres_dsn: str) -> None:
    conn = await asyncpg.connect(postgres_dsn)
    try:
        applied = await pg_migrate.migrate(conn)
        assert [m.version for m in applied] == [m.version for m in pg_migrate.available()]
        assert await pg_migrate.migrate(conn) == []
        status = await pg_migrate.status(conn)
        assert status.pending == () and status.current == applied[-1].version
        assert await conn.fetchval("SELECT to_regclass('messages') IS NOT NULL")
    finally:
        await conn.close()


async def test_concurrent_migrations_serialise_on_the_advisory_lock(postgres_dsn: str) -> None:
    conns = [await asyncpg.connect(postgres_dsn) for _ in range(3)]
    try:
        results = await asyncio.gather(*(pg_migrate.migrate(c) for c in conns))
        assert sorted(len(r) for r in results) == [0, 0, len(pg_migrate.available())]
        rows = await conns[0].fetchval("SELECT count(*) FROM mailguard_schema_version")
        assert rows == len(pg_migrate.available())
    finally:
        for conn in conns:
            await conn.close()


def _db(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailguard", "db", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_db_status_and_migrate_commands(postgres_dsn: str, repo_root: Path) -> None:
    before = _db(repo_root, "status", "--dsn", postgres_dsn)
    assert before.returncode == 1 and "pending 0001_initial" in before.stdout
    first = _db(repo_root, "migrate", "--dsn", postgres_dsn)
    assert first.returncode == 0 and "applied 0001_initial" in first.stdout
    again = _db(repo_root, "migrate", "--dsn", postgres_dsn)
    assert again.returncode == 0 and "already up to date" in again.stdout
    after = _db(repo_root, "status", "--dsn", postgres_dsn)
    assert after.returncode == 0 and "pending" not in after.stdout


def test_db_command_explains_an_unreachable_database(repo_root: Path) -> None:
    result = _db(repo_root, "status", "--dsn", "postgresql://postgres@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "PostgreSQL unavailable" in result.stderr


def test_db_migrate_reads_the_dsn_from_the_config_file(
    postgres_dsn: str, repo_root: Path, tmp_path: Path
) -> None:
    config = tmp_path / "mailguard.yaml"
    config.write_text(f"store:\n  dsn: '{postgres_dsn}'\n", encoding="utf-8")
    result = _db(repo_root, "migrate", "--config", str(config))
    assert result.returncode == 0 and "applied 0001_initial" in result.stdout
