"""``mailguard db migrate`` / ``mailguard db status``: the PostgreSQL schema, by hand.

Replicas migrate by themselves at start (under an advisory lock); these commands let an
operator apply a new release's migrations before rolling the replicas, or see where a
database stands. The DSN comes from ``--dsn``, else ``MAILGUARD_STORE_DSN``, else the config
file's ``store.dsn``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from typing import Any

import asyncpg

from mailguard.adapters.store import pg_migrate
from mailguard.adapters.store.pg_errors import translated
from mailguard.core.config_load import load_config
from mailguard.core.errors import MailguardError, StoreError


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "db", help="apply or show the PostgreSQL schema migrations"
    )
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    for name, helptext in (
        ("migrate", "apply pending migrations (safe beside running replicas)"),
        ("status", "show applied and pending migrations; exit 1 if any are pending"),
    ):
        action = actions.add_parser(name, help=helptext)
        action.add_argument("--dsn", help="PostgreSQL DSN (default: MAILGUARD_STORE_DSN)")
        action.add_argument("--config", help="config file whose store.dsn to use")
        action.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        dsn = _dsn(args)
        return asyncio.run(_migrate(dsn) if args.db_action == "migrate" else _status(dsn))
    except MailguardError as exc:
        print(f"mailguard db {args.db_action}: {exc}", file=sys.stderr)
        return 2


def _dsn(args: argparse.Namespace) -> str:
    dsn: str | None = args.dsn or os.environ.get("MAILGUARD_STORE_DSN")
    if not dsn and args.config:
        dsn = load_config(args.config).store.dsn
    if not dsn:
        raise StoreError(
            "no PostgreSQL DSN: pass --dsn, set MAILGUARD_STORE_DSN or store.dsn in --config"
        )
    return dsn


async def _connect(dsn: str) -> Any:
    with translated("connecting"):
        return await asyncpg.connect(dsn, timeout=10)


async def _migrate(dsn: str) -> int:
    conn = await _connect(dsn)
    try:
        with translated("migrating"):
            applied = await pg_migrate.migrate(conn)
            current = (await pg_migrate.status(conn)).current
    finally:
        await conn.close()
    for migration in applied:
        print(f"applied {migration.version:04d}_{migration.name}")
    print(f"schema version {current}" + ("" if applied else " (already up to date)"))
    return 0


async def _status(dsn: str) -> int:
    conn = await _connect(dsn)
    try:
        with translated("reading the schema version"):
            state = await pg_migrate.status(conn)
    finally:
        await conn.close()
    print(f"schema version {state.current}")
    for migration in state.pending:
        print(f"pending {migration.version:04d}_{migration.name}")
    return 1 if state.pending else 0
