"""``parse_message(raw) -> ParsedMessage``: the one entry point, total over all byte strings.

Structure comes from ``mime`` (bodies sliced with ``bytes.find``, header blocks parsed by the
stdlib with ``compat32``, which is several times faster than ``policy.default`` and never
raises on odd headers); everything ``compat32`` leaves undecoded is decoded by
``headers``/``charsets``/``parts``. The walk is bounded by ``Limits`` (depth, parts, decoded
bytes), and children are only split when reached, so a hostile message costs bounded time and
memory. What could not be read is written down in ``defects`` for the approver, never raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message

from mailguard.inspection.formats.sniff import TNEF_MAGIC, sniff_type
from mailguard.inspection.message.addresses import parse_address_header
from mailguard.inspection.message.charsets import decode_bytes
from mailguard.inspection.message.headers import decode_header_text, decode_unencoded, unfold
from mailguard.inspection.message.html_text import html_to_text
from mailguard.inspection.message.mime import RawPart, split_multipart, split_part
from mailguard.inspection.message.model import Address, Attachment, ParsedMessage
from mailguard.inspection.message.parts import content_type, header_str, part_charset, part_filename
from mailguard.inspection.message.payload import decode_transfer
from mailguard.inspection.message.tnef import tnef_members


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 10
    max_parts: int = 500
    max_decoded_bytes: int = 50 * 1024 * 1024
    max_text_chars: int = 1024 * 1024


DEFAULT_LIMITS = Limits()
_TNEF_TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")
_NESTED_TYPES = ("message/rfc822", "message/global")
_BODY_TYPES = ("text/plain", "text/html")


def parse_message(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> ParsedMessage:
    walker = _Walker(limits)
    root = split_part(raw)
    try:
        walker.walk(root, depth=0, path=(), own=True)
    except Exception as exc:  # a bug met on hostile input must not lose the headers
        walker.note(f"body could not be fully parsed ({type(exc).__name__})")
    try:
        fields = _header_fields(root.headers)
    except Exception as exc:  # decoding is defensive throughout; this is the last net
        walker.note(f"headers could not be decoded ({type(exc).__name__})")
        fields = _HeaderFields((), (), (), (), "", "")
    text = walker.text
    if (text is None or not text.strip()) and walker.html is not None:
        text = html_to_text(walker.html)[: limits.max_text_chars]
    return ParsedMessage(
        from_=fields.from_,
        to=fields.to,
        cc=fields.cc,
        bcc=fields.bcc,
        subject=fields.subject,
        text=text or "",
        attachments=tuple(walker.attachments),
        defects=tuple(walker.defects),
        message_id=fields.message_id,
    )


@dataclass(frozen=True, slots=True)
class _HeaderFields:
    from_: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    bcc: tuple[Address, ...]
    subject: str
    message_id: str


def _header_fields(msg: Message) -> _HeaderFields:
    headers = _raw_headers(msg)
    return _HeaderFields(
        from_=parse_address_header(headers.get("from", [])),
        to=parse_address_header(headers.get("to", [])),
        cc=parse_address_header(headers.get("cc", [])),
        bcc=parse_address_header(headers.get("bcc", [])),
        subject=_single_line(headers.get("subject", [""])[0]),
        message_id=unfold(headers.get("message-id", [""])[0]).strip(),
    )


def _raw_headers(msg: Message) -> dict[str, list[str]]:
    """Header name -> raw values, 8-bit bytes decoded but encoded words left for later (an
    address list must be split before its display names are decoded)."""
    found: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        if isinstance(value, str):
            found.setdefault(name.lower(), []).append(decode_unencoded(value))
    return found


def _single_line(value: str) -> str:
    return " ".join(decode_header_text(unfold(value)).split())


class _Walker:
    """Collects body text and attachments from a part tree within the limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.attachments: list[Attachment] = []
        self.defects: list[str] = []
        self.text: str | None = None
        self.html: str | None = None
        self.parts = 0
        self.decoded = 0

    def note(self, defect: str) -> None:
        if defect not in self.defects and len(self.defects) < 50:
            self.defects.append(defect)

    def walk(
        self, part: RawPart, depth: int, path: tuple[str, ...], own: bool, related: bool = False
    ) -> None:
        self.parts += 1
        if self.parts > self.limits.max_parts:
            self.note(f"more than {self.limits.max_parts} parts; the rest was not inspected")
            return
        if depth > self.limits.max_depth:
            self.note(f"nested deeper than {self.limits.max_depth}; deeper parts not inspected")
            return
        for defect in part.defects:
            self.note(defect)
        ctype = content_type(part.headers)
        encoding = header_str(part.headers, "content-transfer-encoding").strip().lower()
        if ctype in _NESTED_TYPES and encoding not in ("base64", "quoted-printable"):
            self._nested(part, depth, path)
        elif ctype.startswith("multipart/"):
            self._multipart(part, ctype, depth, path, own)
        else:
            self._leaf(part, ctype, depth, path, own, related)

    def _multipart(
        self, part: RawPart, ctype: str, depth: int, path: tuple[str, ...], own: bool
    ) -> None:
        boundary = _boundary(part.headers)
        if not boundary:
            self.note("multipart without a boundary")
            self._leaf(part, "text/plain", depth, path, own)
            return
        room = max(1, self.limits.max_parts - self.parts + 1)
        spans, defects = split_multipart(part, boundary, room)
        for defect in defects:
            self.note(defect)
        for start, end in spans:
            child = split_part(part.source, start, end)
            if ctype == "multipart/digest" and child.headers.get("content-type") is None:
                child.headers.set_default_type("message/rfc822")
            self.walk(child, depth + 1, path, own, ctype == "multipart/related")

    def _nested(self, part: RawPart, depth: int, path: tuple[str, ...]) -> None:
        inner = split_part(part.source, part.start, part.end)
        name = part_filename(part.headers) or _eml_name(inner.headers)
        if self.decoded + part.size > self.limits.max_decoded_bytes:
            self.note(f"{name}: not kept, total decoded size limit reached")
            self._add(name, "message/rfc822", b"", path, size_only=part.size)
        else:
            self.decoded += part.size
            self._add(name, "message/rfc822", part.body, path)
        self.walk(inner, depth + 1, (*path, name), own=False)

    def _leaf(
        self,
        part: RawPart,
        ctype: str,
        depth: int,
        path: tuple[str, ...],
        own: bool,
        related: bool = False,
    ) -> None:
        filename = part_filename(part.headers)
        disposition = header_str(part.headers, "content-disposition").split(";")[0].strip()
        is_attachment = bool(filename) or disposition.lower() == "attachment"
        if ctype in _BODY_TYPES and not is_attachment:
            if own:
                self._body(part, ctype)
            return  # a nested message's own text is covered by the message attachment
        data = self._decode(part, filename or ctype)
        if data is None:
            self._add(filename, ctype, b"", path, size_only=part.size)
            return
        inline = (
            related
            and disposition.lower() != "attachment"
            and bool(header_str(part.headers, "content-id").strip())
            and sniff_type(data[:64]).startswith("image/")
        )
        self._add(filename, ctype, data, path, inline=inline)
        if ctype in _TNEF_TYPES or data.startswith(TNEF_MAGIC):
            self._tnef(filename or "winmail.dat", data, path)
        elif ctype in _NESTED_TYPES:  # base64-encoded: RFC 2046 forbids it, clients do it
            inner = split_part(data)
            self.walk(inner, depth + 1, (*path, filename or _eml_name(inner.headers)), own=False)

    def _decode(self, part: RawPart, label: str) -> bytes | None:
        if self.decoded + part.size > self.limits.max_decoded_bytes:
            self.note(f"{label}: not decoded, total decoded size limit reached")
            return None
        encoding = header_str(part.headers, "content-transfer-encoding")
        data, defect = decode_transfer(part.source, encoding, part.start, part.end)
        if defect:
            self.note(f"{label}: {defect}")
        self.decoded += len(data)
        return data

    def _body(self, part: RawPart, ctype: str) -> None:
        if (self.text if ctype == "text/plain" else self.html) is not None:
            return
        data = self._decode(part, ctype)
        if data is None:
            return
        text = decode_bytes(data[: self.limits.max_text_chars * 4], part_charset(part.headers))[0]
        if ctype == "text/plain":
            text = text[: self.limits.max_text_chars]
            self.text = text.replace("\r\n", "\n").replace("\r", "\n")
        else:
            self.html = text

    def _tnef(self, container: str, data: bytes, path: tuple[str, ...]) -> None:
        members, defect = tnef_members(data)
        if defect:
            self.note(defect)
        for member in members[: max(0, self.limits.max_parts - self.parts)]:
            self.parts += 1
            self._add(member.filename, "application/octet-stream", member.data, (*path, container))

    def _add(
        self,
        filename: str,
        declared: str,
        data: bytes,
        path: tuple[str, ...],
        size_only: int | None = None,
        inline: bool = False,
    ) -> None:
        self.attachments.append(
            Attachment(
                filename=filename,
                declared_type=declared,
                sniffed_type=sniff_type(data) if size_only is None else "application/octet-stream",
                size=len(data) if size_only is None else size_only,
                data=data,
                path=path,
                inline=inline,
            )
        )


def _boundary(headers: Message) -> str:
    try:
        return headers.get_boundary() or ""
    except Exception:  # a Content-Type whose parameters the stdlib cannot split
        return ""


def _eml_name(headers: Message) -> str:
    name = _single_line(decode_unencoded(header_str(headers, "subject")))
    return f"{name[:80] or 'message'}.eml"
