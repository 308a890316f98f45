"""How fast the store commits accepted messages, fsync on, with and without group commit.

Usage: ``python bench/store_add.py [--messages N] [--size BYTES] [--concurrency C ...]
[--dsn POSTGRES_DSN]`` (run from the repo root). Prints one line per concurrency: msgs/s and
commits (fsyncs) used. Concurrency 1 is one commit per message; higher values show what group
commit buys when many SMTP sessions finish DATA at once. With ``--dsn`` the PostgreSQL store is
measured instead of SQLite, in a throw-away schema (its commits column is not measured: "-").
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mailguard.adapters.store.postgres import PostgresStore
from mailguard.adapters.store.sqlite import SqliteStore
from mailguard.core.ids import new_message_id
from mailguard.core.lifecycle import State
from mailguard.core.model import PASS_EVERYTHING, Envelope
from mailguard.workflow.ports.store import AuditEvent, NewMessage, Store


async def run(
    messages: int, size: int, concurrency: int, directory: Path, dsn: str | None
) -> tuple[float, int | None]:
    store: Store
    if dsn is None:
        store = SqliteStore(directory / f"bench-{concurrency}.sqlite3", fsync=True)
    else:
        store = PostgresStore(dsn, pool_size=min(concurrency, 20))
    await store.open()
    raw = b"Subject: bench\r\n\r\n" + b"x" * size
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(messages):
        queue.put_nowait(i)

    async def session() -> None:
        while not queue.empty():
            queue.get_nowait()
            now = time.time()
            message_id = new_message_id()
            envelope = Envelope("s@example.co.jp", ("r@partner.example",))
            message = NewMessage(message_id, envelope, raw, PASS_EVERYTHING, State.QUEUED, now, now)
            await store.add(message, AuditEvent(message_id, now, "smtp", "received"))

    started = time.perf_counter()
    await asyncio.gather(*(session() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    batches = None
    if isinstance(store, SqliteStore) and store._writer:
        batches = store._writer.batches
    await store.close()
    return messages / elapsed, batches


async def _schema(dsn: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32, 100])
    parser.add_argument("--dir", type=Path, default=None, help="where the database goes")
    parser.add_argument("--dsn", default=None, help="measure PostgreSQL at this DSN instead")
    args = parser.parse_args()
    backend = "SQLite" if args.dsn is None else "PostgreSQL"
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        print(f"{backend} store add, fsync on, {args.messages} messages of {args.size} bytes")
        print(f"{'concurrency':>11} {'msgs/s':>9} {'commits':>8}")
        for concurrency in args.concurrency:
            dsn = None
            if args.dsn is not None:
                schema = f"mg_bench_{concurrency}_{int(time.time())}"
                asyncio.run(_schema(args.dsn, f"CREATE SCHEMA {schema}"))
                sep = "&" if "?" in args.dsn else "?"
                dsn = f"{args.dsn}{sep}search_path={schema}"
            try:
                rate, commits = asyncio.run(
                    run(args.messages, args.size, concurrency, Path(tmp), dsn)
                )
            finally:
                if args.dsn is not None:
                    asyncio.run(_schema(args.dsn, f"DROP SCHEMA {schema} CASCADE"))
            print(f"{concurrency:>11} {rate:>9.0f} {'-' if commits is None else commits:>8}")


if __name__ == "__main__":
    main()
