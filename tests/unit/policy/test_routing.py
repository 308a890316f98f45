"""Approver routing fails safe: the sender is never among their own approvers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailguard.core.model import Action, Finding
from mailguard.inspection.policy import Policy, evaluate, load_policy
from mailguard.inspection.policy.addresses import mailbox_key

from .conftest import BASE

ROUTING = """\
approvers:
  default: [infosec@example.co.jp, soumu@example.co.jp]
  groups:
    hr: [jinji-lead@example.co.jp, jinji-sub@example.co.jp]
    infosec: [infosec@example.co.jp, ciso@example.co.jp]
    solo: [alone@example.co.jp]
  admins: [mail-admin@example.co.jp]
senders:
  hr: {match: ["*@hr.example.co.jp"], approvers: {group: hr}}
  solo-team: {match: [alone@example.co.jp, "*@solo.example.co.jp"], approvers: {group: solo}}
aliases:
  jinji-lead@example.co.jp: [h.tanaka@hr.example.co.jp]
  h.tanaka@hr.example.co.jp: [hanako.tanaka@example.co.jp]
rules:
  - id: listed
    when: {finding: lookalike_domain}
    action: hold
    approvers: [Taro@example.co.jp, infosec@example.co.jp]
  - id: escalating
    when: {finding: surname_ambiguity}
    action: hold
    approvers: {group: hr}
    escalate: {after: 2h, to: {group: infosec}}
  - id: plain-hold
    when: {finding: name_mismatch}
    action: hold
"""


def hold(policy, kind: str, sender: str, **kwargs):
    findings = [Finding(kind=kind, message="m", recipient="x@a.example")]
    decision = evaluate(policy, findings, sender=sender, recipients=("x@a.example",), **kwargs)
    assert decision.action is Action.HOLD
    return decision


def test_the_rules_own_list_comes_first_minus_the_sender(make_policy) -> None:
    decision = hold(make_policy(ROUTING), "lookalike_domain", "TARO+news@Example.co.jp")
    assert decision.approvers == ("infosec@example.co.jp",)
    assert decision.approver_group is None


def test_a_sender_group_routes_to_its_approver_group(make_policy) -> None:
    decision = hold(make_policy(ROUTING), "name_mismatch", "yuki@hr.example.co.jp")
    assert decision.approvers == ("jinji-lead@example.co.jp", "jinji-sub@example.co.jp")
    assert decision.approver_group == "hr"


def test_other_senders_go_to_the_default_approvers(make_policy) -> None:
    decision = hold(make_policy(ROUTING), "name_mismatch", "ken@example.co.jp")
    assert decision.approvers == ("infosec@example.co.jp", "soumu@example.co.jp")


def test_an_alias_of_the_sender_is_removed_in_both_directions(make_policy) -> None:
    policy = make_policy(ROUTING)
    via_alias = hold(policy, "name_mismatch", "h.tanaka@hr.example.co.jp")
    assert via_alias.approvers == ("jinji-sub@example.co.jp",)
    transitive = hold(policy, "surname_ambiguity", "Hanako.Tanaka@example.co.jp")
    assert transitive.approvers == ("jinji-sub@example.co.jp",)


def test_the_from_address_and_auth_user_are_removed_too(make_policy) -> None:
    decision = hold(
        make_policy(ROUTING),
        "name_mismatch",
        "bounces@example.co.jp",
        sender_addresses=("soumu@example.co.jp",),
    )
    assert decision.approvers == ("infosec@example.co.jp",)


def test_nobody_left_means_an_empty_list_never_a_fallback(make_policy) -> None:
    policy = make_policy(ROUTING)
    decision = hold(policy, "name_mismatch", "alone@example.co.jp")
    assert decision.approvers == ()
    assert decision.approver_group == "solo"
    assert policy.admins == ("mail-admin@example.co.jp",)


def test_escalation_goes_to_the_second_group_without_the_sender(make_policy) -> None:
    decision = hold(make_policy(ROUTING), "surname_ambiguity", "ciso@example.co.jp")
    assert decision.escalate_after_seconds == 7200.0
    assert decision.escalate_to == ("infosec@example.co.jp",)


def test_no_approvers_configured_at_all_leaves_the_list_empty(make_policy) -> None:
    policy = make_policy("rules:\n  - {id: h, when: {finding: name_mismatch}, action: hold}\n")
    decision = hold(policy, "name_mismatch", "ken@example.co.jp")
    assert decision.approvers == ()
    assert policy.admins == ()


@pytest.fixture(scope="module")
def routing_policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    """Loaded once: hypothesis reuses it for every example."""
    path = tmp_path_factory.mktemp("routing") / "policy.yaml"
    path.write_text(BASE + ROUTING, encoding="utf-8")
    return load_policy(path)


addresses = st.sampled_from(
    [
        "infosec@example.co.jp",
        "soumu@example.co.jp",
        "jinji-lead@example.co.jp",
        "jinji-sub@example.co.jp",
        "h.tanaka@hr.example.co.jp",
        "hanako.tanaka@example.co.jp",
        "alone@example.co.jp",
        "ciso@example.co.jp",
        "taro@example.co.jp",
        "x@hr.example.co.jp",
    ]
)
spellings = st.sampled_from([str.lower, str.upper, str.title, lambda a: a.replace("@", "+t@")])
kinds = st.sampled_from(["lookalike_domain", "surname_ambiguity", "name_mismatch"])


@given(sender=addresses, spell=spellings, kind=kinds)
def test_property_no_spelling_of_the_sender_or_an_alias_is_ever_an_approver(
    routing_policy, sender, spell, kind
) -> None:
    decision = hold(routing_policy, kind, spell(sender))
    same_person = routing_policy.aliases.same_person(sender)
    chosen = {mailbox_key(a) for a in decision.approvers + decision.escalate_to}
    assert chosen.isdisjoint(same_person)
