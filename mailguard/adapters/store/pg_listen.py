"""Wake delivery workers on every replica when a message becomes claimable.

One dedicated connection per replica ``LISTEN``s on ``mailguard_work``; the store's
``Announcer`` sends ``pg_notify`` after the COMMIT that queued a message, so a worker never
wakes before the row is visible. The listener reconnects by itself when its
connection drops (a database restart, ``pg_terminate_backend``); after a reconnect it wakes the
workers once, since notifications sent while it was away are lost. Workers also poll with a
timeout, so a missed wake-up only costs latency, never a message.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import structlog

from mailguard.adapters.store.pg_errors import is_outage

CHANNEL = "mailguard_work"
"""The channel in the ``public`` schema; another schema's store uses ``mailguard_work:<schema>``."""

log = structlog.get_logger(__name__)


class WorkListener:
    def __init__(
        self,
        connect_kwargs: dict[str, Any],
        channel: str = CHANNEL,
        *,
        min_backoff: float = 0.05,
        max_backoff: float = 5.0,
    ) -> None:
        self._connect_kwargs = connect_kwargs
        self._channel = channel
        self._min_backoff, self._max_backoff = min_backoff, max_backoff
        self._work = asyncio.Event()
        self._conn: Any = None
        self._reconnecting: asyncio.Task[None] | None = None
        self._closed = False

    async def start(self) -> None:
        """Listen now if the database answers, otherwise keep trying in the background."""
        try:
            await self._connect()
        except Exception as exc:
            if not is_outage(exc):
                raise
            self._reconnect_soon()

    def wake(self) -> None:
        """Wake this replica's workers without a round trip (a local add or release)."""
        self._work.set()

    async def wait(self, timeout: float) -> None:
        """Return at the next wake-up (or one that arrived while nobody waited), or at timeout."""
        if self._conn is None or self._conn.is_closed():
            self._reconnect_soon()
        with contextlib.suppress(TimeoutError):
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # races the event, and a watcher looping on this then never stops.
            async with asyncio.timeout(timeout):
                await self._work.wait()
        self._work.clear()

    async def close(self) -> None:
        self._closed = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnecting
        if self._conn is not None and not self._conn.is_closed():
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2.0):
                    await self._conn.close()
        self._conn = None

    async def _connect(self) -> None:
        conn = await asyncpg.connect(**self._connect_kwargs)
        conn.add_termination_listener(self._on_lost)
        await conn.add_listener(self._channel, self._on_notify)
        self._conn = conn

    def _on_notify(self, conn: Any, pid: int, channel: str, payload: str) -> None:
        self._work.set()

    def _on_lost(self, conn: Any) -> None:
        if conn is self._conn:
            self._conn = None
            self._reconnect_soon()

    def _reconnect_soon(self) -> None:
        if self._closed or (self._reconnecting is not None and not self._reconnecting.done()):
            return
        self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        backoff = self._min_backoff
        while not self._closed:
            try:
                await self._connect()
            except Exception as exc:
                log.warning("store.listener_reconnect_failed", error=str(exc), retry_in=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
                continue
            log.info("store.listener_reconnected")
            self._work.set()
            return


class Announcer:
    """Send one NOTIFY per burst of new work, outside the transactions that made it.

    A NOTIFY inside a transaction takes a database-wide lock at COMMIT, serialising every
    committing writer. Sent afterwards, and coalesced (pokes during a send cause exactly one
    more), a burst of a hundred adds costs one or two notifications. A failed send is logged
    and dropped: the other replicas' workers still poll.
    """

    def __init__(self, send: Callable[[], Awaitable[None]]) -> None:
        self._send = send
        self._pending = False
        self._task: asyncio.Task[None] | None = None

    def poke(self) -> None:
        self._pending = True
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while self._pending:
            self._pending = False
            try:
                await self._send()
            except Exception as exc:  # a lost wake-up costs latency, never mail
                log.warning("store.notify_failed", error=str(exc), outage=is_outage(exc))
