"""Domain matching for ``organization.internal_domains`` and every check that compares domains.

Policy syntax: ``example.co.jp`` matches exactly that domain; ``*.example.co.jp`` matches any
subdomain at any depth (``hr.example.co.jp``, ``a.b.example.co.jp``) but not the apex itself —
list both when both are yours, as the default policy does. Matching is by whole labels, so
``newexample.co.jp`` is never internal for ``example.co.jp``.

Every domain is compared in one form: trimmed, trailing dot removed, full-width and ideographic
dots folded (NFKC, ``。``), lower-cased, and IDNA A-labels (``xn--...``) decoded to Unicode, the
form the parser hands us.
"""

from __future__ import annotations

import contextlib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_DOTS = str.maketrans({"。": ".", "．": ".", "｡": "."})


def normalize_domain(domain: str) -> str:
    """``"Xn--Eckwd4c7c.JP."`` → ``"ドメイン.jp"``; never raises."""
    text = unicodedata.normalize("NFKC", domain.translate(_DOTS)).strip().rstrip(".").lower()
    labels = []
    for label in text.split("."):
        if label.startswith("xn--"):
            # A malformed A-label is compared as written.
            with contextlib.suppress(UnicodeError):
                label = label.encode("ascii").decode("idna")
        labels.append(label)
    return ".".join(labels)


def domain_of(address: str) -> str:
    return normalize_domain(address.rpartition("@")[2])


def check_pattern(pattern: str) -> str:
    """The normalised pattern, or ``ValueError`` saying what is wrong with it (for policy
    validation)."""
    normalized = normalize_domain(pattern)
    base = normalized.removeprefix("*.")
    if not base or "*" in base or "@" in base or any(ch.isspace() for ch in base):
        raise ValueError(f"{pattern!r} is not a domain or *.domain pattern")
    if any(not label for label in base.split(".")):
        raise ValueError(f"{pattern!r} is not a domain: it has an empty label")
    return normalized


@dataclass(frozen=True, slots=True)
class DomainSet:
    """A compiled list of domain patterns: exact names and ``*.`` subdomain wildcards."""

    exact: frozenset[str]
    parents: frozenset[str]
    """Bases of ``*.base`` patterns: any proper subdomain of these matches."""

    @classmethod
    def from_patterns(cls, patterns: tuple[str, ...]) -> DomainSet:
        normalized = [normalize_domain(p) for p in patterns]
        return cls(
            exact=frozenset(p for p in normalized if not p.startswith("*.")),
            parents=frozenset(p[2:] for p in normalized if p.startswith("*.")),
        )

    def __contains__(self, domain: object) -> bool:
        if not isinstance(domain, str):
            return False
        name = normalize_domain(domain)
        if name in self.exact:
            return True
        labels = name.split(".")
        return any(".".join(labels[i:]) in self.parents for i in range(1, len(labels)))

    @property
    def bases(self) -> frozenset[str]:
        """Every domain named in the patterns, wildcards without their ``*.``."""
        return self.exact | self.parents


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> DomainSet:
    return DomainSet.from_patterns(patterns)


def is_internal(domain: str, internal_domains: tuple[str, ...]) -> bool:
    """Whether ``domain`` matches one of the policy's ``internal_domains`` patterns."""
    return domain in _compiled(tuple(internal_domains))
