"""Addresses, address patterns and aliases: who is who, for routing and sender groups.

Comparison is deliberately generous in one direction only: two spellings of one mailbox
(case, ``+tag`` sub-addresses) count as the same person, so a sender can never slip through as
their own approver. Over-matching can only remove an approver, which fails safe.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mailguard.inspection.checks.domains import DomainSet, check_pattern
from mailguard.inspection.policy.yamltree import PolicyNode

_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"*]+\.[^@\s<>,;\"*]+")


def mailbox_key(address: str) -> str:
    """The identity of a mailbox: lower-cased, without a ``+tag`` on the local part."""
    local, _, domain = address.strip().lower().rpartition("@")
    local = local.split("+", 1)[0] if local else local
    return f"{local}@{domain}"


def is_address(text: str) -> bool:
    return _ADDRESS.fullmatch(text) is not None


def address(node: PolicyNode) -> str:
    value = node.string()
    if not is_address(value):
        raise node.error(f"{value!r} is not an email address (local@domain)")
    return value.lower()


def addresses(node: PolicyNode) -> tuple[str, ...]:
    return tuple(dict.fromkeys(address(item) for item in node.sequence(allow_scalar=True)))


def domain_pattern(node: PolicyNode) -> str:
    """``example.co.jp`` (exactly) or ``*.example.co.jp`` (its subdomains), normalised the way
    the checks compare domains (``checks.domains``), so policy and checks agree."""
    try:
        return check_pattern(node.string())
    except ValueError as exc:
        raise node.error(str(exc)) from exc


@dataclass(frozen=True, slots=True)
class AddressPattern:
    """``user@domain`` exactly, or ``*@DOMAIN-PATTERN`` for anyone at that domain."""

    local: str | None
    """None: any local part."""
    domain: DomainSet


def address_pattern(node: PolicyNode) -> AddressPattern:
    value = node.string().lower()
    local, at, domain = value.rpartition("@")
    if not at or not local:
        raise node.error(f"{value!r} is not an address or *@domain pattern")
    if local != "*" and not is_address(value):
        raise node.error(f"{value!r} is not an address or *@domain pattern")
    try:
        domains = DomainSet.from_patterns((check_pattern(domain),))
    except ValueError as exc:
        raise node.error(f"{value!r}: {exc}") from exc
    return AddressPattern(None if local == "*" else mailbox_key(value).rpartition("@")[0], domains)


class Aliases:
    """Groups of addresses that belong to one person, closed in both directions.

    ``a: [b]`` and ``b: [c]`` make a, b and c one person: however the sender writes their
    address, every other spelling is removed from their own approvers.
    """

    def __init__(self, links: Mapping[str, Iterable[str]] | None = None) -> None:
        parent: dict[str, str] = {}

        def root(key: str) -> str:
            while parent.setdefault(key, key) != key:
                key = parent[key]
            return key

        for name, others in (links or {}).items():
            for other in others:
                parent[root(mailbox_key(other))] = root(mailbox_key(name))
        groups: dict[str, set[str]] = {}
        for key in list(parent):
            groups.setdefault(root(key), set()).add(key)
        self._person = {key: frozenset(groups[root(key)]) for key in parent}

    def same_person(self, address: str) -> frozenset[str]:
        """Every mailbox key of the person who owns ``address`` (at least its own)."""
        key = mailbox_key(address)
        return self._person.get(key, frozenset((key,)))


def pattern_matches(pattern: AddressPattern, address: str) -> bool:
    local, _, domain = mailbox_key(address).rpartition("@")
    if pattern.local is not None and pattern.local != local:
        return False
    return domain in pattern.domain
