"""Building test messages for the store suite."""

from __future__ import annotations

from mailguard.core.ids import new_message_id
from mailguard.core.lifecycle import State
from mailguard.core.model import Action, Decision, Envelope, Finding
from mailguard.workflow.ports.store import AuditEvent, NewMessage

T0 = 1_800_000_000.0
"""A fixed 'now' for the tests (2027-01-15)."""

HOLD_DECISION = Decision(
    action=Action.HOLD,
    findings=(Finding("external_recipient", "外部の宛先です", recipient="a@partner.example"),),
    rules=("external",),
    approvers=("boss@example.co.jp",),
    escalate_after_seconds=3600.0,
)


def new_message(
    state: State = State.QUEUED,
    *,
    mail_from: str = "鈴木@example.co.jp",
    rcpts: tuple[str, ...] = ("a@partner.example", "b@partner.example"),
    received_at: float = T0,
    next_attempt_at: float | None = None,
    hold_until: float | None = None,
    decision: Decision = HOLD_DECISION,
    raw: bytes = b"Subject: test\r\n\r\nhello\r\n",
) -> NewMessage:
    return NewMessage(
        id=new_message_id(),
        envelope=Envelope(mail_from, rcpts, client_addr="127.0.0.1", auth_user="suzuki"),
        raw=raw,
        decision=decision,
        state=state,
        received_at=received_at,
        next_attempt_at=received_at if next_attempt_at is None else next_attempt_at,
        hold_until=hold_until,
    )


def received(message: NewMessage) -> AuditEvent:
    return AuditEvent(message.id, message.received_at, "smtp", "received", client_addr="127.0.0.1")


def event(message_id: str, name: str, at: float = T0 + 1, actor: str = "system") -> AuditEvent:
    return AuditEvent(message_id, at, actor, name)
