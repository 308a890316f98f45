"""What the checks are built from, and ``build_checks``: every check built once, run as one.

The policy loader turns its YAML into one ``CheckSettings``; ``build_checks`` hands it to each
check module's ``make``, which precomputes its tables (domain sets, directory indexes, rapidfuzz
choice lists) right then, so the per-message work is lookups. The returned callable runs the
checks in ``FindingKind`` order, so findings come out in the same order for the same message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mailguard.core.model import Finding
from mailguard.inspection.checks.base import Check, CheckContext
from mailguard.inspection.contacts import Directory


@dataclass(frozen=True, slots=True)
class CheckSettings:
    internal_domains: tuple[str, ...]
    """Policy patterns: ``a.example`` exact, ``*.a.example`` any subdomain."""
    known_domains: tuple[str, ...] = ()
    """Partners' domains: a recipient domain resembling one is a look-alike. Directory domains
    count as known too, without being listed here."""
    directory: Directory = field(default_factory=Directory)
    bulk_min_recipients: int = 10
    bulk_min_domains: int = 2
    lookalike_max_distance: int = 2
    """Largest edit distance (a transposition counts 1) at which a domain name is a look-alike.
    Names of ``lookalike_short_name`` letters or fewer use 1: ``abc`` vs ``abd`` is a typo,
    but two edits on a four-letter name reach unrelated companies."""
    lookalike_short_name: int = 6


def build_checks(settings: CheckSettings) -> Check:
    """Build every check once; the result runs them all on one message."""
    # Imported here: the check modules import CheckSettings from this module.
    from mailguard.inspection.checks import (
        bulk_visible_recipients,
        dangerous_attachment,
        external_recipient,
        lookalike_domain,
        name_mismatch,
        surname_ambiguity,
        unencrypted_attachment,
    )

    checks: tuple[Check, ...] = tuple(
        module.make(settings)
        for module in (
            external_recipient,
            lookalike_domain,
            surname_ambiguity,
            name_mismatch,
            unencrypted_attachment,
            dangerous_attachment,
            bulk_visible_recipients,
        )
    )

    def run_all(context: CheckContext) -> Sequence[Finding]:
        return [finding for check in checks for finding in check(context)]

    return run_all
