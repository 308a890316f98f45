"""``lookalike_domain``: a recipient domain that resembles, but is not, one we trust.

Trusted domains are the internal ones (wildcards by their base), the policy's partner
``known_domains`` and every domain in the directory. A recipient domain is compared by its
registrable part (``mail.exampel.co.jp`` → ``exampel.co.jp``), so a genuine subdomain of a
trusted domain is never a look-alike, and neither is the trusted domain itself.

Three ways to look alike, strongest first:

1. *confusable characters*: equal once ``1``/``i``/``l``, ``0``/``o``, ``rn``/``m``, ``vv``/``w``,
   ``cl``/``d`` and Cyrillic/Greek homoglyphs are folded (``examp1e``, ``exarnple``);
2. *a different ending*: the same name under another suffix (``example.co`` or
   ``example.com`` for ``example.co.jp``);
3. *a small edit*: an optimal-string-alignment distance (a swap counts one) of at most
   ``lookalike_max_distance``, or 1 for names of ``lookalike_short_name`` letters or fewer;
   names under four letters are never compared by distance.

Everything trusted is indexed when the check is built; per message a domain costs two dict
lookups and one rapidfuzz pass over the precomputed list (cached per domain).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from mailguard.core.model import Finding, FindingKind
from mailguard.inspection.checks.base import Check, CheckContext
from mailguard.inspection.checks.domains import DomainSet, domain_of, normalize_domain
from mailguard.inspection.checks.external_recipient import unique_addresses
from mailguard.inspection.checks.settings import CheckSettings

_MULTI_LABEL_SUFFIXES = frozenset(
    f"{second}.{top}"
    for top, seconds in {
        "jp": "co ne or ac ad ed go gr lg",
        "uk": "co org ac gov ltd plc me net",
        "au": "com net org edu gov",
        "nz": "co org net ac",
        "kr": "co or ne ac go",
        "cn": "com net org gov edu",
        "tw": "com net org edu gov",
        "hk": "com net org edu gov",
        "sg": "com net org edu gov",
        "in": "co net org ac gov",
        "br": "com net org gov",
        "th": "co or ac go in",
    }.items()
    for second in seconds.split()
)
_HOMOGLYPHS = str.maketrans(
    {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i", "ј": "j",
     "ο": "o", "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "τ": "t", "ѕ": "s",
     "1": "l", "i": "l", "|": "l", "!": "l", "0": "o"}
)  # fmt: skip
_MIN_EDIT_NAME = 4
"""Below this many letters every name is one edit from many others (``ab`` / ``ac``)."""
_DIGRAPHS = re.compile(r"rn|vv|cl")
_DIGRAPH_TO = {"rn": "m", "vv": "w", "cl": "d"}
_TRUSTED_AS = {
    "directory": "a domain in the directory",
    "partner": "a partner domain",
    "internal": "an internal domain",
}


def split_registrable(domain: str) -> tuple[str, str]:
    """``"mail.example.co.jp"`` → ``("example", "co.jp")``: the organisation's name and its
    public suffix (from a short built-in list; enough for the domains people mistype)."""
    labels = domain.split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in _MULTI_LABEL_SUFFIXES:
        return labels[-3], ".".join(labels[-2:])
    if len(labels) >= 2:
        return labels[-2], labels[-1]
    return domain, ""


def skeleton(name: str) -> str:
    """What a name looks like to a hurried reader: confusable characters folded to one."""
    folded = unicodedata.normalize("NFKC", name).casefold().translate(_HOMOGLYPHS)
    return _DIGRAPHS.sub(lambda m: _DIGRAPH_TO[m.group()], folded).replace("-", "")


@dataclass(frozen=True, slots=True)
class Resemblance:
    trusted: str
    how: str
    way: str
    """``how`` as a code, so other languages can say it: ``characters``, ``suffix``,
    ``extra_letter``, ``missing_letter``, ``swapped`` or ``letters``."""
    facts: tuple[tuple[str, str], ...] = ()
    """The values ``how`` mentions (``suffix``, ``trusted_suffix``, ``distance``)."""


def _edit(trusted: str, name: str, trusted_name: str, distance: int) -> Resemblance:
    if distance == 1 and len(name) == len(trusted_name) + 1:
        return Resemblance(trusted, "it has one extra letter", "extra_letter")
    if distance == 1 and len(name) + 1 == len(trusted_name):
        return Resemblance(trusted, "it is missing one letter", "missing_letter")
    if distance == 1 and sorted(name) == sorted(trusted_name):
        return Resemblance(trusted, "two letters are swapped", "swapped")
    how = "one letter is different" if distance == 1 else f"{distance} letters are different"
    return Resemblance(trusted, how, "letters", (("distance", str(distance)),))


def make(settings: CheckSettings) -> Check:
    internal = DomainSet.from_patterns(settings.internal_domains)
    kinds: dict[str, str] = {}
    for domain in settings.directory.domains:
        kinds[normalize_domain(domain)] = "directory"
    for domain in settings.known_domains:
        kinds[normalize_domain(domain).removeprefix("*.")] = "partner"
    for domain in internal.bases:
        kinds[domain] = "internal"
    registrables = {".".join(split_registrable(d)): d for d in kinds}
    by_name: dict[str, list[str]] = {}
    by_skeleton: dict[tuple[str, str], list[str]] = {}
    for registrable, domain in registrables.items():
        name, suffix = split_registrable(registrable)
        by_name.setdefault(name, []).append(domain)
        by_skeleton.setdefault((skeleton(name), suffix), []).append(domain)
    choices = list(registrables)
    max_distance, short = settings.lookalike_max_distance, settings.lookalike_short_name

    @lru_cache(maxsize=4096)
    def resemblance(domain: str) -> Resemblance | None:
        name, suffix = split_registrable(domain)
        registrable = f"{name}.{suffix}" if suffix else name
        if registrable in registrables or domain in kinds or domain in internal:
            return None
        for trusted in by_skeleton.get((skeleton(name), suffix), ()):
            return Resemblance(trusted, "it uses look-alike characters", "characters")
        for trusted in by_name.get(name, ()):
            trusted_suffix = split_registrable(trusted)[1]
            how = f"it ends in .{suffix} instead of .{trusted_suffix}"
            facts = (("suffix", suffix), ("trusted_suffix", trusted_suffix))
            return Resemblance(trusted, how, "suffix", facts)
        for choice, distance, _ in process.extract(
            registrable, choices, scorer=OSA.distance, score_cutoff=max_distance, limit=None
        ):
            trusted_name = split_registrable(choice)[0]
            if min(len(name), len(trusted_name)) < _MIN_EDIT_NAME:
                continue
            if distance <= (1 if len(trusted_name) <= short else max_distance):
                return _edit(registrables[choice], registrable, choice, int(distance))
        return None

    def check(context: CheckContext) -> Sequence[Finding]:
        findings = []
        for address in unique_addresses(context.recipients):
            domain = domain_of(address)
            found = resemblance(domain)
            if found is None:
                continue
            findings.append(
                Finding(
                    kind=FindingKind.LOOKALIKE_DOMAIN,
                    recipient=address,
                    message=f"{domain} looks like {found.trusted}, "
                    f"{_TRUSTED_AS[kinds[found.trusted]]}, but is a different domain: {found.how}.",
                    detail={
                        "domain": domain,
                        "resembles": found.trusted,
                        "how": found.how,
                        "way": found.way,
                        "trusted_as": kinds[found.trusted],
                        **dict(found.facts),
                    },
                )
            )
        return findings

    return check
