"""The periodic pass over waiting messages: hold timeouts, delays that ran out, escalations.

Every replica may run a sweeper; each step is a conditional store transition (or
``mark_escalated``), so whichever replica gets there first does it, once. A failing pass is
logged and retried on the next tick: the sweeper never stops because one message is odd.

An escalation is marked before its mails are queued: a crash between the two loses that
escalation's mails (the approvers already asked still can decide, and the timeout still
applies), where the other order could send them twice on every replica.
"""

from __future__ import annotations

import asyncio

import structlog

from mailguard.approval.decisions import SYSTEM, Decisions
from mailguard.clock import Clock
from mailguard.notify.notifier import ApprovalNotifier
from mailguard.states import State
from mailguard.store.base import AuditEvent, Store

log = structlog.get_logger(__name__)

BATCH = 100


class Sweeper:
    def __init__(
        self,
        store: Store,
        decisions: Decisions,
        notifier: ApprovalNotifier,
        *,
        clock: Clock,
        interval: float,
    ) -> None:
        self._store = store
        self._decisions = decisions
        self._notifier = notifier
        self._clock = clock
        self._interval = interval

    async def run(self) -> None:
        """Sweep every ``interval`` seconds until cancelled."""
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("sweep failed; retrying next tick")
            await asyncio.sleep(self._interval)

    async def sweep(self) -> int:
        """One pass; returns how many messages this replica moved or escalated."""
        now = self._clock()
        done = 0
        for message in await self._store.due(State.HELD, now, BATCH):
            done += (await self._decisions.time_out(message)).won
        for message in await self._store.due(State.DELAYED, now, BATCH):
            done += (await self._decisions.delay_elapsed(message)).won
        for message in await self._store.due_escalations(now, BATCH):
            audit = AuditEvent(
                message.id,
                now,
                SYSTEM.label,
                "escalated",
                comment=", ".join(message.decision.escalate_to),
            )
            if await self._store.mark_escalated(message.id, audit):
                await self._notifier.escalated(message.id)
                done += 1
        return done
