"""``parse_message(raw) -> ParsedMessage``: the one entry point, total over all byte strings.

We parse with ``email`` and ``policy.compat32``: it is several times faster than
``policy.default`` (whose header objects dominate the cost of a small mail) and it never raises
while parsing headers; everything it leaves undecoded is decoded by ``headers``/``charsets``.
Every step that could meet garbage is wrapped, and the walk is bounded by ``Limits`` so a
hostile message costs bounded time and memory. What could not be read is written down in
``defects`` for the approver, never raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from email.policy import compat32

from mailguard.formats.sniff import sniff_type
from mailguard.message.addresses import parse_address_header
from mailguard.message.charsets import decode_bytes
from mailguard.message.headers import decode_header_text, decode_unencoded, unfold
from mailguard.message.html_text import html_to_text
from mailguard.message.model import Attachment, ParsedMessage
from mailguard.message.parts import (
    content_type,
    header_str,
    part_charset,
    part_filename,
    raw_payload,
)
from mailguard.message.payload import decode_transfer
from mailguard.message.tnef import tnef_members


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 10
    max_parts: int = 500
    max_decoded_bytes: int = 50 * 1024 * 1024
    max_text_chars: int = 1024 * 1024


DEFAULT_LIMITS = Limits()
_ADDRESS_HEADERS = ("from", "to", "cc", "bcc")
_TNEF_TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")
_NESTED_TYPES = ("message/rfc822", "message/global")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def parse_message(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> ParsedMessage:
    walker = _Walker(limits)
    try:
        root = message_from_bytes(raw, policy=compat32)
        walker.walk(root, depth=0, path=(), own=True)
    except Exception as exc:  # the stdlib parser is not total either (deep nesting recursion)
        walker.note(f"body could not be parsed ({type(exc).__name__}); headers only")
        root = _headers_only(raw)
    headers = _raw_headers(root)
    text = walker.text
    if text is None and walker.html is not None:
        text = html_to_text(walker.html)[: limits.max_text_chars]
    return ParsedMessage(
        from_=parse_address_header(headers.get("from", [])),
        to=parse_address_header(headers.get("to", [])),
        cc=parse_address_header(headers.get("cc", [])),
        bcc=parse_address_header(headers.get("bcc", [])),
        subject=_single_line(headers.get("subject", [""])[0]),
        text=text or "",
        attachments=tuple(walker.attachments),
        defects=tuple(walker.defects),
        message_id=unfold(headers.get("message-id", [""])[0]).strip(),
    )


def _headers_only(raw: bytes) -> Message:
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    try:
        return message_from_bytes(head + b"\n\n", policy=compat32)
    except Exception:
        return Message(policy=compat32)


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

    def walk(self, part: Message, depth: int, path: tuple[str, ...], own: bool) -> None:
        self.parts += 1
        if self.parts > self.limits.max_parts:
            self.note(f"more than {self.limits.max_parts} parts; the rest was not inspected")
            return
        if depth > self.limits.max_depth:
            self.note(f"nested deeper than {self.limits.max_depth}; deeper parts not inspected")
            return
        for defect in getattr(part, "defects", ()):
            self.note(_CAMEL.sub(" ", type(defect).__name__.removesuffix("Defect")).lower())
        ctype = content_type(part)
        if ctype in _NESTED_TYPES:
            self._nested(part, depth, path)
            return
        if part.is_multipart():
            payload = part.get_payload()
            for sub in payload if isinstance(payload, list) else ():
                if isinstance(sub, Message):
                    self.walk(sub, depth + 1, path, own)
            return
        self._leaf(part, ctype, path, own)

    def _nested(self, part: Message, depth: int, path: tuple[str, ...]) -> None:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if not isinstance(inner, Message):
            self._leaf(part, "application/octet-stream", path, own=False)
            return
        name = part_filename(part) or _eml_name(inner)
        try:
            data = inner.as_bytes(policy=compat32)
        except Exception:  # re-serialising garbage can fail; the parts are still walked
            data = b""
            self.note("a nested message could not be re-serialised")
        self.decoded += len(data)
        self._add(name, "message/rfc822", data, path)
        self.walk(inner, depth + 1, (*path, name), own=False)

    def _leaf(self, part: Message, ctype: str, path: tuple[str, ...], own: bool) -> None:
        filename = part_filename(part)
        disposition = header_str(part, "content-disposition").split(";")[0].strip().lower()
        is_body = (
            own
            and ctype in ("text/plain", "text/html")
            and not filename
            and disposition != "attachment"
        )
        if not is_body and not filename and ctype.startswith("text/") and not own:
            return  # a nested message's own text: covered by the message attachment
        data = self._decode(part, filename or ctype)
        if data is None:
            self._add(filename, ctype, b"", path, size_only=len(raw_payload(part)))
            return
        if is_body:
            self._body(ctype, data, part_charset(part))
            return
        self._add(filename, ctype, data, path)
        if ctype in _TNEF_TYPES or data.startswith(b"\x78\x9f\x3e\x22"):
            self._tnef(filename or "winmail.dat", data, path)

    def _decode(self, part: Message, label: str) -> bytes | None:
        raw = raw_payload(part)
        if self.decoded + len(raw) > self.limits.max_decoded_bytes:
            self.note(f"{label}: not decoded, total decoded size limit reached")
            return None
        data, defect = decode_transfer(raw, header_str(part, "content-transfer-encoding"))
        if defect:
            self.note(f"{label}: {defect}")
        self.decoded += len(data)
        return data

    def _body(self, ctype: str, data: bytes, charset: str) -> None:
        if ctype == "text/plain" and self.text is None:
            text = decode_bytes(data, charset)[0][: self.limits.max_text_chars]
            self.text = text.replace("\r\n", "\n").replace("\r", "\n")
        elif ctype == "text/html" and self.html is None:
            self.html = decode_bytes(data[: self.limits.max_text_chars * 4], charset)[0]

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
    ) -> None:
        self.attachments.append(
            Attachment(
                filename=filename,
                declared_type=declared,
                sniffed_type=sniff_type(data) if size_only is None else "application/octet-stream",
                size=len(data) if size_only is None else size_only,
                data=data,
                path=path,
            )
        )


def _eml_name(inner: Message) -> str:
    name = _single_line(decode_unencoded(header_str(inner, "subject")))
    return f"{name[:80] or 'message'}.eml"
