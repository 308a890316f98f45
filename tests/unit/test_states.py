"""The state table keeps the durability rules of DESIGN.md section 3."""

from mailguard.core.lifecycle import INITIAL, TERMINAL, TRANSITIONS, State, allowed


def test_every_state_has_a_row() -> None:
    assert set(TRANSITIONS) == set(State)


def test_terminal_states_are_delivered_rejected_bounced() -> None:
    assert {State.DELIVERED, State.REJECTED, State.BOUNCED} == TERMINAL


def test_held_message_cannot_skip_to_delivering() -> None:
    assert not allowed(State.HELD, State.DELIVERING)
    assert allowed(State.HELD, State.QUEUED)


def test_accepted_messages_start_in_a_non_delivering_state() -> None:
    assert State.DELIVERING not in INITIAL
