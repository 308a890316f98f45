"""``external_recipient``: a recipient outside the organisation's internal domains."""

from __future__ import annotations

from collections.abc import Sequence

from mailguard.core.model import Finding, FindingKind
from mailguard.inspection.checks.base import Check, CheckContext
from mailguard.inspection.checks.domains import DomainSet, domain_of
from mailguard.inspection.checks.settings import CheckSettings


def unique_addresses(addresses: Sequence[str]) -> list[str]:
    """Lower-cased, first occurrence kept, empty ones dropped."""
    return list(dict.fromkeys(a.strip().lower() for a in addresses if a.strip()))


def make(settings: CheckSettings) -> Check:
    internal = DomainSet.from_patterns(settings.internal_domains)

    def check(context: CheckContext) -> Sequence[Finding]:
        return [
            Finding(
                kind=FindingKind.EXTERNAL_RECIPIENT,
                recipient=address,
                message=f"{address} is outside the organisation "
                f"({domain_of(address)} is not an internal domain).",
                detail={"domain": domain_of(address)},
            )
            for address in unique_addresses(context.recipients)
            if domain_of(address) not in internal
        ]

    return check
