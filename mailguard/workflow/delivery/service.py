"""The delivery workers: claim due messages, send them, record each recipient's fate.

One dispatcher task claims as many due messages as there are free worker slots
(``delivery.workers``) under a lease of ``delivery.lease_seconds``, and starts one attempt
task per message. It sleeps until ``wake()``, the store's ``wait_for_work`` signal, a slot
freeing up, or ``delivery.poll_seconds``. A worker that dies (a crash, a SIGKILL) leaves its
message ``delivering``; once the lease expires any worker claims it again: at-least-once, a
duplicate after a crash mid-send is possible, a loss is not.

Per attempt (see ``outcome.plan``): delivered recipients are done, temporary failures are
retried for the remaining recipients, permanent failures and expired ones are bounced to the
sender at once. The bounce is queued *before* the attempt is recorded, so a crash in between
repeats the attempt (and maybe the bounce) rather than losing the bounce.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from mailguard.core.clock import Clock, system_clock
from mailguard.core.config import Config
from mailguard.core.errors import DeliveryError, StoreError
from mailguard.core.ids import lease_owner
from mailguard.core.lifecycle import State
from mailguard.workflow import metrics
from mailguard.workflow.delivery.bounce import bounce_to, build_bounce
from mailguard.workflow.delivery.generated import enqueue_generated
from mailguard.workflow.delivery.outcome import Outcome, plan
from mailguard.workflow.ports.store import AttemptResult, AuditEvent, Store, StoredMessage
from mailguard.workflow.ports.transport import RecipientResult, Transport

log = structlog.get_logger("mailguard.workflow.delivery")


def _domains(rcpts: tuple[str, ...]) -> list[str]:
    return sorted({rcpt.rpartition("@")[2].lower() for rcpt in rcpts})


class DeliveryService:
    def __init__(
        self,
        config: Config,
        store: Store,
        transport: Transport,
        *,
        clock: Clock = system_clock,
        owner: str | None = None,
    ) -> None:
        self.config = config
        self.settings = config.delivery
        self.store = store
        self.transport = transport
        self.clock = clock
        self.owner = owner or lease_owner()
        self._kick = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []
        self._attempts: set[asyncio.Task[None]] = set()

    def wake(self) -> None:
        """Look for due work now (a message was released, a test advanced its clock)."""
        self._kick.set()

    async def start(self) -> None:
        self._stopping = False
        self._tasks = [
            asyncio.create_task(self._dispatch(), name="delivery-dispatcher"),
            asyncio.create_task(self._watch_store(), name="delivery-watcher"),
        ]

    async def stop(self, grace: float = 10.0) -> None:
        """Stop claiming; give in-flight attempts ``grace`` seconds, then hand the rest back
        (their messages return to ``queued``); close the transport."""
        self._stopping = True
        self._kick.set()
        if self._tasks:
            # Neither task is cancelled. The dispatcher: a claim cancelled half-way would still
            # commit and strand its messages until their leases expire. The watcher: a store's
            # wait_for_work built on 3.11's asyncio.wait_for can hang for good when cancelled
            # as its timeout fires. Both see ``_stopping`` within one poll interval.
            _, late = await asyncio.wait(self._tasks, timeout=self.settings.poll_seconds + 5)
            for task in late:
                task.cancel()
            self._tasks = []
        if self._attempts:
            _, pending = await asyncio.wait(self._attempts, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self.transport.close()

    async def _watch_store(self) -> None:
        while not self._stopping:
            await self.store.wait_for_work(self.settings.poll_seconds)
            self._kick.set()

    async def _dispatch(self) -> None:
        while not self._stopping:
            self._kick.clear()  # before claiming: a kick during the claim is not lost
            free = self.settings.workers - len(self._attempts)
            if free > 0:
                try:
                    batch = await self.store.claim(
                        self.owner, self.clock(), self.settings.lease_seconds, free
                    )
                except StoreError as exc:
                    log.warning("delivery_claim_failed", error=str(exc))
                    batch = []
                if self._stopping:
                    for message in batch:
                        await self._hand_back(message)
                    return
                for message in batch:
                    task = asyncio.create_task(self._attempt(message))
                    self._attempts.add(task)
                    task.add_done_callback(self._attempt_done)
                if len(batch) == free:
                    continue  # there may be more due: claim again once a slot frees
            await self._kick.wait()

    def _attempt_done(self, task: asyncio.Task[None]) -> None:
        self._attempts.discard(task)
        self._kick.set()

    async def _attempt(self, message: StoredMessage) -> None:
        try:
            await self._deliver(message)
        except asyncio.CancelledError:
            await self._hand_back(message)
            raise
        except Exception:
            # A bug, or the store failing: the message stays ``delivering`` and is retried
            # when its lease expires. Never lost, never a tight retry loop.
            log.exception("delivery_attempt_crashed", id=message.id)

    async def _deliver(self, message: StoredMessage) -> None:
        rcpts, raw = message.pending_rcpts, message.raw
        if raw is None:
            raise StoreError(f"message {message.id} was claimed without its content")
        try:
            # An attempt never outlives its lease: past it, another worker may claim the
            # message and send it too. Time left for recording the outcome: a fifth.
            async with asyncio.timeout(self.settings.lease_seconds * 0.8):
                results = await self.transport.send(message.envelope.mail_from, rcpts, raw)
        except DeliveryError as exc:
            results = dict.fromkeys(rcpts, RecipientResult(exc.code, exc.reply))
        except TimeoutError:
            overrun = RecipientResult(451, "4.4.2 the attempt outlasted its lease; retrying")
            results = dict.fromkeys(rcpts, overrun)
        now = self.clock()
        outcome = plan(
            rcpts=rcpts,
            results=results,
            attempts=message.attempts,
            received_at=message.received_at,
            now=now,
            settings=self.settings,
        )
        if outcome.failed:
            await self._bounce(message, outcome, now)
        attempt = AttemptResult(
            outcome.state, outcome.deferred, outcome.next_attempt_at, outcome.last_error
        )
        audit = AuditEvent(
            message.id,
            now,
            f"worker:{self.owner}",
            outcome.state.value,
            comment=outcome.summary(),
        )
        recorded = await self.store.finish(message.id, self.owner, attempt, audit)
        metrics.deliveries.labels(result=outcome.state.value).inc()
        log.info(
            "delivery",
            id=message.id,
            result=outcome.state.value,
            attempt=message.attempts,
            domains=_domains(rcpts),
            codes=sorted({r.code for r in results.values()}),
            recorded=recorded,
        )

    async def _bounce(self, message: StoredMessage, outcome: Outcome, now: float) -> None:
        sender = bounce_to(message.envelope.mail_from)
        if sender is None:
            log.warning("bounce_suppressed", id=message.id, reason="null sender")
            return
        upstream = self.config.upstream
        raw = build_bounce(
            original=message.raw or b"",
            sender=sender,
            failures=outcome.failed,
            hostname=self.config.smtp.hostname,
            queue_id=message.id,
            arrival=message.received_at,
            now=now,
            remote_mta=upstream.host if upstream.kind == "smtp" else None,
        )
        bounce_id = await enqueue_generated(
            self.store,
            mail_from="",
            rcpts=[sender],
            raw=raw,
            reason=f"bounce for {message.id}",
            clock=self.clock,
        )
        log.info("bounce_queued", id=message.id, bounce_id=bounce_id, failed=len(outcome.failed))

    async def _hand_back(self, message: StoredMessage) -> None:
        """Shutdown interrupted this attempt: return the message to the queue for the next
        start (or another replica) instead of waiting out its lease."""
        now = self.clock()
        result = AttemptResult(State.QUEUED, message.pending_rcpts, now, "interrupted by shutdown")
        audit = AuditEvent(message.id, now, f"worker:{self.owner}", "handed_back")
        with contextlib.suppress(StoreError):
            await self.store.finish(message.id, self.owner, result, audit)
