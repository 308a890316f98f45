"""``unencrypted_attachment``: an attached file whose content anyone who receives it can read.

Judged by content (``formats.inspect_file``), not by name. Body images (``inline``) are part
of the text, not files, and are not reported; nor is a ``winmail.dat`` whose files were
unpacked (each of them is judged instead); nor are S/MIME and PGP signatures or PGP/MIME's
control part, which carry none of the message's content. S/MIME- and PGP-encrypted content is
encrypted. A file too large to decode is reported: what
cannot be inspected cannot be shown to be encrypted.
"""

from __future__ import annotations

from collections.abc import Sequence

from mailguard.core.model import Finding, FindingKind
from mailguard.inspection.checks.attachment_reports import (
    file_detail,
    not_decoded,
    shown_name,
)
from mailguard.inspection.checks.base import Check, CheckContext
from mailguard.inspection.formats import FileReport

_WHAT = {
    "zip": "a ZIP archive without a password",
    "pdf": "a PDF without a password",
    "ooxml": "an Office document without a password",
    "odf": "an OpenDocument file without a password",
    "ole": "an Office document without a password",
    "7z": "a 7z archive without a password",
    "rar": "a RAR archive, not all of it protected by a password",
    "msg": "an Outlook message",
    "text": "plain text",
    "image": "an image",
    "archive": "a compressed file whose encryption mailguard cannot confirm",
    "tnef": "an Outlook winmail.dat container",
}


_NO_CONTENT_TYPES = frozenset(
    {
        "application/pkcs7-signature",
        "application/x-pkcs7-signature",
        "application/pgp-signature",
        "application/pgp-encrypted",  # PGP/MIME's "Version: 1" control part
    }
)
"""Signatures and protocol control parts: they carry no content of the message."""


def make(settings: object | None = None) -> Check:
    """No settings: whether an unencrypted file matters is the policy's rule to decide."""

    def check(context: CheckContext) -> Sequence[Finding]:
        findings = []
        unpacked = {a.path for a in context.message.attachments if a.path}
        for attachment, report in context.attachment_reports:
            if attachment.inline or report.encrypted:
                continue
            if report.kind == "tnef" and (*attachment.path, attachment.filename) in unpacked:
                continue  # the files it carries are judged one by one
            if attachment.declared_type in _NO_CONTENT_TYPES:
                continue
            name = shown_name(attachment)
            detail = {"kind": report.kind, **file_detail(attachment)}
            if not_decoded(attachment):
                detail["case"] = "too_large"
                message = (
                    f"The attachment {name} was too large to inspect, "
                    "so it is treated as not encrypted."
                )
            else:
                message = f"The attachment {name} is not encrypted ({_describe(report)})."
                if report.kind == "zip" and report.entries:
                    detail.update(case="zip_entries", entries=str(len(report.entries)))
            findings.append(
                Finding(
                    kind=FindingKind.UNENCRYPTED_ATTACHMENT,
                    message=message,
                    attachment=attachment.filename,
                    detail=detail,
                )
            )
        return findings

    return check


def _describe(report: FileReport) -> str:
    if report.kind == "zip" and report.entries:
        return f"a ZIP archive of {len(report.entries)} entries, not all protected by a password"
    return _WHAT.get(report.kind, "no encryption found in its content")
