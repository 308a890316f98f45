"""``dangerous_attachment``: a file that runs code when opened, by content or by name,
including inside archives (entry names of encrypted archives are readable and count)."""

from __future__ import annotations

from collections.abc import Sequence

from mailguard.core.model import Finding, FindingKind
from mailguard.inspection.checks.attachment_reports import (
    file_detail,
    shown_name,
    visible,
)
from mailguard.inspection.checks.base import Check, CheckContext

_MAX_REASONS_SHOWN = 3


def make(settings: object | None = None) -> Check:
    """No settings: every executable, script or macro is reported; the policy decides."""

    def check(context: CheckContext) -> Sequence[Finding]:
        findings = []
        for attachment, report in context.attachment_reports:
            if not report.dangerous:
                continue
            reasons = visible("; ".join(report.dangerous[:_MAX_REASONS_SHOWN]))
            detail = {"kind": report.kind, "reasons": " | ".join(report.dangerous)}
            detail.update(file_detail(attachment), shown_reasons=reasons)
            shown = reasons
            more = len(report.dangerous) - _MAX_REASONS_SHOWN
            if more > 0:
                shown += f"; and {more} more"
                detail["more_reasons"] = str(more)
            findings.append(
                Finding(
                    kind=FindingKind.DANGEROUS_ATTACHMENT,
                    message=f"The attachment {shown_name(attachment)} can run code when opened: "
                    f"{shown}.",
                    attachment=attachment.filename,
                    detail=detail,
                )
            )
        return findings

    return check
