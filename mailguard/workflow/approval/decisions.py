"""Release, reject, withdraw, send now, time out: each one conditional store transition.

Every decision is ``store.transition(id, old, new, audit)``: it succeeds for exactly one caller,
however many approvers, senders, operators, sweepers or replicas try at once. The losers get
``won=False`` and the message as it is now, so a page can say who decided and when.

Who may do what is checked here, at the moment of the decision, not only when a link was
issued: approvers and admins must still be on the message's lists and must not be the sender
(see ``routing``); a sender may only withdraw or hurry their own message; operators (the CLI,
someone with shell access to the relay) may release or reject anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

import structlog

from mailguard.core.clock import Clock
from mailguard.core.errors import DecisionRefused, UnknownMessage
from mailguard.core.lifecycle import State
from mailguard.workflow import metrics
from mailguard.workflow.approval.routing import Roster
from mailguard.workflow.notify.headers import ELLIPSIS
from mailguard.workflow.notify.mails import Resolution
from mailguard.workflow.ports.store import AuditEvent, Store, StoredMessage

log = structlog.get_logger(__name__)

Role = Literal["approver", "admin", "sender", "operator", "system"]
Verdict = Literal["released", "rejected"]
QUICK_SECONDS = 5.0
"""A decision this soon after the page was rendered was hardly read: counted as ``quick``."""
COMMENT_LIMIT = 2000
_OUTCOME_LABELS = {
    "released": "released",
    "rejected": "rejected",
    "withdrawn": "withdrawn",
    "sent_now": "sent_now",
    "timeout": "timed_out",
}
"""Audit event -> ``decisions`` metric outcome (a delay simply running out is no decision)."""


@dataclass(frozen=True, slots=True)
class Actor:
    role: Role
    name: str
    """An address for approvers, admins and senders; a user name for operators."""
    client_addr: str = ""
    user_agent: str = ""

    @property
    def label(self) -> str:
        return f"{self.role}:{self.name}"


SYSTEM = Actor("system", "sweeper")


@dataclass(frozen=True, slots=True)
class Result:
    won: bool
    """False: someone decided first (``message.decided_by``/``decided_at`` say who and when),
    or the message was no longer in a state this decision applies to."""
    message: StoredMessage


class OutcomeListener(Protocol):
    async def decided(
        self, message: StoredMessage, outcome: Resolution, decider: str, comment: str
    ) -> None:
        """Tell the sender (by queued mail) what became of their message."""


def clean_comment(comment: str) -> str:
    kept = "".join(ch for ch in comment if ch in "\n\t" or ch.isprintable())
    kept = kept.replace("\r", "").strip()
    return kept if len(kept) <= COMMENT_LIMIT else kept[: COMMENT_LIMIT - 1] + ELLIPSIS


class Decisions:
    def __init__(
        self,
        store: Store,
        *,
        clock: Clock,
        wake: Callable[[], None],
        roster: Roster,
        listener: OutcomeListener | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._wake = wake
        self._roster = roster
        self._listener = listener

    async def moderate(
        self,
        message_id: str,
        actor: Actor,
        verdict: Verdict,
        comment: str = "",
        *,
        seconds_on_page: float | None = None,
    ) -> Result:
        """An approver's, admin's or operator's release or reject of a held message."""
        message = await self._load(message_id)
        self._authorise_moderator(message, actor)
        new = State.QUEUED if verdict == "released" else State.REJECTED
        return await self._decide(message, actor, verdict, new, comment, seconds_on_page)

    async def withdraw(self, message_id: str, actor: Actor) -> Result:
        """The sender takes back a held or delayed message: it is never sent."""
        message = await self._load(message_id)
        self._authorise_sender(message, actor)
        if message.state not in (State.HELD, State.DELAYED):
            return Result(False, message)
        return await self._move(message, actor, "withdrawn", State.REJECTED, "", decided=True)

    async def send_now(self, message_id: str, actor: Actor) -> Result:
        """The sender cuts a delay short. A held message still needs its approver."""
        message = await self._load(message_id)
        self._authorise_sender(message, actor)
        if message.state is not State.DELAYED:
            return Result(False, message)
        return await self._move(message, actor, "sent_now", State.QUEUED, "", decided=True)

    async def time_out(self, message: StoredMessage) -> Result:
        """Nobody decided in time: reject (the default) or release, as the policy said."""
        release = message.decision.on_timeout == "release"
        new = State.QUEUED if release else State.REJECTED
        result = await self._move(message, SYSTEM, "timeout", new, "hold timed out", decided=True)
        if result.won and self._listener is not None:
            outcome: Resolution = "timeout_released" if release else "timeout_rejected"
            await self._listener.decided(result.message, outcome, SYSTEM.name, "")
        return result

    async def delay_elapsed(self, message: StoredMessage) -> Result:
        return await self._move(message, SYSTEM, "delay_elapsed", State.QUEUED, "", decided=False)

    async def _load(self, message_id: str) -> StoredMessage:
        message = await self._store.get(message_id)
        if message is None:
            raise UnknownMessage(message_id)
        return message

    def _authorise_moderator(self, message: StoredMessage, actor: Actor) -> None:
        if actor.role == "operator":
            return
        people = self._roster.people()
        if people.is_sender(actor.name, message.envelope):
            raise DecisionRefused("The sender of a message cannot approve or reject it.")
        decision = message.decision
        allowed = (
            (*decision.approvers, *decision.escalate_to)
            if actor.role == "approver"
            else tuple(self._roster.admins())
            if actor.role == "admin"
            else ()
        )
        if not people.may_decide(actor.name, allowed, message.envelope):
            raise DecisionRefused(f"{actor.name} is not an approver of this message.")

    def _authorise_sender(self, message: StoredMessage, actor: Actor) -> None:
        if actor.role == "operator":
            return
        if actor.role == "sender" and self._roster.people().is_sender(actor.name, message.envelope):
            return
        raise DecisionRefused("Only the sender can withdraw a message or send it early.")

    async def _decide(
        self,
        message: StoredMessage,
        actor: Actor,
        event: Resolution,
        new: State,
        comment: str,
        seconds_on_page: float | None,
    ) -> Result:
        if message.state is not State.HELD:
            return Result(False, message)
        quick = seconds_on_page is not None and seconds_on_page < QUICK_SECONDS
        comment = clean_comment(comment)
        result = await self._move(message, actor, event, new, comment, decided=True, quick=quick)
        if result.won:
            metrics.decision_latency.observe(max(0.0, self._clock() - message.received_at))
            if self._listener is not None:
                await self._listener.decided(result.message, event, actor.name, comment)
        return result

    async def _move(
        self,
        message: StoredMessage,
        actor: Actor,
        event: str,
        new: State,
        comment: str,
        *,
        decided: bool,
        quick: bool = False,
    ) -> Result:
        now = self._clock()
        audit = AuditEvent(
            message_id=message.id,
            at=now,
            actor=actor.label,
            event=event,
            from_state=message.state,
            to_state=new,
            client_addr=actor.client_addr,
            user_agent=actor.user_agent,
            comment=comment,
        )
        won = await self._store.transition(
            message.id,
            message.state,
            new,
            audit,
            next_attempt_at=now if new is State.QUEUED else None,
            decided_by=actor.label if decided else None,
            decision_comment=comment if decided else None,
        )
        after = await self._store.get(message.id) or message
        if won:
            if event in _OUTCOME_LABELS:
                label = _OUTCOME_LABELS[event]
                metrics.decisions.labels(outcome=label, quick="yes" if quick else "no").inc()
            log.info("decision", id=message.id, outcome=event, actor=actor.label)
            if new is State.QUEUED:
                self._wake()
        return Result(won, after)
