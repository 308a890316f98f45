"""Conversions between the store's dataclasses and database rows, shared by every backend.

Rows are anything indexable by column name (``sqlite3.Row``, ``asyncpg.Record``). JSON
columns (``rcpts``, ``pending_rcpts``, ``decision``) may arrive as text or already decoded.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from mailguard.core.errors import InvalidTransition
from mailguard.core.lifecycle import State, allowed
from mailguard.core.model import Decision, Envelope
from mailguard.workflow.ports.store import AttemptResult, AuditEvent, NewMessage, StoredMessage


class Row(Protocol):
    def __getitem__(self, key: str, /) -> Any: ...

    def keys(self) -> Any: ...


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _state(value: str | None) -> State | None:
    return None if value is None else State(value)


def message_params(message: NewMessage) -> dict[str, Any]:
    env = message.envelope
    return {
        "id": message.id,
        "state": message.state.value,
        "mail_from": env.mail_from,
        "rcpts": json.dumps(list(env.rcpt_tos)),
        "raw": message.raw,
        "size": len(message.raw),
        "decision": json.dumps(message.decision.to_store(), ensure_ascii=False),
        "received_at": message.received_at,
        "next_attempt_at": message.next_attempt_at,
        "hold_until": message.hold_until,
        "client_addr": env.client_addr,
        "auth_user": env.auth_user,
        "helo": env.helo,
    }


def transition_params(
    message_id: str,
    old: State,
    new: State,
    audit: AuditEvent,
    *,
    next_attempt_at: float | None,
    decided_by: str | None,
    decision_comment: str | None,
) -> dict[str, Any]:
    """Parameters of the ``transition`` query; ``InvalidTransition`` outside the table."""
    if not allowed(old, new):
        raise InvalidTransition(f"{old.value} -> {new.value} is not an allowed transition")
    return {
        "id": message_id,
        "old": old.value,
        "new": new.value,
        "at": audit.at,
        "next_attempt_at": next_attempt_at,
        "decided_by": decided_by,
        "decision_comment": decision_comment,
    }


def finish_params(
    message_id: str, owner: str, result: AttemptResult, audit: AuditEvent
) -> dict[str, Any]:
    """Parameters of the ``finish`` query; ``InvalidTransition`` outside the table."""
    if not allowed(State.DELIVERING, result.state):
        raise InvalidTransition(f"delivering -> {result.state.value} is not allowed")
    return {
        "id": message_id,
        "owner": owner,
        "new": result.state.value,
        "pending_rcpts": json.dumps(list(result.pending_rcpts)),
        "next_attempt_at": result.next_attempt_at,
        "last_error": result.last_error,
        "at": audit.at,
    }


def audit_params(audit: AuditEvent) -> dict[str, Any]:
    return {
        "message_id": audit.message_id,
        "at": audit.at,
        "actor": audit.actor,
        "event": audit.event,
        "from_state": None if audit.from_state is None else audit.from_state.value,
        "to_state": None if audit.to_state is None else audit.to_state.value,
        "client_addr": audit.client_addr,
        "user_agent": audit.user_agent,
        "comment": audit.comment,
    }


def audit_params_for(
    audit: AuditEvent, old: State | None = None, new: State | None = None
) -> dict[str, Any]:
    """``audit_params``, with the states of the change it records filled in if left out."""
    params = audit_params(audit)
    params["from_state"] = params["from_state"] or (old and old.value)
    params["to_state"] = params["to_state"] or (new and new.value)
    return params


def message_from_row(row: Row) -> StoredMessage:
    # sqlite3.Row's "in" looks at values, not column names.
    has_raw = "raw" in row.keys()  # noqa: SIM118
    return StoredMessage(
        id=row["id"],
        state=State(row["state"]),
        envelope=Envelope(
            mail_from=row["mail_from"],
            rcpt_tos=tuple(_json(row["rcpts"])),
            client_addr=row["client_addr"],
            auth_user=row["auth_user"],
            helo=row["helo"],
        ),
        decision=Decision.from_store(_json(row["decision"])),
        received_at=row["received_at"],
        updated_at=row["updated_at"],
        next_attempt_at=row["next_attempt_at"],
        hold_until=row["hold_until"],
        attempts=row["attempts"],
        pending_rcpts=tuple(_json(row["pending_rcpts"])),
        size=row["size"],
        last_error=row["last_error"],
        lease_owner=row["lease_owner"],
        lease_until=row["lease_until"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        decision_comment=row["decision_comment"],
        escalated=bool(row["escalated"]),
        raw=bytes(row["raw"]) if has_raw else None,
    )


def audit_from_row(row: Row) -> AuditEvent:
    return AuditEvent(
        message_id=row["message_id"],
        at=row["at"],
        actor=row["actor"],
        event=row["event"],
        from_state=_state(row["from_state"]),
        to_state=_state(row["to_state"]),
        client_addr=row["client_addr"],
        user_agent=row["user_agent"],
        comment=row["comment"],
    )
