"""From an accepted DATA to a reply: decide, store durably, then answer.

The order is the relay's promise (DESIGN.md section 3): the client hears ``250`` only after
``Store.add`` returned, i.e. the message, its envelope and its verdict are committed. If the
store cannot commit, or the inspection itself crashes, the client hears ``451`` and retries;
nothing is claimed. A policy reject is stored too (as REJECTED, for the audit trail) before the
``550``.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from mailguard.core.clock import Clock
from mailguard.core.errors import StoreUnavailable
from mailguard.core.ids import new_message_id
from mailguard.core.lifecycle import State
from mailguard.core.model import Action, Decision, Envelope
from mailguard.workflow import metrics, replies
from mailguard.workflow.ports.store import AuditEvent, NewMessage, Store

StoredHook = Callable[[NewMessage], Awaitable[None]]
"""Called after a HELD, DELAYED or REJECTED message is committed (approval notices)."""

_STATE = {
    Action.PASS: State.QUEUED,
    Action.DELAY: State.DELAYED,
    Action.HOLD: State.HELD,
    Action.REJECT: State.REJECTED,
}

log = structlog.get_logger("mailguard.intake")


class Intake:
    def __init__(
        self,
        store: Store,
        decide: Callable[[Envelope, bytes], Awaitable[Decision]],
        *,
        clock: Clock,
        wake: Callable[[], None],
        on_stored: list[StoredHook],
    ) -> None:
        self._store = store
        self._decide_with = decide
        self._clock = clock
        self._wake = wake
        self._on_stored = on_stored
        self._hook_tasks: set[asyncio.Task[None]] = set()

    async def accept(self, envelope: Envelope, raw: bytes) -> str:
        try:
            decision = await self._decide(envelope, raw)
        except Exception as exc:
            # The type and where it was raised, never the text nor a traceback: an exception
            # raised while parsing can quote the message it choked on.
            log.error(
                "inspection failed",
                sender=envelope.mail_from,
                size=len(raw),
                error=type(exc).__name__,
                at=_raised_at(exc),
            )
            metrics.smtp_rejections.labels("inspection").inc()
            return replies.INSPECTION_FAILED
        message = self._placed(envelope, raw, decision)
        audit = AuditEvent(
            message_id=message.id,
            at=message.received_at,
            actor="smtp",
            event="received",
            to_state=message.state,
            client_addr=envelope.client_addr,
        )
        try:
            await self._store.add(message, audit)
        except StoreUnavailable as exc:
            log.warning("store unavailable, answered 451", reason=str(exc))
            metrics.smtp_rejections.labels("store").inc()
            return replies.STORE_UNAVAILABLE
        _log_decision(message)
        if message.state is State.REJECTED:
            metrics.smtp_rejections.labels("policy").inc()
        else:
            metrics.messages_received.inc()
        if message.state is State.QUEUED:
            self._wake()
        else:
            self._run_hooks(message)
        return _reply(message)

    async def drain_hooks(self, timeout: float) -> None:
        """Let running ``on_stored`` hooks finish (at shutdown), at most ``timeout`` seconds."""
        if self._hook_tasks:
            await asyncio.wait(self._hook_tasks, timeout=timeout)

    async def _decide(self, envelope: Envelope, raw: bytes) -> Decision:
        started = time.perf_counter()
        decision = await self._decide_with(envelope, raw)
        metrics.inspection_seconds.observe(time.perf_counter() - started)
        metrics.verdicts.labels(decision.action.value).inc()
        for finding in decision.findings:
            metrics.findings.labels(finding.kind).inc()
        for rule in decision.rules:
            mode = "monitor" if rule in decision.monitor_rules else "enforced"
            metrics.rule_matches.labels(rule, mode).inc()
        return decision

    def _placed(self, envelope: Envelope, raw: bytes, decision: Decision) -> NewMessage:
        now = self._clock()
        state = _STATE[decision.action]
        return NewMessage(
            id=new_message_id(),
            envelope=envelope,
            raw=raw,
            decision=decision,
            state=state,
            received_at=now,
            next_attempt_at=now + decision.delay_seconds if state is State.DELAYED else now,
            hold_until=now + decision.hold_timeout_seconds if state is State.HELD else None,
        )

    def _run_hooks(self, message: NewMessage) -> None:
        for hook in self._on_stored:
            task = asyncio.create_task(_guarded(hook, message))
            self._hook_tasks.add(task)
            task.add_done_callback(self._hook_tasks.discard)


async def _guarded(hook: StoredHook, message: NewMessage) -> None:
    try:
        await hook(message)
    except Exception:
        log.exception("on_stored hook failed", id=message.id, hook=repr(hook))


def _reply(message: NewMessage) -> str:
    if message.state is State.REJECTED:
        return replies.policy_rejected(message.decision.reply)
    if message.state is State.HELD:
        return replies.held(message.id)
    if message.state is State.DELAYED:
        return replies.delayed(message.id)
    return replies.queued(message.id)


def _log_decision(message: NewMessage) -> None:
    """One event per message decision: never the body, never a subject."""
    decision = message.decision
    fields: dict[str, Any] = {
        "id": message.id,
        "action": decision.action.value,
        "state": message.state.value,
        "rules": list(decision.rules),
        "findings": sorted({f.kind for f in decision.findings}),
        "sender": message.envelope.mail_from,
        "rcpt_domains": sorted({r.rpartition("@")[2].lower() for r in message.envelope.rcpt_tos}),
        "size": len(message.raw),
        "user": message.envelope.auth_user,
        "client": message.envelope.client_addr,
    }
    log.info("message decided", **fields)


def _raised_at(exc: BaseException) -> str:
    """``file:line in function`` of the innermost frame ``exc`` passed through."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "unknown"
    last = frames[-1]
    return f"{last.filename}:{last.lineno} in {last.name}"
