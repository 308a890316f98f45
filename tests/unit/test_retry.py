"""The retry schedule: backoff, cap, deadline, give-up."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailguard.core.config import DeliveryConfig
from mailguard.core.retry import RetryDecision, next_retry, retry_interval

DEFAULTS = DeliveryConfig()
T0 = 1_800_000_000.0
DAY = 24 * 3600.0


def test_defaults_are_postfix_like() -> None:
    assert retry_interval(1, DEFAULTS) == 300.0
    assert retry_interval(2, DEFAULTS) == 600.0
    assert retry_interval(3, DEFAULTS) == 1200.0
    assert retry_interval(7, DEFAULTS) == 4 * 3600.0  # 300 * 2**6 = 19200 > the 4 h cap
    assert retry_interval(1000, DEFAULTS) == 4 * 3600.0


@pytest.mark.parametrize("attempts", [0, -1])
def test_attempts_start_at_one(attempts: int) -> None:
    with pytest.raises(ValueError, match="starts at 1"):
        retry_interval(attempts, DEFAULTS)


def test_first_failure_retries_after_the_first_interval() -> None:
    assert next_retry(1, T0, T0 + 1, DEFAULTS) == RetryDecision(T0 + 301)


def test_the_last_retry_is_moved_to_the_deadline() -> None:
    now = T0 + 5 * DAY - 60
    decision = next_retry(40, T0, now, DEFAULTS)
    assert decision.retry_at == T0 + 5 * DAY
    assert not decision.give_up


def test_past_the_lifetime_it_gives_up() -> None:
    assert next_retry(41, T0, T0 + 5 * DAY, DEFAULTS).give_up
    assert next_retry(1, T0, T0 + 6 * DAY, DEFAULTS).give_up


def test_custom_settings_are_honoured() -> None:
    fast = DeliveryConfig(
        first_retry_seconds=1,
        backoff_factor=3,
        max_retry_interval_seconds=20,
        max_lifetime_seconds=60,
    )
    assert [retry_interval(n, fast) for n in range(1, 6)] == [1, 3, 9, 20, 20]
    assert next_retry(2, T0, T0 + 10, fast) == RetryDecision(T0 + 13)
    assert next_retry(9, T0, T0 + 50, fast) == RetryDecision(T0 + 60)


def test_a_factor_of_one_is_a_fixed_interval() -> None:
    fixed = DeliveryConfig(first_retry_seconds=30, backoff_factor=1)
    assert {retry_interval(n, fixed) for n in range(1, 50)} == {30}


@given(
    attempts=st.integers(1, 10_000),
    age=st.floats(0, 10 * DAY),
    first=st.floats(1, 3600),
    factor=st.floats(1, 10),
    cap=st.floats(1, DAY),
)
def test_retry_is_later_bounded_and_never_past_the_deadline(
    attempts: int, age: float, first: float, factor: float, cap: float
) -> None:
    settings = DeliveryConfig(
        first_retry_seconds=first, backoff_factor=factor, max_retry_interval_seconds=cap
    )
    now = T0 + age
    decision = next_retry(attempts, T0, now, settings)
    deadline = T0 + settings.max_lifetime_seconds
    if now >= deadline:
        assert decision.give_up
    else:
        assert decision.retry_at is not None
        assert now < decision.retry_at <= deadline
        assert decision.retry_at - now <= max(cap, 0) + 1e-6


@given(attempts=st.integers(1, 200), factor=st.floats(1, 10))
def test_intervals_never_shrink(attempts: int, factor: float) -> None:
    settings = DeliveryConfig(backoff_factor=factor)
    assert retry_interval(attempts + 1, settings) >= retry_interval(attempts, settings)
