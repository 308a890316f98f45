"""Findings → decision: strictest enforced rule wins, monitor rules are reported only."""

from __future__ import annotations

from mailguard.core.model import Action, Finding
from mailguard.inspection.policy import evaluate

RULES = """\
approvers:
  default: [infosec@example.co.jp]
senders:
  sales: ["*@sales.example.co.jp"]
rules:
  - id: dangerous
    when: {finding: dangerous_attachment}
    action: reject
    reply: "No executables."
  - id: wrong-person
    when: {finding: name_mismatch}
    action: hold
    hold_timeout: 2h
    on_timeout: release
  - id: plain-outside
    when: {all: [{external: true}, {finding: unencrypted_attachment}]}
    action: hold
  - id: mass-mail-trial
    when: {finding: bulk_visible_recipients}
    action: reject
    mode: monitor
  - id: partner-ok
    when: {recipient_domain: "*.partner.example", not: {sender_group: sales}}
    action: pass
  - id: external-grace
    when: {external: true}
    action: delay
defaults: {delay: 3m, hold_timeout: 12h}
"""

SENDER = "taro@example.co.jp"


def finding(kind: str) -> Finding:
    return Finding(kind=kind, message=f"{kind} happened", recipient="x@a.example")


def decide(policy, kinds=(), recipients=("x@a.example",), sender=SENDER):
    findings = [finding(kind) for kind in kinds]
    return evaluate(policy, findings, sender=sender, recipients=recipients)


def test_internal_mail_without_findings_passes(make_policy) -> None:
    decision = decide(make_policy(RULES), recipients=("hanako@example.co.jp",))
    assert decision.action is Action.PASS
    assert decision.rules == ()
    assert len(decision.policy_hash) == 16


def test_external_mail_is_delayed_by_the_default_delay(make_policy) -> None:
    decision = decide(make_policy(RULES))
    assert (decision.action, decision.delay_seconds) == (Action.DELAY, 180.0)
    assert decision.rules == ("external-grace",)


def test_the_strictest_enforced_action_wins_and_every_match_is_listed(make_policy) -> None:
    kinds = ("name_mismatch", "dangerous_attachment", "unencrypted_attachment")
    decision = decide(make_policy(RULES), kinds)
    assert decision.action is Action.REJECT
    assert decision.reply == "No executables."
    assert decision.rules == ("dangerous", "wrong-person", "plain-outside", "external-grace")
    assert [f.kind for f in decision.findings] == list(kinds)


def test_the_first_rule_of_the_winning_action_gives_its_details(make_policy) -> None:
    decision = decide(make_policy(RULES), ("name_mismatch", "unencrypted_attachment"))
    assert decision.action is Action.HOLD
    assert (decision.hold_timeout_seconds, decision.on_timeout) == (7200.0, "release")
    assert decision.approvers == ("infosec@example.co.jp",)


def test_a_hold_without_rule_timeouts_takes_the_defaults(make_policy) -> None:
    decision = decide(make_policy(RULES), ("unencrypted_attachment",))
    assert decision.rules == ("plain-outside", "external-grace")
    assert (decision.hold_timeout_seconds, decision.on_timeout) == (43200.0, "reject")


def test_monitor_rules_are_reported_but_never_decide(make_policy) -> None:
    decision = decide(make_policy(RULES), ("bulk_visible_recipients",))
    assert decision.action is Action.DELAY
    assert decision.rules == ("mass-mail-trial", "external-grace")
    assert decision.monitor_rules == ("mass-mail-trial",)


def test_internal_recipients_do_not_make_a_message_external(make_policy) -> None:
    decision = decide(make_policy(RULES), ("unencrypted_attachment",), ("a@hr.example.co.jp",))
    assert decision.action is Action.PASS


def test_a_look_alike_suffix_is_not_internal(make_policy) -> None:
    decision = decide(make_policy(RULES), (), ("a@newexample.co.jp",))
    assert decision.action is Action.DELAY


def test_recipient_domain_and_not_sender_group_combine(make_policy) -> None:
    policy = make_policy(RULES)
    partner = ("y@jp.partner.example",)
    assert decide(policy, (), partner).rules == ("partner-ok", "external-grace")
    from_sales = decide(policy, (), partner, sender="Ken@Sales.Example.co.jp")
    assert from_sales.rules == ("external-grace",)


def test_an_explicit_pass_does_not_override_a_stricter_rule(make_policy) -> None:
    decision = decide(make_policy(RULES), ("dangerous_attachment",), ("y@jp.partner.example",))
    assert decision.action is Action.REJECT
    assert decision.rules == ("dangerous", "partner-ok", "external-grace")


def test_a_disabled_check_drops_its_findings_before_the_rules(make_policy) -> None:
    policy = make_policy(RULES + "checks:\n  name_mismatch: {enabled: false}\n")
    decision = decide(policy, ("name_mismatch",), ("a@example.co.jp",))
    assert decision.action is Action.PASS
    assert decision.findings == ()


def test_always_external_false_and_finding_lists(make_policy) -> None:
    policy = make_policy(
        """\
rules:
  - id: internal-only
    when: {external: false}
    action: pass
  - id: names
    when: {finding: [name_mismatch, surname_ambiguity]}
    action: hold
  - id: catch-all
    when: {always: true}
    action: delay
    mode: monitor
"""
    )
    internal = decide(policy, ("surname_ambiguity",), ("a@example.co.jp", "b@x.example.co.jp"))
    assert internal.rules == ("internal-only", "names", "catch-all")
    assert internal.action is Action.HOLD
    mixed = decide(policy, (), ("a@example.co.jp", "b@client.example"))
    assert (mixed.rules, mixed.action) == (("catch-all",), Action.PASS)
