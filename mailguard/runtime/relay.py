"""``Relay``: the composition root. Every part of mailguard built once, here, and wired into one
event loop with its lifecycle.

Each part gets what it needs at construction and nothing changes it afterwards: the store, the
live policy, delivery, the approval workflow (decisions, notifier, sweeper), intake, the SMTP
listeners and, in the process that serves it, the web side. Whatever one relay process does
with a message (store it, announce a hold, sweep timeouts and delays, deliver) every process
does, whether it serves the web side or not: a worker started for ``processes: 2`` announces
its own holds and runs its own sweeper (the store's conditional transitions make concurrent
sweeping safe).

Start order: policy (a relay never runs uninspected by accident), store, delivery, SMTP
listeners, web. A database that does not answer yet (``StoreUnreachable``: a replica started
before PostgreSQL, or during an outage) does not stop the start: the relay listens, answers
451 and reports not ready, and keeps opening the store in the background (with backoff, the
migrations applied once it answers); delivery starts once the store is open.

Stop order is the reverse of what matters for durability: stop accepting and let sessions
finish (bounded), let ``on_stored`` hooks finish, stop delivery (in-flight messages go back to
``queued``), close the web server, close the store last.

SIGTERM/SIGINT stop the relay; SIGHUP reloads the config (the parts that can change while
running) and the policy. The policy file is also watched: saving it reloads it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import structlog
from aiohttp import web

from mailguard.adapters.smtp.handler import RelayHandler
from mailguard.adapters.smtp.server import SmtpServer
from mailguard.adapters.smtp.users import Users
from mailguard.adapters.store.factory import open_store
from mailguard.adapters.upstream.factory import open_transport
from mailguard.adapters.web import WebParts, build_web_app
from mailguard.core.clock import Clock, system_clock
from mailguard.core.config import Config
from mailguard.core.config_load import load_config
from mailguard.core.errors import MailguardError, StoreUnreachable
from mailguard.core.ids import lease_owner
from mailguard.core.model import Decision, Envelope
from mailguard.runtime.decide_pool import DecidePool, decide_here
from mailguard.runtime.live_policy import LivePolicy, PolicyLoader, load_inspector
from mailguard.runtime.metrics_share import exposition, share_dir
from mailguard.workflow.approval.workflow import Workflow
from mailguard.workflow.delivery.service import DeliveryService
from mailguard.workflow.intake import Intake, StoredHook
from mailguard.workflow.ports.store import Store

POLICY_WATCH_SECONDS = 2.0
HOOK_DRAIN_SECONDS = 10.0
DELIVERY_STOP_SECONDS = 10.0
STORE_RETRY_SECONDS = (0.5, 10.0)
"""First and longest wait between attempts to open a store whose server does not answer."""

log = structlog.get_logger("mailguard.runtime.relay")


LIVE_KEYS = frozenset(
    {"smtp.trusted_networks", "smtp.aliases", "smtp.max_recipients", "log.level", "policy"}
)
"""What a reload applies at once; every other changed key waits for a restart."""


def changes_needing_restart(running: Config, fresh: Config) -> list[str]:
    """The dotted keys that differ but are not applied on reload, so the log can name each
    one: an admin who edits ``notify.language`` and sends SIGHUP must not believe it took."""
    changed: list[str] = []
    for field in dataclasses.fields(running):
        old, new = getattr(running, field.name), getattr(fresh, field.name)
        if field.name == "source" or old == new:
            continue
        if dataclasses.is_dataclass(old):
            changed.extend(
                f"{field.name}.{inner.name}"
                for inner in dataclasses.fields(old)
                if getattr(old, inner.name) != getattr(new, inner.name)
            )
        else:
            changed.append(field.name)
    return [key for key in changed if key not in LIVE_KEYS]


class Relay:
    """The running relay. Public attributes, for the CLI and the tests:

    ``config``, ``store``, ``delivery``, ``policy`` (a ``LivePolicy``: ``decider``, ``policy``,
    ``loaded``, ``policy_hash``), ``clock``, ``workflow`` (decisions, notifier, sweeper),
    ``on_stored`` (hooks awaited after a HELD/DELAYED/REJECTED message is committed, the
    workflow's first; their errors are logged, never fail the SMTP reply), ``listening``,
    ``smtp_addresses`` and ``web_addresses`` (where the listeners ended up, for port 0).
    """

    def __init__(
        self,
        config: Config,
        *,
        clock: Clock = system_clock,
        policy_loader: PolicyLoader = load_inspector,
        reuse_port: bool = False,
        serve_web: bool = True,
    ) -> None:
        self.config = config
        self.clock = clock
        self.store: Store = open_store(config)
        self.policy = LivePolicy(
            config.policy, load=policy_loader, run_without_policy=config.run_without_policy
        )
        self.delivery = DeliveryService(
            config, self.store, open_transport(config), clock=clock, owner=lease_owner()
        )
        live_policy = self.policy
        self.workflow = Workflow(
            config,
            self.store,
            clock=clock,
            wake=self.delivery.wake,
            policy=lambda: live_policy.policy,
        )
        self.on_stored: list[StoredHook] = [self.workflow.on_stored]
        self.on_reload: list[Callable[[], None]] = []
        """Called on SIGHUP after the relay reloaded itself (e.g. to pass it on to workers)."""
        self.on_stopping: list[Callable[[], Awaitable[None]]] = []
        """Awaited first when the relay stops."""
        self.listening = False
        self._pool = (
            DecidePool(config.inspection_processes, self.policy)
            if config.inspection_processes
            else None
        )
        self.intake = Intake(
            self.store,
            self._decide,
            clock=clock,
            wake=self.delivery.wake,
            on_stored=self.on_stored,
        )
        users = Users(config.smtp.users_file) if config.smtp.users_file else None
        self.handler = RelayHandler(config.smtp, self.intake, auth_offered=users is not None)
        self.smtp = SmtpServer(config.smtp, self.handler, users, reuse_port=reuse_port)
        self._serve_web = serve_web
        self._web: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def _decide(self, envelope: Envelope, raw: bytes) -> Decision:
        if self._pool is not None:
            return await self._pool.decide(envelope, raw)
        return await decide_here(self.policy.decider, envelope, raw)

    @property
    def policy_loaded(self) -> bool:
        return self.policy.loaded

    @property
    def smtp_addresses(self) -> list[tuple[str, int]]:
        return self.smtp.addresses

    @property
    def web_addresses(self) -> list[tuple[str, int]]:
        if self._web is None:
            return []
        return [addr[:2] for addr in self._web.addresses]

    async def start(self) -> None:
        """Raises ``PolicyError``/``StoreUnavailable``/``OSError`` when it cannot start."""
        self.policy.load_initial()
        try:
            await self.store.open()
        except StoreUnreachable as exc:
            log.warning("store unreachable at start; answering 451 meanwhile", reason=str(exc))
            store_open = False
        else:
            store_open = True
        try:
            if self._pool is not None:
                await self._pool.warm_up()
            if store_open:
                await self.delivery.start()
            else:
                self.spawn(self._open_store_when_reachable())
            await self.smtp.start()
            self.listening = True
            self.spawn(self.workflow.sweeper.run())
            if self._serve_web:
                self._web = web.AppRunner(build_web_app(self._web_parts()), access_log=None)
                await self._web.setup()
                await web.TCPSite(self._web, self.config.web.host, self.config.web.port).start()
        except BaseException:
            await self.stop()
            raise
        self.spawn(self.policy.watch(POLICY_WATCH_SECONDS))

    def _web_parts(self) -> WebParts:
        metrics_dir = share_dir(self.config.var_dir)
        return WebParts(
            observed=self, workflow=self.workflow, exposition=lambda: exposition(metrics_dir)
        )

    async def _open_store_when_reachable(self) -> None:
        delay, longest = STORE_RETRY_SECONDS
        while True:
            await asyncio.sleep(delay)
            try:
                await self.store.open()
            except StoreUnreachable as exc:
                delay = min(delay * 2, longest)
                log.warning("store still unreachable", reason=str(exc), retry_in=delay)
                continue
            except MailguardError as exc:
                # Reachable but unusable (a failed migration): no retry fixes that, and
                # /readyz keeps saying the store is not open.
                log.error("store cannot be opened; fix it and restart", reason=str(exc))
                return
            log.info("store reachable, delivery starts")
            await self.delivery.start()
            return

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` alongside the relay; it is cancelled when the relay stops."""
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        for hook in self.on_stopping:
            await hook()
        self.listening = False
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.smtp.stop(self.config.smtp.shutdown_grace_seconds)
        await self.intake.drain_hooks(HOOK_DRAIN_SECONDS)
        await self.delivery.stop(DELIVERY_STOP_SECONDS)
        if self._pool is not None:
            await asyncio.to_thread(self._pool.close)
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
        await self.store.close()

    async def reload(self) -> None:
        """SIGHUP: re-read the config file and the policy; a bad file changes nothing."""
        if self.config.source != "<defaults>":
            try:
                fresh = load_config(self.config.source)
            except MailguardError as exc:
                log.error("config reload failed, keeping the running config", reason=str(exc))
            else:
                self._apply(fresh)
        await asyncio.to_thread(self.policy.reload)
        for hook in self.on_reload:
            hook()

    def _apply(self, fresh: Config) -> None:
        """Take what can change while running; name what needs a restart."""
        self.handler.reconfigure(fresh.smtp)
        logging.getLogger().setLevel(fresh.log.level.upper())
        if fresh.policy != self.policy.path:
            self.policy.path = fresh.policy
        fixed = changes_needing_restart(self.config, fresh)
        if fixed:
            log.warning("config changes that need a restart", sections=fixed)
        self.config = fresh

    async def run(
        self, on_started: Callable[[Relay], Awaitable[None] | None] | None = None
    ) -> None:
        """Start, serve until SIGTERM/SIGINT (SIGHUP reloads), stop."""
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        await self.start()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        loop.add_signal_handler(signal.SIGHUP, lambda: self.spawn(self.reload()))
        try:
            if on_started is not None:
                result = on_started(self)
                if result is not None:
                    await result
            await stop.wait()
            log.info("stopping")
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                with contextlib.suppress(ValueError, RuntimeError):
                    loop.remove_signal_handler(sig)
            await self.stop()
