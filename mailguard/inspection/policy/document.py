"""The policy document, section by section: node tree → ``Policy`` (checks not yet built).

Sections are parsed in dependency order (approver groups before the senders and rules that
name them) so that every reference is checked where it is written.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from mailguard.core.model import FindingKind
from mailguard.inspection.policy.addresses import (
    Aliases,
    address_pattern,
    addresses,
    domain_pattern,
    is_address,
)
from mailguard.inspection.policy.durations import duration
from mailguard.inspection.policy.model import Approvers, CheckOptions, Defaults, Policy, SenderGroup
from mailguard.inspection.policy.rules import approvers_ref, parse_on_timeout, parse_rules, reply
from mailguard.inspection.policy.yamltree import PolicyNode

_TOP = (
    "version",
    "organization",
    "directory",
    "approvers",
    "senders",
    "aliases",
    "checks",
    "rules",
    "defaults",
)
_CHECK_KEYS = {
    FindingKind.BULK_VISIBLE_RECIPIENTS.value: ("enabled", "min_recipients", "min_domains"),
    FindingKind.LOOKALIKE_DOMAIN.value: ("enabled", "known_domains"),
}
_GROUP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def parse_document(root: PolicyNode, base_dir: Path) -> tuple[Policy, list[PolicyNode]]:
    """The policy, and the ``directory`` entries' nodes (for errors about those files)."""
    top = root.mapping(_TOP, required=("version", "organization", "rules"))
    if top["version"].integer(minimum=1) != 1:
        raise top["version"].error("this mailguard understands policy version 1")
    organization = top["organization"].mapping(("internal_domains",), ("internal_domains",))
    internal = organization["internal_domains"]
    internal_domains = tuple(dict.fromkeys(domain_pattern(n) for n in internal.sequence()))
    if not internal_domains:
        raise internal.error("list at least one internal domain")
    directory_nodes = top["directory"].sequence(allow_scalar=True) if "directory" in top else []
    directory_files = tuple(str(base_dir / node.string()) for node in directory_nodes)
    default, groups, admins = _approvers(top.get("approvers"))
    sender_groups = _senders(top.get("senders"), groups)
    defaults = _defaults(top.get("defaults"))
    rules = parse_rules(top["rules"], [g.name for g in sender_groups], groups, defaults)
    policy = Policy(
        source="",
        policy_hash="",
        internal_domains=internal_domains,
        directory_files=directory_files,
        default_approvers=default,
        approver_groups=groups,
        admins=admins,
        sender_groups=sender_groups,
        aliases=_aliases(top.get("aliases")),
        checks=_checks(top.get("checks")),
        rules=rules,
        defaults=defaults,
    )
    return policy, directory_nodes


def _approvers(node: PolicyNode | None) -> tuple[Approvers, dict[str, Approvers], tuple[str, ...]]:
    if node is None:
        return Approvers(()), {}, ()
    keys = node.mapping(("default", "groups", "admins"))
    groups: dict[str, Approvers] = {}
    for name, members in keys["groups"].items() if "groups" in keys else []:
        if not _GROUP_NAME.fullmatch(name):
            raise members.error("group names use letters, digits, '-', '_' or '.'")
        groups[name] = Approvers(addresses(members), group=name)
        if not groups[name].addresses:
            raise members.error("an approver group needs at least one address")
    default = Approvers(addresses(keys["default"])) if "default" in keys else Approvers(())
    admins = addresses(keys["admins"]) if "admins" in keys else ()
    return default, groups, admins


def _senders(node: PolicyNode | None, groups: dict[str, Approvers]) -> tuple[SenderGroup, ...]:
    """``name: [patterns]``, or ``name: {match: [patterns], approvers: {group: G} | [addrs]}``."""
    result: list[SenderGroup] = []
    for name, value in node.items() if node is not None else []:
        if not _GROUP_NAME.fullmatch(name):
            raise value.error("group names use letters, digits, '-', '_' or '.'")
        routed = None
        if value.is_mapping():
            keys = value.mapping(("match", "approvers"), required=("match",))
            value = keys["match"]
            routed = approvers_ref(keys["approvers"], groups) if "approvers" in keys else None
        patterns = tuple(address_pattern(item) for item in value.sequence(allow_scalar=True))
        if not patterns:
            raise value.error("list at least one address or *@domain pattern")
        result.append(SenderGroup(name, patterns, routed))
    return tuple(result)


def _aliases(node: PolicyNode | None) -> Aliases:
    """``person@a: [other@b, ...]``: addresses of one person, so none approves the others."""
    links: dict[str, tuple[str, ...]] = {}
    for key, others in node.items() if node is not None else []:
        if not is_address(key):
            raise others.error(f"{key!r} is not an email address (local@domain)")
        links[key.lower()] = addresses(others)
    return Aliases(links)


def _checks(node: PolicyNode | None) -> CheckOptions:
    if node is None:
        return CheckOptions()
    kinds = [kind.value for kind in FindingKind]
    options = CheckOptions()
    disabled: set[str] = set()
    for kind, settings_node in node.mapping(kinds).items():
        settings = settings_node.mapping(_CHECK_KEYS.get(kind, ("enabled",)))
        if "enabled" in settings and not settings["enabled"].boolean():
            disabled.add(kind)
        if "min_recipients" in settings:
            options = replace(options, bulk_min_recipients=settings["min_recipients"].integer(2))
        if "min_domains" in settings:
            options = replace(options, bulk_min_domains=settings["min_domains"].integer(1))
        if "known_domains" in settings:
            known = tuple(_plain_domain(n) for n in settings["known_domains"].sequence())
            options = replace(options, known_domains=known)
    return replace(options, disabled=frozenset(disabled))


def _defaults(node: PolicyNode | None) -> Defaults:
    if node is None:
        return Defaults()
    keys = node.mapping(("hold_timeout", "on_timeout", "delay", "reply"))
    base = Defaults()
    return Defaults(
        hold_timeout_seconds=(
            duration(keys["hold_timeout"]) if "hold_timeout" in keys else base.hold_timeout_seconds
        ),
        on_timeout=parse_on_timeout(keys["on_timeout"]) if "on_timeout" in keys else "reject",
        delay_seconds=duration(keys["delay"]) if "delay" in keys else base.delay_seconds,
        reply=reply(keys["reply"]) if "reply" in keys else base.reply,
    )


def _plain_domain(node: PolicyNode) -> str:
    domain = domain_pattern(node)
    if domain.startswith("*."):
        raise node.error("known domains are plain domains (their subdomains are never look-alikes)")
    return domain
