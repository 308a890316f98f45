"""Per-recipient replies -> the message's next state, retry time and bounces."""

from __future__ import annotations

from mailguard.core.config import DeliveryConfig
from mailguard.core.lifecycle import State
from mailguard.workflow.delivery.outcome import NO_RESULT, Outcome, plan
from mailguard.workflow.ports.transport import RecipientResult

T0 = 1_800_000_000.0
OK = RecipientResult(250, "2.0.0 OK")
BUSY = RecipientResult(451, "4.3.0 busy")
GONE = RecipientResult(550, "5.1.1 unknown")
SETTINGS = DeliveryConfig()


def _plan(results: dict[str, RecipientResult], now: float = T0 + 10, attempts: int = 1) -> Outcome:
    return plan(
        rcpts=("a", "b"),
        results=results,
        attempts=attempts,
        received_at=T0,
        now=now,
        settings=SETTINGS,
    )


def test_all_delivered() -> None:
    outcome = _plan({"a": OK, "b": OK})
    assert (outcome.state, outcome.delivered, outcome.deferred, outcome.failed) == (
        State.DELIVERED,
        ("a", "b"),
        (),
        {},
    )


def test_temporary_failure_defers_only_those_recipients() -> None:
    outcome = _plan({"a": OK, "b": BUSY})
    assert outcome.state is State.DEFERRED
    assert outcome.deferred == ("b",)
    assert outcome.next_attempt_at == T0 + 10 + SETTINGS.first_retry_seconds
    assert outcome.last_error == "451 4.3.0 busy"


def test_permanent_failure_is_bounced_at_once_even_while_others_wait() -> None:
    outcome = _plan({"a": GONE, "b": BUSY})
    assert outcome.state is State.DEFERRED
    assert outcome.failed == {"a": GONE}
    assert outcome.deferred == ("b",)


def test_partial_refusal_is_delivered_with_a_bounce() -> None:
    outcome = _plan({"a": GONE, "b": OK})
    assert outcome.state is State.DELIVERED
    assert list(outcome.failed) == ["a"]
    assert "bounced: a (550 5.1.1 unknown)" in outcome.summary()


def test_everyone_refused_is_bounced() -> None:
    assert _plan({"a": GONE, "b": GONE}).state is State.BOUNCED


def test_past_the_lifetime_temporary_failures_are_bounced() -> None:
    outcome = _plan({"a": BUSY, "b": OK}, now=T0 + SETTINGS.max_lifetime_seconds, attempts=30)
    assert outcome.state is State.DELIVERED
    assert outcome.deferred == ()
    assert outcome.failed["a"].code == 451
    assert "gave up after 5 days" in outcome.failed["a"].message


def test_a_recipient_without_result_is_retried_not_dropped() -> None:
    outcome = _plan({"a": OK})
    assert outcome.deferred == ("b",)
    assert outcome.last_error == str(NO_RESULT)
