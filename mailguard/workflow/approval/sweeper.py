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

from mailguard.core.clock import Clock
from mailguard.core.lifecycle import State
from mailguard.workflow.approval.decisions import SYSTEM, Decisions
from mailguard.workflow.notify.notifier import ApprovalNotifier
from mailguard.workflow.ports.store import AuditEvent, Store

log = structlog.get_logger(__name__)

BATCH = 100
CATCH_UP_LIMIT = 1000
CATCH_UP_AFTER_SECONDS = 60.0
"""Only messages older than this are caught up: a younger one may still be in its hook."""


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
        """Catch up once, then sweep every ``interval`` seconds until cancelled. A failed catch-up
        is tried again every tick: a relay that started before its database answered must
        still find the holds nobody was told of once it does."""
        caught_up = False
        while True:
            if not caught_up:
                try:
                    await self.catch_up()
                    caught_up = True
                except Exception:
                    log.exception("catching up on unannounced holds failed; retrying next tick")
            try:
                await self.sweep()
            except Exception:
                log.exception("sweep failed; retrying next tick")
            await asyncio.sleep(self._interval)

    async def catch_up(self) -> int:
        """Ask for held messages whose requests were never queued.

        The relay answers 250 once the message is stored, and only then runs the hook that asks
        the approvers: a crash in between would leave a hold nobody hears of until it times
        out. Such holds have no ``notified`` audit event; this finds them at start. (Two
        replicas starting together may both ask: a duplicate request is harmless.)
        """
        asked = 0
        before = self._clock() - CATCH_UP_AFTER_SECONDS
        for message in await self._store.list_messages([State.HELD], limit=CATCH_UP_LIMIT):
            if message.received_at > before:
                continue
            events = await self._store.audit_events(message_id=message.id)
            if not any(event.event == "notified" for event in events):
                log.warning("held message was never announced; asking now", id=message.id)
                await self._notifier.held(message.id)
                asked += 1
        return asked

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
