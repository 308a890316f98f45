"""One ``rules:`` entry → a ``Rule``, with every option checked against the rule's action.

Options that cannot apply to the action (``reply`` on a hold, ``approvers`` on a delay) are
errors rather than ignored: an admin who writes them expects them to do something.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from mailguard.core.model import Action, OnTimeout
from mailguard.inspection.policy.addresses import addresses
from mailguard.inspection.policy.conditions import parse_condition
from mailguard.inspection.policy.durations import duration
from mailguard.inspection.policy.model import Approvers, Defaults, Escalation, Mode, Rule
from mailguard.inspection.policy.yamltree import PolicyNode

_RULE_KEYS = (
    "id",
    "when",
    "action",
    "mode",
    "reply",
    "delay",
    "approvers",
    "escalate",
    "hold_timeout",
    "on_timeout",
    "description",
)
_ONLY_FOR = {
    "reply": Action.REJECT,
    "delay": Action.DELAY,
    "approvers": Action.HOLD,
    "escalate": Action.HOLD,
    "hold_timeout": Action.HOLD,
    "on_timeout": Action.HOLD,
}
_RULE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
_REPLY = re.compile(r"[\x20-\x7e]{1,400}")


def parse_rules(
    node: PolicyNode,
    sender_groups: Collection[str],
    approver_groups: Mapping[str, Approvers],
    defaults: Defaults,
) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: set[str] = set()
    for item in node.sequence():
        rule = parse_rule(item, sender_groups, approver_groups, defaults)
        if rule.id in seen:
            raise item.mapping(_RULE_KEYS)["id"].error(f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        rules.append(rule)
    return tuple(rules)


def parse_rule(
    node: PolicyNode,
    sender_groups: Collection[str],
    approver_groups: Mapping[str, Approvers],
    defaults: Defaults,
) -> Rule:
    keys = node.mapping(_RULE_KEYS, required=("id", "when", "action"))
    rule_id = keys["id"].string()
    if not _RULE_ID.fullmatch(rule_id):
        raise keys["id"].error("use letters, digits, '-', '_', '.' or ':' (at most 64)")
    action = Action(keys["action"].choice([a.value for a in Action]))
    for key, wanted in _ONLY_FOR.items():
        if key in keys and action is not wanted:
            raise keys[key].error(f"only applies to action: {wanted.value}, not {action.value}")
    if "description" in keys:
        keys["description"].string()
    mode: Mode = "enforce"
    if "mode" in keys and keys["mode"].choice(("enforce", "monitor")) == "monitor":
        mode = "monitor"
    on_timeout: OnTimeout | None = None
    if "on_timeout" in keys:
        on_timeout = parse_on_timeout(keys["on_timeout"])
    hold_timeout = duration(keys["hold_timeout"]) if "hold_timeout" in keys else None
    approvers = None
    if "approvers" in keys:
        approvers = approvers_ref(keys["approvers"], approver_groups)
    escalate = None
    if "escalate" in keys:
        escalate = parse_escalation(keys["escalate"], approver_groups)
        timeout = hold_timeout or defaults.hold_timeout_seconds
        if escalate.after_seconds >= timeout:
            raise keys["escalate"].error(
                f"escalation after {escalate.after_seconds:g}s would come after the hold "
                f"times out ({timeout:g}s)"
            )
    return Rule(
        id=rule_id,
        when=parse_condition(keys["when"], sender_groups),
        action=action,
        mode=mode,
        reply=reply(keys["reply"]) if "reply" in keys else None,
        delay_seconds=duration(keys["delay"]) if "delay" in keys else None,
        approvers=approvers,
        escalate=escalate,
        hold_timeout_seconds=hold_timeout,
        on_timeout=on_timeout,
        line=node.line,
    )


def parse_on_timeout(node: PolicyNode) -> OnTimeout:
    return "release" if node.choice(("reject", "release")) == "release" else "reject"


def reply(node: PolicyNode) -> str:
    """SMTP reply text: one line of printable ASCII, because that is all clients reliably show
    (and a CR/LF here would let a policy inject protocol lines)."""
    text = node.string()
    if not _REPLY.fullmatch(text):
        raise node.error("an SMTP reply must be one line of printable ASCII (at most 400)")
    return text


def approvers_ref(node: PolicyNode, groups: Mapping[str, Approvers]) -> Approvers:
    """``{group: NAME}`` or a list of addresses."""
    if node.is_mapping():
        name_node = node.mapping(("group",), required=("group",))["group"]
        name = name_node.string()
        if name not in groups:
            known = ", ".join(groups) or "none defined"
            raise name_node.error(f"unknown approver group {name!r} (approvers.groups: {known})")
        return groups[name]
    listed = addresses(node)
    if not listed:
        raise node.error("name a group ({group: NAME}) or at least one address")
    return Approvers(listed)


def parse_escalation(node: PolicyNode, groups: Mapping[str, Approvers]) -> Escalation:
    keys = node.mapping(("after", "to"), required=("after", "to"))
    return Escalation(duration(keys["after"]), approvers_ref(keys["to"], groups))
