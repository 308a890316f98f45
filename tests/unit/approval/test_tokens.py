"""Link tokens: bound to one message, one address and one role, and refused with a reason."""

from __future__ import annotations

import pytest

from mailguard.core.errors import TokenExpired, TokenForged, TokenWrongMessage, TokenWrongRole
from mailguard.workflow.approval.tokens import TokenSigner

KEY = b"k" * 32


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def signer(clock: FakeClock | None = None, key: bytes = KEY) -> TokenSigner:
    return TokenSigner(key, ttl_seconds=3600, clock=clock or FakeClock())


def test_a_token_verifies_for_its_message_and_role() -> None:
    token = signer().issue("m1", "boss@example.co.jp", "approver")
    claims = signer().verify(token, message_id="m1", roles={"approver"})
    assert (claims.message_id, claims.address, claims.role) == (
        "m1",
        "boss@example.co.jp",
        "approver",
    )


def test_a_token_for_another_message_is_refused() -> None:
    token = signer().issue("m1", "boss@example.co.jp", "approver")
    with pytest.raises(TokenWrongMessage):
        signer().verify(token, message_id="m2", roles={"approver"})


def test_a_senders_token_cannot_act_as_an_approver() -> None:
    token = signer().issue("m1", "me@example.co.jp", "sender")
    with pytest.raises(TokenWrongRole) as caught:
        signer().verify(token, message_id="m1", roles={"approver", "admin"})
    assert "sender" in caught.value.reason


def test_an_expired_token_is_refused() -> None:
    clock = FakeClock()
    token = signer(clock).issue("m1", "boss@example.co.jp", "approver")
    clock.now += 3601
    with pytest.raises(TokenExpired):
        signer(clock).verify(token, message_id="m1", roles={"approver"})


def test_a_token_signed_with_another_key_is_forged() -> None:
    token = signer(key=b"x" * 32).issue("m1", "boss@example.co.jp", "approver")
    with pytest.raises(TokenForged):
        signer().verify(token, message_id="m1", roles={"approver"})


@pytest.mark.parametrize("mangle", ["", "abc", "a.b", "....", "日本.語", "e30.AAAA"])
def test_garbage_is_forged(mangle: str) -> None:
    with pytest.raises(TokenForged):
        signer().verify(mangle, message_id="m1", roles={"approver"})


def test_a_changed_payload_breaks_the_signature() -> None:
    s = signer()
    token = s.issue("m1", "boss@example.co.jp", "approver")
    other = s.issue("m1", "evil@example.com", "approver")
    spliced = other.split(".")[0] + "." + token.split(".")[1]
    with pytest.raises(TokenForged):
        s.verify(spliced, message_id="m1", roles={"approver"})


def test_form_token_is_bound_to_its_link_and_reports_its_age() -> None:
    clock = FakeClock()
    s = signer(clock)
    link = s.issue("m1", "boss@example.co.jp", "approver")
    form = s.form_token(link)
    clock.now += 42
    assert s.check_form_token(link, form) == 42
    with pytest.raises(TokenForged):
        s.check_form_token(s.issue("m2", "boss@example.co.jp", "approver"), form)
    with pytest.raises(TokenForged):
        s.check_form_token(link, "1." + form.split(".")[1])


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        TokenSigner(b"short", ttl_seconds=1)
