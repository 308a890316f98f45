"""How fast queued mail drains to an upstream: store (fsync on) -> DeliveryService -> sink.

Usage: ``python bench/delivery.py [--messages N] [--size BYTES] [--workers W ...]``
(from the repo root). Queues N messages, then times the delivery workers sending them over
SMTP to an aiosmtpd sink on 127.0.0.1 (in a thread of this process, so it shares the CPU),
and prints msgs/s per worker count. Each message costs a claim and a finish (both group-
committed with their audit rows) plus one SMTP transaction on a reused connection.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import structlog
from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mailguard.adapters.store.sqlite import SqliteStore
from mailguard.adapters.upstream.smtp import SmtpTransport
from mailguard.core.config import Config, DeliveryConfig, UpstreamConfig
from mailguard.core.ids import new_message_id
from mailguard.core.lifecycle import State
from mailguard.core.model import PASS_EVERYTHING, Envelope
from mailguard.workflow.delivery.service import DeliveryService
from mailguard.workflow.ports.store import AuditEvent, NewMessage


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


async def run(messages: int, size: int, workers: int, directory: Path, port: int) -> float:
    store = SqliteStore(directory / f"delivery-{workers}.sqlite3", fsync=True)
    await store.open()
    line = b"x" * 76 + b"\r\n"
    raw = b"Subject: bench\r\n\r\n" + line * (size // len(line))
    now = time.time()

    async def add() -> None:
        mid = new_message_id()
        env = Envelope("s@example.co.jp", ("r@partner.example",))
        message = NewMessage(mid, env, raw, PASS_EVERYTHING, State.QUEUED, now, now)
        await store.add(message, AuditEvent(mid, now, "smtp", "received"))

    await asyncio.gather(*(add() for _ in range(messages)))
    config = Config(
        upstream=UpstreamConfig(kind="smtp", host="127.0.0.1", port=port, tls="none"),
        delivery=DeliveryConfig(workers=workers, poll_seconds=0.05),
    )
    service = DeliveryService(config, store, SmtpTransport(config.upstream))
    started = time.perf_counter()
    await service.start()
    while (await store.count_by_state())[State.DELIVERED] < messages:  # noqa: ASYNC110
        await asyncio.sleep(0.05)  # the queue is the thing measured: poll it, cheaply
    elapsed = time.perf_counter() - started
    await service.stop()
    await store.close()
    return messages / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--dir", type=Path, default=None, help="where the database goes")
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=0)
    controller.port = 0
    # Bind to an ephemeral port, then learn it (aiosmtpd's self-check needs the real one).
    original = controller._trigger_server

    def trigger() -> None:
        controller.port = controller.server.sockets[0].getsockname()[1]
        original()

    controller._trigger_server = trigger
    controller.start()
    try:
        with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
            print(f"delivery, fsync on, {args.messages} messages of {args.size} bytes to a sink")
            print(f"{'workers':>8} {'msgs/s':>9}")
            for workers in args.workers:
                rate = asyncio.run(
                    run(args.messages, args.size, workers, Path(tmp), controller.port)
                )
                print(f"{workers:>8} {rate:>9.0f}")
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
