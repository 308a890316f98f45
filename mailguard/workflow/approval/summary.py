"""What an approver is shown about a held message, computed once for mails and pages alike.

Everything here is data for templates: plain strings, never markup. The templates escape it;
the excerpt is a list of segments so the named person can be highlighted without building HTML
in Python.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from mailguard.core.model import Finding, FindingKind
from mailguard.inspection.formats.inspect import inspect_file
from mailguard.inspection.message.model import Attachment, ParsedMessage
from mailguard.inspection.names.salutation import find_salutation
from mailguard.workflow.ports.store import StoredMessage

Encryption = Literal["encrypted", "not_encrypted", "unknown"]
EncryptionProbe = Callable[[Attachment], bool | None]
"""True/False when the attachment's content is (not) encrypted; None when it cannot tell."""


def attachment_encrypted(attachment: Attachment) -> bool | None:
    """The formats layer's verdict (content, not file name)."""
    return inspect_file(attachment.filename, attachment.data).encrypted


EXCERPT_LINES = 12
EXCERPT_CHARS = 1200


@dataclass(frozen=True, slots=True)
class RecipientView:
    address: str
    name: str
    external: bool
    lookalike: bool
    hidden: bool
    """In the envelope but in neither To nor Cc: a Bcc."""


@dataclass(frozen=True, slots=True)
class AttachmentView:
    filename: str
    size: int
    content_type: str
    encryption: Encryption
    dangerous: bool


@dataclass(frozen=True, slots=True)
class HeldSummary:
    message_id: str
    sender: str
    from_name: str
    subject: str
    recipients: tuple[RecipientView, ...]
    findings: tuple[Finding, ...]
    attachments: tuple[AttachmentView, ...]
    excerpt: tuple[tuple[str, bool], ...]
    """Segments of the first lines of text; True marks the person the message names."""
    received_at: float
    hold_until: float | None
    next_attempt_at: float
    on_timeout: str
    approvers: tuple[str, ...]


def summarize(
    message: StoredMessage,
    parsed: ParsedMessage,
    *,
    probe: EncryptionProbe | None = attachment_encrypted,
) -> HeldSummary:
    """The approver's view; ``probe=None`` leaves unflagged attachments' encryption unknown."""
    findings = message.decision.findings
    salutation = find_salutation(parsed.text)
    greeted = [p.display for p in salutation.people] if salutation else []
    return HeldSummary(
        message_id=message.id,
        sender=message.envelope.mail_from,
        from_name=parsed.from_[0].name if parsed.from_ else "",
        subject=parsed.subject,
        recipients=_recipients(message.envelope.rcpt_tos, parsed, findings),
        findings=findings,
        attachments=tuple(_attachment(a, findings, probe) for a in parsed.attachments),
        excerpt=highlight(excerpt(parsed.text), [*named_people(findings), *greeted]),
        received_at=message.received_at,
        hold_until=message.hold_until,
        next_attempt_at=message.next_attempt_at,
        on_timeout=message.decision.on_timeout,
        approvers=message.decision.approvers,
    )


def _flagged(findings: Sequence[Finding], kind: FindingKind) -> set[str]:
    return {f.recipient.casefold() for f in findings if f.kind == kind and f.recipient}


def _recipients(
    rcpts: Sequence[str], parsed: ParsedMessage, findings: Sequence[Finding]
) -> tuple[RecipientView, ...]:
    visible = {a.addr.casefold(): a.name for a in (*parsed.to, *parsed.cc)}
    external = _flagged(findings, FindingKind.EXTERNAL_RECIPIENT)
    lookalike = _flagged(findings, FindingKind.LOOKALIKE_DOMAIN)
    return tuple(
        RecipientView(
            address=rcpt,
            name=visible.get(rcpt.casefold(), ""),
            external=rcpt.casefold() in external,
            lookalike=rcpt.casefold() in lookalike,
            hidden=rcpt.casefold() not in visible,
        )
        for rcpt in rcpts
    )


def _attachment(
    attachment: Attachment, findings: Sequence[Finding], probe: EncryptionProbe | None
) -> AttachmentView:
    named = {f.kind for f in findings if f.attachment == attachment.filename}
    encryption: Encryption = "unknown"
    if FindingKind.UNENCRYPTED_ATTACHMENT in named:
        encryption = "not_encrypted"
    elif probe is not None:
        verdict = probe(attachment)
        if verdict is not None:
            encryption = "encrypted" if verdict else "not_encrypted"
    return AttachmentView(
        filename=attachment.filename,
        size=attachment.size,
        content_type=attachment.sniffed_type,
        encryption=encryption,
        dangerous=FindingKind.DANGEROUS_ATTACHMENT in named,
    )


def named_people(findings: Iterable[Finding]) -> list[str]:
    """The people the checks found the message addressed to (``detail["named"]``)."""
    return [f.detail["named"] for f in findings if f.detail.get("named")]


def excerpt(text: str) -> str:
    """The first lines of the sender's text, bounded for a mail or a phone screen."""
    lines = text.strip("\r\n").splitlines()[:EXCERPT_LINES]
    cut = "\n".join(line.rstrip() for line in lines)
    return cut if len(cut) <= EXCERPT_CHARS else cut[:EXCERPT_CHARS] + "…"


def highlight(text: str, names: Iterable[str]) -> tuple[tuple[str, bool], ...]:
    """Split ``text`` into segments, marking each occurrence of a name.

    Spaces inside a name are optional (``鈴木 一郎`` also finds ``鈴木一郎`` and ``鈴木　一郎``).
    """
    patterns = [
        r"[\s\u3000]*".join(re.escape(ch) for ch in name if not ch.isspace())
        for name in names
        if name.strip()
    ]
    if not patterns:
        return ((text, False),) if text else ()
    matcher = re.compile("|".join(sorted(patterns, key=len, reverse=True)), re.IGNORECASE)
    segments: list[tuple[str, bool]] = []
    position = 0
    for match in matcher.finditer(text):
        if match.start() > position:
            segments.append((text[position : match.start()], False))
        segments.append((match.group(), True))
        position = match.end()
    if position < len(text):
        segments.append((text[position:], False))
    return tuple(segments)
