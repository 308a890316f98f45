"""Routing fails safe: the sender never decides, and nobody-left means the admins are asked."""

from __future__ import annotations

from mailguard.approval.routing import may_decide, route, sender_identities, without_sender
from mailguard.model import Envelope

ENVELOPE = Envelope(
    mail_from="Tanaka@Example.co.jp", rcpt_tos=("x@partner.example",), auth_user="tanaka"
)
ALIASES = {"tanaka": ["hanako.tanaka@example.co.jp", "sales-lead@example.co.jp"]}


def test_the_sender_is_known_by_every_alias_in_any_case() -> None:
    identities = sender_identities(ENVELOPE, ALIASES)
    assert {"tanaka@example.co.jp", "tanaka", "sales-lead@example.co.jp"} <= identities


def test_the_sender_is_removed_from_the_approvers_through_aliases() -> None:
    kept = without_sender(
        ["SALES-LEAD@example.co.jp", "boss@example.co.jp", "Boss@example.co.jp"], ENVELOPE, ALIASES
    )
    assert kept == ("boss@example.co.jp",)


def test_approvers_are_asked_when_someone_is_left() -> None:
    chosen = route(
        ["tanaka@example.co.jp", "boss@example.co.jp"], ["admin@example.co.jp"], ENVELOPE, ALIASES
    )
    assert chosen.role == "approver" and chosen.recipients == ("boss@example.co.jp",)


def test_admins_are_asked_when_only_the_sender_could_approve() -> None:
    chosen = route(["hanako.tanaka@example.co.jp"], ["admin@example.co.jp"], ENVELOPE, ALIASES)
    assert chosen.role == "admin" and chosen.recipients == ("admin@example.co.jp",)


def test_with_nobody_at_all_the_route_is_empty_not_a_delivery() -> None:
    chosen = route([], [], ENVELOPE, ALIASES)
    assert chosen.recipients == ()


def test_the_sender_may_not_decide_even_when_listed_as_approver() -> None:
    assert not may_decide(
        "TANAKA@example.co.jp",
        "approver",
        approvers=["tanaka@example.co.jp"],
        admins=[],
        envelope=ENVELOPE,
        aliases=ALIASES,
    )


def test_an_admin_may_decide_only_as_admin() -> None:
    kwargs = {
        "approvers": ["boss@example.co.jp"],
        "admins": ["admin@example.co.jp"],
        "envelope": ENVELOPE,
        "aliases": ALIASES,
    }
    assert may_decide("Admin@example.co.jp", "admin", **kwargs)  # type: ignore[arg-type]
    assert not may_decide("admin@example.co.jp", "approver", **kwargs)  # type: ignore[arg-type]
    assert may_decide("boss@example.co.jp", "approver", **kwargs)  # type: ignore[arg-type]
