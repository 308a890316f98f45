"""Messages and audit events for the PostgreSQL store tests."""

from __future__ import annotations

from mailguard.ids import new_message_id
from mailguard.model import Action, Decision, Envelope
from mailguard.states import State
from mailguard.store.base import AuditEvent, NewMessage

NOW = 1_800_000_000.0


def new_message(
    state: State = State.QUEUED,
    *,
    at: float = NOW,
    hold_until: float | None = None,
    escalate_after: float | None = None,
    raw: bytes = b"Subject: hi\r\n\r\nbody\r\n",
) -> NewMessage:
    action = {State.HELD: Action.HOLD, State.DELAYED: Action.DELAY}.get(state, Action.PASS)
    return NewMessage(
        id=new_message_id(),
        envelope=Envelope("sato@example.co.jp", ("suzuki@partner.co.jp", "kato@partner.co.jp")),
        raw=raw,
        decision=Decision(action=action, escalate_after_seconds=escalate_after),
        state=state,
        received_at=at,
        next_attempt_at=at,
        hold_until=hold_until,
    )


def event(message_id: str, name: str, at: float = NOW, **kw: State | str | None) -> AuditEvent:
    return AuditEvent(message_id=message_id, at=at, actor="system", event=name, **kw)  # type: ignore[arg-type]
