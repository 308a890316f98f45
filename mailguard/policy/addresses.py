"""Addresses, address patterns and aliases: who is who, for routing and sender groups.

Comparison is deliberately generous in one direction only: two spellings of one mailbox
(case, ``+tag`` sub-addresses) count as the same person, so a sender can never slip through as
their own approver. Over-matching can only remove an approver, which fails safe.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mailguard.policy.yamltree import PolicyNode

_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"*]+\.[^@\s<>,;\"*]+")
_DOMAIN_PATTERN = re.compile(r"(\*\.)?([a-z0-9\u0080-\U0010ffff-]+\.)+[a-z0-9\u0080-\U0010ffff-]+")


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
    """``example.co.jp`` (exactly) or ``*.example.co.jp`` (that domain and its subdomains)."""
    value = node.string().lower().rstrip(".")
    if not _DOMAIN_PATTERN.fullmatch(value):
        raise node.error(f"{value!r} is not a domain or *.domain pattern")
    return value


@dataclass(frozen=True, slots=True)
class AddressPattern:
    """``user@domain`` exactly, or ``*@DOMAIN-PATTERN`` for anyone at that domain."""

    local: str | None
    """None: any local part."""
    domain: str


def address_pattern(node: PolicyNode) -> AddressPattern:
    value = node.string().lower()
    local, at, domain = value.rpartition("@")
    if not at or not local:
        raise node.error(f"{value!r} is not an address or *@domain pattern")
    if local == "*":
        if not _DOMAIN_PATTERN.fullmatch(domain):
            raise node.error(f"{value!r}: {domain!r} is not a domain or *.domain pattern")
        return AddressPattern(None, domain)
    if not _ADDRESS.fullmatch(value):
        raise node.error(f"{value!r} is not an address or *@domain pattern")
    return AddressPattern(mailbox_key(value).rpartition("@")[0], domain)


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


def domain_matches(domain: str, patterns: tuple[str, ...]) -> bool:
    """``example.co.jp`` matches only itself; ``*.example.co.jp`` also every subdomain."""
    domain = domain.lower().rstrip(".")
    for pattern in patterns:
        if pattern.startswith("*."):
            base = pattern[2:]
            if domain == base or domain.endswith("." + base):
                return True
        elif domain == pattern:
            return True
    return False


def pattern_matches(pattern: AddressPattern, address: str) -> bool:
    local, _, domain = mailbox_key(address).rpartition("@")
    if pattern.local is not None and pattern.local != local:
        return False
    return domain_matches(domain, (pattern.domain,))
