"""Operations endpoints: ``/healthz``, ``/readyz`` and ``/metrics``.

``/healthz`` only proves the event loop answers (liveness: restart me if not). ``/readyz``
proves this replica can take mail now: the store answers, a policy is loaded, the SMTP
listeners are up (readiness: route traffic to me). ``/metrics`` is Prometheus's text format
given by the composition root (``mailguard.workflow.metrics.REGISTRY`` plus the counters of
worker processes, see ``mailguard.runtime.metrics_share``); the store-backed gauges are
refreshed from the store at scrape time, at most once per ``STORE_GAUGES_TTL`` however many
scrapers ask, so a scrape costs one ``count_by_state`` query at most.

None of these needs authentication and none reveals anything about a message.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Protocol

from aiohttp import web

from mailguard.core.errors import StoreError
from mailguard.core.lifecycle import State
from mailguard.workflow import metrics
from mailguard.workflow.ports.store import Store

STORE_GAUGES_TTL = 2.0
"""Seconds a store count is reused: Prometheus, a second Prometheus and a curious admin
scraping together cost one query."""

EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""The text format every Prometheus parses (newer clients announce 1.0.0, which is the same
text for names like ours but puzzles older servers)."""

PROBE_TIMEOUT = 3.0
"""A store slower than this is not ready (and a probe must answer before its own timeout)."""


class Observed(Protocol):
    """What the ops endpoints need to know about the running relay."""

    @property
    def store(self) -> Store: ...

    @property
    def policy_loaded(self) -> bool: ...

    @property
    def listening(self) -> bool: ...


class StoreGauges:
    """Sets ``held_messages``, ``queue_depth`` and ``store_up`` from the store, with a cache."""

    def __init__(
        self,
        *,
        ttl: float = STORE_GAUGES_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._fresh_until = float("-inf")
        self._lock = asyncio.Lock()

    async def refresh(self, store: Store) -> None:
        if self._clock() < self._fresh_until:
            return
        async with self._lock:  # concurrent scrapes wait for one query instead of each running it
            if self._clock() < self._fresh_until:
                return
            try:
                async with asyncio.timeout(PROBE_TIMEOUT):
                    counts = await store.count_by_state()
            except (StoreError, TimeoutError):
                # Keep the last counts (stale beats a false zero) and say the store is down.
                metrics.store_up.set(0)
            else:
                metrics.store_up.set(1)
                for state in State:
                    metrics.queue_depth.labels(state.value).set(counts.get(state, 0))
                metrics.held_messages.set(counts.get(State.HELD, 0))
            self._fresh_until = self._clock() + self._ttl


async def readiness_problems(relay: Observed) -> list[str]:
    """One line per reason this replica should not get traffic; empty when it is ready."""
    problems = []
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):
            await relay.store.ping()
    except StoreError as exc:
        problems.append(f"store: {exc}")
    except TimeoutError:
        problems.append(f"store: no answer within {PROBE_TIMEOUT:g} s")
    if not relay.policy_loaded:
        problems.append("policy: not loaded")
    if not relay.listening:
        problems.append("smtp: listeners not up")
    return problems


def register(app: web.Application, relay: Observed, exposition: Callable[[], bytes]) -> None:
    """``exposition`` renders the metrics text; it reads files, so it runs in a thread."""
    gauges = StoreGauges()

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(request: web.Request) -> web.Response:
        problems = await readiness_problems(relay)
        if problems:
            return web.Response(status=503, text="".join(f"{p}\n" for p in problems))
        return web.Response(text="ready\n")

    async def scrape(request: web.Request) -> web.Response:
        await gauges.refresh(relay.store)
        body = await asyncio.to_thread(exposition)
        return web.Response(body=body, headers={"Content-Type": EXPOSITION_CONTENT_TYPE})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", scrape)
