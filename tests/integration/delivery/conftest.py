"""Delivery against a real upstream: a real store (SQLite, and PostgreSQL when a server
answers), the service, an aiosmtpd server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from mailguard.adapters.store.postgres import PostgresStore
from mailguard.adapters.store.sqlite import SqliteStore
from mailguard.adapters.upstream.smtp import SmtpTransport
from mailguard.core.config import Config, DeliveryConfig, SmtpConfig, UpstreamConfig
from mailguard.core.lifecycle import State
from mailguard.core.model import PASS_EVERYTHING
from mailguard.workflow.delivery.service import DeliveryService
from mailguard.workflow.ports.store import Store, StoredMessage
from mailguard.workflow.ports.transport import Transport
from tests.store.messages import new_message, received
from tests.support.clock import FakeClock
from tests.support.upstream import Upstream

SENDER = "sender@example.co.jp"
T0 = 1_800_000_000.0

RunService = Callable[..., AbstractAsyncContextManager[DeliveryService]]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    opened: Store
    if request.param == "postgres":
        opened = PostgresStore(request.getfixturevalue("postgres_dsn"), pool_size=4)
    else:
        opened = SqliteStore(tmp_path / "store.sqlite3", fsync=False)
    await opened.open()
    yield opened
    await opened.close()


def smtp_config(upstream: Upstream, **upstream_kw: Any) -> Config:
    return Config(
        smtp=SmtpConfig(hostname="relay.example.co.jp"),
        upstream=UpstreamConfig(
            kind="smtp",
            host=upstream.host,
            port=upstream.port,
            **{"tls": "none", "timeout": 5.0, **upstream_kw},
        ),
        delivery=DeliveryConfig(workers=4, lease_seconds=30, poll_seconds=0.05),
    )


@pytest.fixture
def run_service(store: Store, clock: FakeClock) -> RunService:
    """``async with run_service(config[, transport]) as service:`` runs delivery meanwhile."""

    @asynccontextmanager
    async def run(
        config: Config, transport: Transport | None = None
    ) -> AsyncIterator[DeliveryService]:
        used = transport or SmtpTransport(config.upstream, local_hostname="relay.test")
        service = DeliveryService(config, store, used, clock=clock, owner="test-worker")
        await service.start()
        try:
            yield service
        finally:
            await service.stop(grace=1.0)

    return run


async def queue_message(
    store: Store,
    rcpts: tuple[str, ...] = ("a@partner.example",),
    *,
    mail_from: str = SENDER,
    received_at: float = T0,
    raw: bytes = b"From: sender@example.co.jp\r\nSubject: quarterly report\r\n\r\nhello\r\n",
) -> str:
    msg = new_message(
        State.QUEUED,
        mail_from=mail_from,
        rcpts=rcpts,
        received_at=received_at,
        decision=PASS_EVERYTHING,
        raw=raw,
    )
    await store.add(msg, received(msg))
    return msg.id


async def wait_until(
    store: Store,
    message_id: str,
    done: Callable[[StoredMessage], bool],
    timeout: float = 10.0,
) -> StoredMessage:
    """Poll the store (cheap, local) until ``done(message)``; fail with its last state."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        message = await store.get(message_id)
        assert message is not None
        if done(message):
            return message
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting; message is {message}")
        await asyncio.sleep(0.01)


def in_state(*states: State) -> Callable[[StoredMessage], bool]:
    return lambda message: message.state in states


Waiter = Callable[..., Awaitable[StoredMessage]]
