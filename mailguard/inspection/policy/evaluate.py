"""Findings + envelope facts → one ``Decision``. Pure and cheap: set lookups per rule.

Every rule is evaluated (so monitor rules are always reported); the strictest matched
*enforced* action wins (reject > hold > delay > pass) and, among rules with that action, the
first in file order decides the details (reply, delay, approvers, timeouts).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from mailguard.core.model import Action, Decision, Finding
from mailguard.inspection.checks.domains import domain_of, is_internal
from mailguard.inspection.policy.conditions import Always, Facts
from mailguard.inspection.policy.model import Policy, Rule
from mailguard.inspection.policy.routing import route_hold, sender_groups_of


def evaluate(
    policy: Policy,
    findings: Iterable[Finding],
    *,
    sender: str,
    recipients: Sequence[str],
    sender_addresses: Iterable[str] = (),
) -> Decision:
    """Decide on one message.

    ``sender`` is who sends (envelope sender, else From) and selects sender groups;
    ``sender_addresses`` are any further addresses of the same person (From, the
    authenticated user) that must never be asked to approve this message.
    """
    kept = tuple(f for f in findings if f.kind not in policy.checks.disabled)
    groups = sender_groups_of(policy, sender)
    domains = tuple(dict.fromkeys(domain_of(r) for r in recipients))
    facts = Facts(
        kinds=frozenset(f.kind for f in kept),
        sender_groups=frozenset(group.name for group in groups),
        recipient_domains=domains,
        has_external=any(not is_internal(d, policy.internal_domains) for d in domains),
    )
    matched = [rule for rule in policy.rules if rule.when.matches(facts)]
    base = Decision(
        action=Action.PASS,
        findings=kept,
        rules=tuple(rule.id for rule in matched),
        monitor_rules=tuple(rule.id for rule in matched if not rule.enforced),
        hold_timeout_seconds=policy.defaults.hold_timeout_seconds,
        on_timeout=policy.defaults.on_timeout,
        policy_hash=policy.policy_hash,
    )
    rule = _deciding_rule(matched)
    if rule is None or rule.action is Action.PASS:
        return base
    if rule.action is Action.REJECT:
        return replace(base, action=Action.REJECT, reply=rule.reply or policy.defaults.reply)
    if rule.action is Action.DELAY:
        delay = rule.delay_seconds or policy.defaults.delay_seconds
        return replace(base, action=Action.DELAY, delay_seconds=delay)
    route = route_hold(policy, rule, groups, (sender, *sender_addresses))
    return replace(
        base,
        action=Action.HOLD,
        approvers=route.approvers,
        approver_group=route.group,
        escalate_after_seconds=route.escalate_after_seconds,
        escalate_to=route.escalate_to,
        hold_timeout_seconds=rule.hold_timeout_seconds or policy.defaults.hold_timeout_seconds,
        on_timeout=rule.on_timeout or policy.defaults.on_timeout,
    )


def _deciding_rule(matched: Sequence[Rule]) -> Rule | None:
    """The first enforced rule with the strictest action, or None when none is enforced."""
    deciding: Rule | None = None
    for rule in matched:
        if rule.enforced and (
            deciding is None or rule.action.strictness > deciding.action.strictness
        ):
            deciding = rule
    return deciding


INSPECTION_ERROR = "inspection_error"
"""Not a check's finding kind: the mark of a message that could not be inspected."""
_FAIL_SAFE_RULE = Rule(id="mailguard:inspection-error", when=Always(), action=Action.HOLD)


def fail_safe(
    policy: Policy, sender: str, sender_addresses: Iterable[str], error: Exception
) -> Decision:
    """A hold for a message the checks could not inspect: never delivered unseen."""
    finding = Finding(
        kind=INSPECTION_ERROR,
        message=f"mailguard could not inspect this message ({type(error).__name__}); "
        "check it by hand before releasing it.",
    )
    groups = sender_groups_of(policy, sender)
    route = route_hold(policy, _FAIL_SAFE_RULE, groups, (sender, *sender_addresses))
    return Decision(
        action=Action.HOLD,
        findings=(finding,),
        rules=(_FAIL_SAFE_RULE.id,),
        approvers=route.approvers,
        approver_group=route.group,
        hold_timeout_seconds=policy.defaults.hold_timeout_seconds,
        on_timeout=policy.defaults.on_timeout,
        policy_hash=policy.policy_hash,
    )
