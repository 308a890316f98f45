"""When to try a temporarily failed delivery again, as a pure function of its history.

The schedule is Postfix-like: the first retry comes after ``first_retry_seconds`` (minutes),
each later one waits ``backoff_factor`` times longer, capped at ``max_retry_interval_seconds``
(hours). A message is given up on (bounced) once it is ``max_lifetime_seconds`` (days) old;
the last retry is moved to that deadline rather than skipped, so every message gets a try at
the end of its life. Being pure, this is tested exhaustively without a clock or a queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailguard.core.config import DeliveryConfig


@dataclass(frozen=True, slots=True)
class RetryDecision:
    retry_at: float | None
    """When to try again; None means give up now (bounce the remaining recipients)."""

    @property
    def give_up(self) -> bool:
        return self.retry_at is None


def retry_interval(attempts: int, settings: DeliveryConfig) -> float:
    """The wait after the ``attempts``-th failed attempt (1 is the first)."""
    if attempts < 1:
        raise ValueError(f"attempts counts failed attempts and starts at 1, got {attempts}")
    interval = settings.first_retry_seconds
    cap = settings.max_retry_interval_seconds
    # Multiply step by step so a huge attempt count cannot overflow a float power.
    for _ in range(attempts - 1):
        if interval >= cap:
            break
        interval *= settings.backoff_factor
    return min(interval, cap)


def next_retry(
    attempts: int, first_received_at: float, now: float, settings: DeliveryConfig
) -> RetryDecision:
    """After ``attempts`` failed attempts at ``now``: retry when, or give up."""
    deadline = first_received_at + settings.max_lifetime_seconds
    if now >= deadline:
        return RetryDecision(None)
    return RetryDecision(min(now + retry_interval(attempts, settings), deadline))
