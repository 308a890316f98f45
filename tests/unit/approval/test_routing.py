"""Routing fails safe: the sender never decides, and nobody-left means the admins are asked."""

from __future__ import annotations

from mailguard.core.model import Envelope
from mailguard.inspection.policy.addresses import Aliases
from mailguard.workflow.approval.routing import People

ENVELOPE = Envelope(
    mail_from="Tanaka@Example.co.jp", rcpt_tos=("x@partner.example",), auth_user="tanaka"
)
PEOPLE = People(
    aliases=Aliases({"tanaka@example.co.jp": ["hanako.tanaka@example.co.jp"]}),
    logins={"tanaka": ["sales-lead@example.co.jp"]},
)


def test_the_sender_is_known_by_policy_aliases_logins_case_and_tags() -> None:
    for address in (
        "TANAKA@example.co.jp",
        "tanaka+hr@example.co.jp",
        "Hanako.Tanaka@example.co.jp",
        "sales-lead@example.co.jp",
    ):
        assert PEOPLE.is_sender(address, ENVELOPE), address
    assert not PEOPLE.is_sender("boss@example.co.jp", ENVELOPE)


def test_the_sender_is_removed_from_the_approvers_through_aliases() -> None:
    kept = PEOPLE.without_sender(
        ["SALES-LEAD@example.co.jp", "boss@example.co.jp", "Boss@example.co.jp"], ENVELOPE
    )
    assert kept == ("boss@example.co.jp",)


def test_approvers_are_asked_when_someone_is_left() -> None:
    chosen = PEOPLE.route(
        ["tanaka@example.co.jp", "boss@example.co.jp"], ["admin@example.co.jp"], ENVELOPE
    )
    assert chosen.role == "approver" and chosen.recipients == ("boss@example.co.jp",)


def test_admins_are_asked_when_only_the_sender_could_approve() -> None:
    chosen = PEOPLE.route(["hanako.tanaka@example.co.jp"], ["admin@example.co.jp"], ENVELOPE)
    assert chosen.role == "admin" and chosen.recipients == ("admin@example.co.jp",)


def test_with_nobody_at_all_the_route_is_empty_not_a_delivery() -> None:
    assert PEOPLE.route([], [], ENVELOPE).recipients == ()


def test_the_sender_may_not_decide_even_when_listed() -> None:
    assert not PEOPLE.may_decide("TANAKA@example.co.jp", ["tanaka@example.co.jp"], ENVELOPE)
    assert PEOPLE.may_decide("Boss@example.co.jp", ["boss@example.co.jp"], ENVELOPE)
    assert not PEOPLE.may_decide("stranger@example.co.jp", ["boss@example.co.jp"], ENVELOPE)
