"""Parsed messages and check contexts built directly, so check tests need no MIME."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mailguard.core.model import Envelope
from mailguard.inspection.checks.base import CheckContext
from mailguard.inspection.contacts import HEADER, Directory, load_directory
from mailguard.inspection.message.model import Address, Attachment, ParsedMessage

Recipient = str | tuple[str, str]
"""``"a@b.example"`` or ``("a@b.example", "Display Name")``."""


def _addresses(items: Sequence[Recipient]) -> tuple[Address, ...]:
    return tuple(Address(i) if isinstance(i, str) else Address(i[0], i[1]) for i in items)


def attachment(filename: str, data: bytes = b"plain text") -> Attachment:
    return Attachment(filename, "application/octet-stream", "text/plain", len(data), data)


def context(
    *,
    to: Sequence[Recipient] = (),
    cc: Sequence[Recipient] = (),
    bcc: Sequence[Recipient] = (),
    text: str = "",
    attachments: Sequence[Attachment] = (),
    sender: str = "me@example.co.jp",
    rcpt: Sequence[str] | None = None,
) -> CheckContext:
    message = ParsedMessage(
        from_=(Address(sender),),
        to=_addresses(to),
        cc=_addresses(cc),
        bcc=_addresses(bcc),
        subject="test",
        text=text,
        attachments=tuple(attachments),
    )
    recipients = (
        tuple(rcpt)
        if rcpt is not None
        else tuple(a.addr for a in (*message.to, *message.cc, *message.bcc))
    )
    return CheckContext(
        envelope=Envelope(mail_from=sender, rcpt_tos=recipients),
        message=message,
        recipients=recipients,
        sender=sender,
    )


def directory(tmp_path: Path, rows: Sequence[str]) -> Directory:
    """Write ``rows`` (CSV lines without the header) to a file and load it."""
    path = tmp_path / "contacts.csv"
    path.write_text(",".join(HEADER) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return load_directory([path])
