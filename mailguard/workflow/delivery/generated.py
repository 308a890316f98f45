"""Mail that mailguard writes itself (bounces, approval notifications), queued durably.

Generated mail travels the same path as accepted mail: stored as a new ``queued`` message,
picked up by the delivery workers, retried and, if it cannot be delivered, bounced (unless it
has the null sender, as bounces do: a bounce is never bounced). It is not inspected again:
its decision is ``PASS_EVERYTHING``.

Usage (e.g. from the approval workflow)::

    message_id = await enqueue_generated(
        store, mail_from="mailguard@example.co.jp", rcpts=[approver], raw=mime_bytes,
        reason="approval-request", clock=clock,
    )

``raw`` must be a complete RFC 5322 message (headers and body, CRLF or LF line ends). The
call returns after the message is committed; the audit trail gets a ``generated`` event with
``reason`` as its comment.
"""

from __future__ import annotations

from collections.abc import Sequence

from mailguard.core.clock import Clock
from mailguard.core.ids import new_message_id
from mailguard.core.lifecycle import State
from mailguard.core.model import PASS_EVERYTHING, Envelope
from mailguard.workflow.ports.store import AuditEvent, NewMessage, Store


async def enqueue_generated(
    store: Store,
    *,
    mail_from: str,
    rcpts: Sequence[str],
    raw: bytes,
    reason: str,
    clock: Clock,
) -> str:
    """Store ``raw`` as a new queued message to ``rcpts``; return its id."""
    if not rcpts:
        raise ValueError("generated mail needs at least one recipient")
    now = clock()
    message_id = new_message_id()
    message = NewMessage(
        id=message_id,
        envelope=Envelope(mail_from=mail_from, rcpt_tos=tuple(rcpts)),
        raw=raw,
        decision=PASS_EVERYTHING,
        state=State.QUEUED,
        received_at=now,
        next_attempt_at=now,
    )
    audit = AuditEvent(
        message_id, now, "system", "generated", to_state=State.QUEUED, comment=reason
    )
    await store.add(message, audit)
    return message_id
