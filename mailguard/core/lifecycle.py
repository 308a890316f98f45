"""A message's life as one table (DESIGN.md section 3).

Rules every edit must respect:

* Every change of state is one atomic conditional update in the store
  (``UPDATE ... SET state = new WHERE id = ? AND state = old``) together with its audit record,
  so two workers or two approvers can never both win.
* A transition not in ``TRANSITIONS`` is a bug: the store refuses it with ``InvalidTransition``.
* Terminal states never change again.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    QUEUED = "queued"
    """Accepted and waiting for a delivery worker."""
    HELD = "held"
    """Waiting for a second person's decision."""
    DELAYED = "delayed"
    """Waiting out the sender's grace period."""
    DELIVERING = "delivering"
    """Claimed by a worker under a lease."""
    DELIVERED = "delivered"
    DEFERRED = "deferred"
    """A temporary failure; retried at ``next_attempt_at``."""
    REJECTED = "rejected"
    """Refused by policy, an approver, the sender's withdrawal or a hold timeout."""
    BOUNCED = "bounced"
    """Permanently failed for every remaining recipient; the sender was sent a DSN."""


TRANSITIONS: dict[State, frozenset[State]] = {
    State.QUEUED: frozenset({State.DELIVERING}),
    State.HELD: frozenset({State.QUEUED, State.REJECTED}),
    State.DELAYED: frozenset({State.QUEUED, State.REJECTED}),
    # DELIVERING -> DELIVERING is a re-claim after the lease expired (the worker died).
    State.DELIVERING: frozenset(
        {State.DELIVERED, State.DEFERRED, State.BOUNCED, State.DELIVERING, State.QUEUED}
    ),
    State.DEFERRED: frozenset({State.DELIVERING, State.BOUNCED}),
    State.DELIVERED: frozenset(),
    State.REJECTED: frozenset(),
    State.BOUNCED: frozenset(),
}

INITIAL: frozenset[State] = frozenset({State.QUEUED, State.HELD, State.DELAYED, State.REJECTED})
"""States a message may be stored in when it is accepted (REJECTED: refused at DATA, kept for
the audit trail)."""

TERMINAL: frozenset[State] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


def allowed(old: State, new: State) -> bool:
    return new in TRANSITIONS[old]
