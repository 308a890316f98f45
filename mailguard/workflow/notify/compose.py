"""Turning rendered text and HTML into the bytes of one notification mail.

Only this module writes headers. The subject has already been through ``headers.one_line``;
it is cleaned again here because this is the last line of defence, and the ``email`` package
encodes it (RFC 2047) and refuses any header value that still holds a line break.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import format_datetime, make_msgid

from mailguard.workflow.notify.headers import is_plain_address, one_line

SUBJECT_LIMIT = 160


def compose(
    *, sender: str, recipient: str, subject: str, text: str, html: str, now: float, language: str
) -> bytes:
    """An RFC 5322 multipart/alternative mail (text, then HTML) marked auto-generated."""
    for address in (sender, recipient):
        if not is_plain_address(address):
            raise ValueError(f"refusing to write {address!r} into a header")
    # A non-ASCII address cannot be RFC 2047-encoded: it goes as UTF-8 (RFC 6532, SMTPUTF8).
    mail = EmailMessage(policy=SMTP if f"{sender}{recipient}".isascii() else SMTPUTF8)
    mail["From"] = sender
    mail["To"] = recipient
    mail["Subject"] = one_line(subject, SUBJECT_LIMIT)
    mail["Date"] = format_datetime(datetime.fromtimestamp(now, tz=UTC))
    mail["Message-ID"] = make_msgid("mailguard", domain=sender.rpartition("@")[2])
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders must not answer
    mail["X-Auto-Response-Suppress"] = "All"
    mail.set_content(text, charset="utf-8")
    mail.add_alternative(html, subtype="html", charset="utf-8")
    mail["Content-Language"] = language  # after the content: set_content drops Content-*
    return mail.as_bytes()
