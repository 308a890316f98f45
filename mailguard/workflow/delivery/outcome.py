"""What one delivery attempt means for its message: pure, from per-recipient replies.

Per recipient: 2xx delivered, 5xx failed at once, 4xx (or no reply) retried on the schedule
of ``mailguard.core.retry`` until the message's lifetime runs out, then failed too. The message
goes to DEFERRED while any recipient waits for a retry; otherwise to DELIVERED if this attempt
delivered to anyone, or BOUNCED if it delivered to nobody. Failed recipients are bounced to
the sender whatever the message's state (the audit trail records each recipient's fate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mailguard.core.config import DeliveryConfig
from mailguard.core.lifecycle import State
from mailguard.core.retry import next_retry
from mailguard.workflow.ports.transport import RecipientResult

NO_RESULT = RecipientResult(451, "4.3.0 the transport returned no result for this recipient")


@dataclass(frozen=True, slots=True)
class Outcome:
    state: State
    delivered: tuple[str, ...]
    deferred: tuple[str, ...]
    """Still pending: retried at ``next_attempt_at``."""
    failed: dict[str, RecipientResult]
    """To be bounced: permanent refusals, and temporary ones past the message's lifetime."""
    next_attempt_at: float
    last_error: str

    def summary(self) -> str:
        """One line for the audit trail: who was delivered, deferred, bounced, and why."""
        parts = []
        if self.delivered:
            parts.append("delivered: " + ", ".join(self.delivered))
        if self.deferred:
            parts.append("deferred: " + ", ".join(self.deferred) + f" ({self.last_error})")
        if self.failed:
            parts.append("bounced: " + ", ".join(f"{r} ({f})" for r, f in self.failed.items()))
        return "; ".join(parts)


def plan(
    *,
    rcpts: Sequence[str],
    results: Mapping[str, RecipientResult],
    attempts: int,
    received_at: float,
    now: float,
    settings: DeliveryConfig,
) -> Outcome:
    """The outcome of the ``attempts``-th attempt at ``now`` for the pending ``rcpts``."""
    by_rcpt = {rcpt: results.get(rcpt, NO_RESULT) for rcpt in rcpts}
    delivered = tuple(r for r, res in by_rcpt.items() if res.delivered)
    failed = {r: res for r, res in by_rcpt.items() if res.permanent}
    temporary = {r: res for r, res in by_rcpt.items() if res.temporary}
    last_error = str(next(iter(temporary.values()), next(iter(failed.values()), "")))
    if temporary:
        retry = next_retry(max(attempts, 1), received_at, now, settings)
        if retry.retry_at is not None:
            return Outcome(
                State.DEFERRED, delivered, tuple(temporary), failed, retry.retry_at, last_error
            )
        days = settings.max_lifetime_seconds / 86400
        for rcpt, res in temporary.items():
            failed[rcpt] = RecipientResult(
                res.code, f"{res.message} (gave up after {days:g} days of retries)"
            )
    state = State.DELIVERED if delivered else State.BOUNCED
    return Outcome(state, delivered, (), failed, now, last_error)
