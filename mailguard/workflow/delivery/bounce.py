"""The bounce: an RFC 3464 delivery status notification to the envelope sender.

Pure: bytes and data in, the bounce's bytes out. The DSN is a ``multipart/report;
report-type=delivery-status`` with three parts: a human-readable explanation (Japanese and
English), the machine-readable ``message/delivery-status`` (one block per failed recipient:
``Final-Recipient``, ``Action: failed``, ``Status: 5.x.x``, ``Diagnostic-Code: smtp; <the
upstream's reply>``), and the original message's headers as ``text/rfc822-headers`` (never the
body: the sender has it, and it may be what should not have travelled).

It comes from ``MAILER-DAEMON@<hostname>`` with the null envelope sender, and a message with
the null sender is never bounced (``bounce_to`` returns None), so bounces cannot loop.
Everything taken from the failed message or the upstream is stripped of line breaks before it
goes into a header or a status field.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, formatdate

from mailguard.workflow.ports.transport import RecipientResult

MAX_ORIGINAL_HEADERS = 32 * 1024
_ENHANCED = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})\b")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")


def bounce_to(mail_from: str) -> str | None:
    """Who gets the bounce for mail from ``mail_from``: nobody for the null sender."""
    return mail_from or None


def _clean(text: str) -> str:
    return _UNSAFE.sub(" ", text).strip()


def dsn_status(result: RecipientResult) -> str:
    """The RFC 3463 status for a failed recipient: the upstream's own enhanced code when it
    gave a permanent one; 5.4.7 (delivery time expired) for a temporary failure we gave up on."""
    match = _ENHANCED.match(result.message)
    if result.permanent:
        if match and match[1] == "5":
            return ".".join(match.groups())
        return "5.0.0"
    return "5.4.7"


def original_headers(raw: bytes) -> bytes:
    """The header block of ``raw`` (up to the first empty line), CRLF line ends, bounded."""
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0][:MAX_ORIGINAL_HEADERS]
    return b"\r\n".join(head.splitlines()) + b"\r\n"


def _address_type(address: str) -> str:
    return "rfc822" if address.isascii() else "utf-8"  # RFC 6533 for internationalised ones


def _human_text(failures: Mapping[str, RecipientResult], hostname: str) -> str:
    lines = [
        f"{hostname} のメール配送システムからのお知らせです。",
        "お送りいただいたメールは、次の宛先に配送できませんでした。",
        "",
        f"This is the mail system at {hostname}.",
        "Your message could not be delivered to the following recipients.",
        "",
    ]
    for rcpt, result in failures.items():
        lines.append(f"<{_clean(rcpt)}>: {_clean(str(result))}")
    lines += ["", "元のメールのヘッダーを添付します。/ The original headers are attached."]
    return "\r\n".join(lines) + "\r\n"


def build_bounce(
    *,
    original: bytes,
    sender: str,
    failures: Mapping[str, RecipientResult],
    hostname: str,
    queue_id: str,
    arrival: float,
    now: float,
    remote_mta: str | None = None,
) -> bytes:
    """The DSN telling ``sender`` that ``failures`` failed for the message ``queue_id``."""
    if not failures:
        raise ValueError("a bounce needs at least one failed recipient")
    host = _clean(hostname)
    boundary = f"=_mailguard_dsn_{queue_id}"
    human = base64.encodebytes(_human_text(failures, host).encode("utf-8")).decode("ascii")
    status = [
        f"Reporting-MTA: dns; {host}",
        f"X-Mailguard-Queue-ID: {_clean(queue_id)}",
        f"Arrival-Date: {format_datetime(datetime.fromtimestamp(arrival, UTC))}",
        "",
    ]
    for rcpt, result in failures.items():
        status += [
            f"Final-Recipient: {_address_type(rcpt)}; {_clean(rcpt)}",
            "Action: failed",
            f"Status: {dsn_status(result)}",
        ]
        if remote_mta:
            status.append(f"Remote-MTA: dns; {_clean(remote_mta)}")
        status += [
            f"Diagnostic-Code: smtp; {_clean(str(result))}",
            f"Last-Attempt-Date: {formatdate(now, usegmt=True)}",
            "",
        ]
    head = [
        f"From: Mail Delivery System <MAILER-DAEMON@{host}>",
        f"To: <{_clean(sender)}>",
        "Subject: Undelivered Mail Returned to Sender",
        f"Date: {formatdate(now, usegmt=True)}",
        f"Message-ID: <{_clean(queue_id)}.dsn@{host}>",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
        "",
        "This is a MIME-encapsulated delivery status notification.",
        f"--{boundary}",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "Content-Description: Notification",
        "",
        human.rstrip("\n").replace("\n", "\r\n"),
        f"--{boundary}",
        "Content-Type: message/delivery-status",
        "Content-Description: Delivery report",
        "",
        *status,
        f"--{boundary}",
        "Content-Type: text/rfc822-headers",
        "Content-Description: Undelivered message headers",
    ]
    headers = original_headers(original)
    if not headers.isascii():
        head.append("Content-Transfer-Encoding: 8bit")
    head.append("")
    tail = f"--{boundary}--\r\n".encode("ascii")
    text = "\r\n".join(head).encode("utf-8") + b"\r\n"
    return text + headers + b"\r\n" + tail
