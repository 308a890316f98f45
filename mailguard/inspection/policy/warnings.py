"""Valid but probably not meant: things ``policy validate`` points out without refusing.

A hold that routes to nobody is safe (the message waits for the admins, then times out) but
is rarely what an admin intended, so it is worth a line before it happens in production.
"""

from __future__ import annotations

from mailguard.core.model import Action
from mailguard.inspection.policy.model import Policy


def policy_warnings(policy: Policy) -> list[str]:
    warnings: list[str] = []
    routed_groups = any(group.approvers for group in policy.sender_groups)
    for rule in policy.rules:
        if rule.action is not Action.HOLD or not rule.enforced or rule.approvers is not None:
            continue
        if not policy.default_approvers.addresses:
            who = "only some sender groups have" if routed_groups else "nobody is"
            warnings.append(
                f"rule {rule.id} (line {rule.line}) holds mail but names no approvers and "
                f"approvers.default is empty: {who} routed; the rest waits for the admins"
            )
    if not policy.admins and any(r.action is Action.HOLD and r.enforced for r in policy.rules):
        warnings.append(
            "approvers.admins is empty: nobody is alerted when a held message has no approver"
        )
    return warnings
