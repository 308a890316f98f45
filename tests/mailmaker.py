"""Build test mails as raw bytes, the way real clients write them.

``make_mail`` covers the common shapes (multipart with attachments, Japanese display names and
subjects in UTF-8 or ISO-2022-JP, RFC 2231 or RFC 2047 file names, optional HTML). For exotic
byte-level cases (raw 8-bit headers, broken base64, bare LF) tests write the bytes by hand.

    raw = make_mail(("鈴木 一郎", "ichiro@example.co.jp"), ["tanaka@partner.co.jp"],
                    "見積書", "田中様\\n\\nお世話になっております。",
                    attachments=[("見積書.pdf", pdf_bytes, "application/pdf")],
                    charset="iso-2022-jp")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from email import encoders
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formataddr
from typing import Literal

AddressSpec = str | tuple[str, str]
"""``"addr@example"`` or ``("Display Name", "addr@example")``."""

AttachmentSpec = tuple[str, bytes, str]
"""``(file name, content, content type)``."""

_SMTP = compat32.clone(linesep="\r\n")


def make_mail(
    from_: AddressSpec = ("送信 太郎", "sender@example.co.jp"),
    to: Sequence[AddressSpec] = ("recipient@example.co.jp",),
    subject: str = "テスト",
    body: str = "本文です。",
    attachments: Sequence[AttachmentSpec] = (),
    *,
    cc: Sequence[AddressSpec] = (),
    bcc: Sequence[AddressSpec] = (),
    charset: str = "utf-8",
    html: str | None = None,
    filename_style: Literal["rfc2231", "rfc2047"] = "rfc2231",
    headers: Mapping[str, str] | None = None,
    message_id: str = "<test@mailmaker.invalid>",
) -> bytes:
    """A complete message as CRLF bytes. ``charset`` applies to the body, the subject and the
    display names (``utf-8``, ``iso-2022-jp``, ``shift_jis`` ...)."""
    text = MIMEText(body, "plain", charset)
    content: Message = text
    if html is not None:
        content = MIMEMultipart("alternative", _subparts=[text, MIMEText(html, "html", charset)])
    msg: Message = content
    if attachments:
        msg = MIMEMultipart("mixed", _subparts=[content])
        for name, data, ctype in attachments:
            msg.attach(make_attachment(name, data, ctype, charset, filename_style))
    msg["From"] = _address(from_, charset)
    for header, addresses in (("To", to), ("Cc", cc), ("Bcc", bcc)):
        if addresses:
            msg[header] = ", ".join(_address(a, charset) for a in addresses)
    msg["Subject"] = _header(subject, charset)
    msg["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        msg[name] = value
    return msg.as_bytes(policy=_SMTP)


def make_attachment(
    name: str,
    data: bytes,
    ctype: str = "application/octet-stream",
    charset: str = "utf-8",
    filename_style: Literal["rfc2231", "rfc2047"] = "rfc2231",
) -> Message:
    """One base64 attachment part; non-ASCII names as RFC 2231 (``filename*=``) or as an
    RFC 2047 word in quotes (what Outlook and many Japanese clients send)."""
    maintype, _, subtype = ctype.partition("/")
    part = MIMEBase(maintype, subtype or "octet-stream")
    part.set_payload(data)
    encoders.encode_base64(part)
    if name.isascii():
        part.add_header("Content-Disposition", "attachment", filename=name)
    elif filename_style == "rfc2231":
        part.add_header("Content-Disposition", "attachment", filename=(charset, "", name))
    else:
        encoded = Header(name, charset).encode()
        part.add_header("Content-Disposition", "attachment", filename=encoded)
        part.set_param("name", encoded)
    return part


def _header(value: str, charset: str) -> str:
    return value if value.isascii() else Header(value, charset).encode()


def _address(spec: AddressSpec, charset: str) -> str:
    if isinstance(spec, str):
        return spec
    name, addr = spec
    return formataddr((name, addr), charset=charset)
