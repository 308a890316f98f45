"""Who may approve a held message: never the sender, whatever address they use.

Routing is a fallback chain — the deciding rule's approvers, else the sender group's, else
``approvers.default`` — followed by removing every address of the sender (the envelope
sender, the From address, the authenticated user, and all their aliases). If that leaves
nobody, the answer is an empty tuple: the relay keeps the message held and alerts
``policy.admins``. There is deliberately no fallback to "anyone": an empty list is the safe
outcome, an unintended approver is not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mailguard.inspection.policy.addresses import mailbox_key, pattern_matches
from mailguard.inspection.policy.model import Approvers, Policy, Rule, SenderGroup


@dataclass(frozen=True, slots=True)
class Route:
    approvers: tuple[str, ...]
    group: str | None
    escalate_after_seconds: float | None
    escalate_to: tuple[str, ...]


def sender_groups_of(policy: Policy, sender: str) -> tuple[SenderGroup, ...]:
    """The sender groups ``sender`` belongs to, in the policy's order."""
    if not sender:
        return ()
    return tuple(
        group
        for group in policy.sender_groups
        if any(pattern_matches(pattern, sender) for pattern in group.patterns)
    )


def route_hold(
    policy: Policy, rule: Rule, groups: Iterable[SenderGroup], senders: Iterable[str]
) -> Route:
    """Approvers for a hold decided by ``rule``; ``senders`` are all the sender's addresses."""
    excluded: set[str] = set()
    for address in senders:
        if address:
            excluded |= policy.aliases.same_person(address)
    source = rule.approvers or next(
        (group.approvers for group in groups if group.approvers is not None),
        policy.default_approvers,
    )
    approvers = _without(source, excluded)
    escalate_to = _without(rule.escalate.to, excluded) if rule.escalate else ()
    return Route(
        approvers=approvers,
        group=source.group,
        escalate_after_seconds=rule.escalate.after_seconds
        if rule.escalate and escalate_to
        else None,
        escalate_to=escalate_to,
    )


def _without(approvers: Approvers, excluded: set[str]) -> tuple[str, ...]:
    return tuple(a for a in approvers.addresses if mailbox_key(a) not in excluded)
