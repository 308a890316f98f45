"""Rule conditions: a tiny boolean language over one message's facts.

``when`` is a mapping; several keys in one mapping must all hold (``{finding: x,
sender_group: hr}`` reads "x, sent by hr"). ``all``/``any``/``not`` nest. Conditions are
parsed once at load into these frozen objects and evaluated per message with no lookups
beyond set membership.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from mailguard.core.model import FindingKind
from mailguard.inspection.checks.domains import DomainSet
from mailguard.inspection.policy.addresses import domain_pattern
from mailguard.inspection.policy.yamltree import PolicyNode

KINDS = tuple(kind.value for kind in FindingKind)


@dataclass(frozen=True, slots=True)
class Facts:
    """What conditions can see of one message, computed once before the rules run."""

    kinds: frozenset[str]
    sender_groups: frozenset[str]
    recipient_domains: tuple[str, ...]
    """Normalised (``checks.domains.domain_of``)."""
    has_external: bool


class Condition(Protocol):
    def matches(self, facts: Facts) -> bool: ...


@dataclass(frozen=True, slots=True)
class FindingIs:
    kinds: frozenset[str]

    def matches(self, facts: Facts) -> bool:
        return not self.kinds.isdisjoint(facts.kinds)


@dataclass(frozen=True, slots=True)
class SenderIn:
    groups: frozenset[str]

    def matches(self, facts: Facts) -> bool:
        return not self.groups.isdisjoint(facts.sender_groups)


@dataclass(frozen=True, slots=True)
class RecipientDomain:
    domains: DomainSet

    def matches(self, facts: Facts) -> bool:
        return any(domain in self.domains for domain in facts.recipient_domains)


@dataclass(frozen=True, slots=True)
class External:
    wanted: bool

    def matches(self, facts: Facts) -> bool:
        return facts.has_external is self.wanted


@dataclass(frozen=True, slots=True)
class Always:
    def matches(self, facts: Facts) -> bool:
        return True


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Condition, ...]

    def matches(self, facts: Facts) -> bool:
        return all(part.matches(facts) for part in self.parts)


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Condition, ...]

    def matches(self, facts: Facts) -> bool:
        return any(part.matches(facts) for part in self.parts)


@dataclass(frozen=True, slots=True)
class Not:
    part: Condition

    def matches(self, facts: Facts) -> bool:
        return not self.part.matches(facts)


CONDITION_KEYS = (
    "finding",
    "sender_group",
    "recipient_domain",
    "external",
    "always",
    "all",
    "any",
    "not",
)


MAX_DEPTH = 16
"""Deeper nesting is a mistake, and bounding it bounds evaluation (and its recursion)."""


def parse_condition(node: PolicyNode, sender_groups: Collection[str], depth: int = 0) -> Condition:
    """A ``when`` mapping; every key must hold. Empty conditions are refused: a rule that
    matches everything must say so with ``always: true``."""
    if depth > MAX_DEPTH:
        raise node.error(f"conditions nested more than {MAX_DEPTH} deep")
    keys = node.mapping(CONDITION_KEYS)
    if not keys:
        raise node.error("empty condition: write `always: true` for a rule that always matches")
    parts = [_parse_key(key, value, sender_groups, depth) for key, value in keys.items()]
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _parse_key(
    key: str, value: PolicyNode, sender_groups: Collection[str], depth: int
) -> Condition:
    if key == "finding":
        return FindingIs(frozenset(item.choice(KINDS) for item in _non_empty(value)))
    if key == "sender_group":
        return SenderIn(frozenset(_known(item, sender_groups) for item in _non_empty(value)))
    if key == "recipient_domain":
        patterns = tuple(domain_pattern(item) for item in _non_empty(value))
        return RecipientDomain(DomainSet.from_patterns(patterns))
    if key == "external":
        return External(value.boolean())
    if key == "always":
        if not value.boolean():
            raise value.error("`always: false` would never match; remove the rule instead")
        return Always()
    if key == "not":
        return Not(parse_condition(value, sender_groups, depth + 1))
    parts = tuple(parse_condition(item, sender_groups, depth + 1) for item in value.sequence())
    if not parts:
        raise value.error(f"`{key}` needs at least one condition")
    return AllOf(parts) if key == "all" else AnyOf(parts)


def _non_empty(node: PolicyNode) -> list[PolicyNode]:
    items = node.sequence(allow_scalar=True)
    if not items:
        raise node.error("needs at least one value")
    return items


def _known(node: PolicyNode, sender_groups: Collection[str]) -> str:
    name = node.string()
    if name not in sender_groups:
        known = ", ".join(sender_groups) or "none defined"
        raise node.error(f"unknown sender group {name!r} (senders: {known})")
    return name
