"""``bulk_visible_recipients``: many external addresses from several organisations in To/Cc.

Every recipient of such a mail sees every other address: a customer list leaks without any
attachment. Bcc recipients are invisible to each other and do not count; neither do internal
addresses. Both thresholds must be reached (``bulk_min_recipients`` addresses across
``bulk_min_domains`` domains), so a mail to ten people at one partner is not flagged.
"""

from __future__ import annotations

from collections.abc import Sequence

from mailguard.core.model import Finding, FindingKind
from mailguard.inspection.checks.base import Check, CheckContext
from mailguard.inspection.checks.domains import DomainSet, domain_of
from mailguard.inspection.checks.external_recipient import unique_addresses
from mailguard.inspection.checks.settings import CheckSettings


def make(settings: CheckSettings) -> Check:
    internal = DomainSet.from_patterns(settings.internal_domains)
    min_recipients, min_domains = settings.bulk_min_recipients, settings.bulk_min_domains

    def check(context: CheckContext) -> Sequence[Finding]:
        visible = unique_addresses([a.addr for a in (*context.message.to, *context.message.cc)])
        external = [a for a in visible if domain_of(a) not in internal]
        domains = {domain_of(a) for a in external}
        if len(external) < min_recipients or len(domains) < min_domains:
            return []
        return [
            Finding(
                kind=FindingKind.BULK_VISIBLE_RECIPIENTS,
                message=f"{len(external)} external recipients from {len(domains)} organisations "
                "can all see each other's addresses in To/Cc; Bcc would hide them.",
                detail={"recipients": str(len(external)), "domains": str(len(domains))},
            )
        ]

    return check
