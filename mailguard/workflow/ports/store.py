"""The narrow seam between mailguard and its database.

Every backend (SQLite, the embedded default; PostgreSQL, for several replicas) implements
``Store`` with the same named queries. Rules:

* ``add`` returns only after the message, envelope and verdict are durably committed (fsync).
  If it cannot, it raises ``StoreUnavailable`` and nothing is claimed.
* A state change is one conditional update plus its audit record in one transaction; the
  boolean result says whether this caller won.
* Delivery workers ``claim`` messages under a lease; a message whose lease expired (its worker
  died) is claimable again. Only the lease owner may ``finish`` an attempt.
* Errors from the driver are converted to ``StoreError`` subclasses at this boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from mailguard.core.lifecycle import State
from mailguard.core.model import Decision, Envelope


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One line of the audit trail: who did what to which message, when and from where."""

    message_id: str
    at: float
    actor: str
    """``system``, ``smtp``, ``worker:<id>``, ``approver:<addr>``, ``sender:<addr>``,
    ``operator:<name>``, ``admin:<name>``."""
    event: str
    """What happened: ``received``, ``released``, ``rejected``, ``withdrawn``, ``timeout``,
    ``delivered``, ``deferred``, ``bounced``, ``escalated``, ``viewed`` ..."""
    from_state: State | None = None
    to_state: State | None = None
    client_addr: str = ""
    user_agent: str = ""
    comment: str = ""


@dataclass(frozen=True, slots=True)
class NewMessage:
    id: str
    envelope: Envelope
    raw: bytes
    decision: Decision
    state: State
    received_at: float
    next_attempt_at: float
    """When a worker may first pick it up (``received_at``; for ``delayed``, the delay's end)."""
    hold_until: float | None = None
    """For ``held``: when the hold times out."""


@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: str
    state: State
    envelope: Envelope
    decision: Decision
    received_at: float
    updated_at: float
    next_attempt_at: float
    hold_until: float | None
    attempts: int
    pending_rcpts: tuple[str, ...]
    """Recipients not yet delivered or bounced."""
    size: int
    last_error: str = ""
    lease_owner: str | None = None
    lease_until: float | None = None
    decided_by: str | None = None
    decided_at: float | None = None
    decision_comment: str = ""
    escalated: bool = False
    raw: bytes | None = field(default=None, repr=False)
    """Filled by ``get(..., with_raw=True)`` and ``claim``; None otherwise."""


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """What a delivery attempt leaves behind, recorded by ``Store.finish``."""

    state: State
    """DELIVERED, DEFERRED or BOUNCED (or QUEUED to hand the message back on shutdown)."""
    pending_rcpts: tuple[str, ...]
    next_attempt_at: float
    last_error: str = ""


class Store(Protocol):
    async def open(self) -> None:
        """Connect and apply migrations. Raises ``StoreUnavailable``."""

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Raise ``StoreUnavailable`` unless the store can serve reads and writes now."""

    async def add(self, message: NewMessage, audit: AuditEvent) -> None:
        """Durably store a newly accepted message. Raises ``StoreUnavailable``."""

    async def get(self, message_id: str, *, with_raw: bool = False) -> StoredMessage | None: ...

    async def transition(
        self,
        message_id: str,
        old: State,
        new: State,
        audit: AuditEvent,
        *,
        next_attempt_at: float | None = None,
        decided_by: str | None = None,
        decision_comment: str | None = None,
    ) -> bool:
        """Move ``old -> new`` iff the message is still in ``old``; record ``audit`` with it.

        ``decided_by``/``decision_comment`` are set for approval outcomes (and make
        ``decided_at`` the audit time). Raises ``InvalidTransition`` for a pair outside
        ``states.TRANSITIONS``. Returns False when someone else got there first.
        """

    async def mark_escalated(self, message_id: str, audit: AuditEvent) -> bool:
        """Set the escalated flag on a held message once; False if already set or not held."""

    async def claim(
        self, owner: str, now: float, lease_seconds: float, limit: int
    ) -> list[StoredMessage]:
        """Take up to ``limit`` due messages (QUEUED/DEFERRED with ``next_attempt_at <= now``,
        or DELIVERING with an expired lease) into DELIVERING under ``owner``'s lease, with raw."""

    async def finish(
        self, message_id: str, owner: str, result: AttemptResult, audit: AuditEvent
    ) -> bool:
        """Record an attempt's outcome iff ``owner`` still holds the lease."""

    async def due(self, state: State, now: float, limit: int) -> list[StoredMessage]:
        """HELD messages whose ``hold_until <= now``, or DELAYED whose ``next_attempt_at <= now``
        (the timeout and delay sweeper's work list)."""

    async def due_escalations(self, now: float, limit: int) -> list[StoredMessage]:
        """HELD, not yet escalated, whose ``received_at + escalate_after_seconds <= now``."""

    async def list_messages(
        self,
        states: Sequence[State] = (),
        *,
        sender: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[StoredMessage]:
        """Newest first; ``states`` empty means all."""

    async def count_by_state(self) -> dict[State, int]: ...

    async def add_audit(self, audit: AuditEvent) -> None:
        """An audit record without a state change (a page view, a notification sent)."""

    async def audit_events(
        self, *, since: float | None = None, message_id: str | None = None
    ) -> list[AuditEvent]:
        """Oldest first."""

    async def wait_for_work(self, timeout: float) -> None:
        """Return when a message may have become claimable (a release, a new message, a
        deferral coming due on another replica), or after ``timeout`` seconds."""
