"""MIME structure at ``bytes.find`` speed: header blocks and multipart bodies, split lazily.

The stdlib feed parser reads a message line by line in Python: ~350 ms for a 10 MB
attachment, and it recurses once per nesting level however deep the message goes. Here only
header blocks go through the stdlib (``compat32``, small and fast); bodies are sliced at
boundary delimiters found with ``bytes.find``, and a part's children are split only when the
walker asks for them, so the depth and part caps bound the parsing work too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

from mailguard.inspection.message.charsets import to_bytes
from mailguard.inspection.message.headers import decode_unencoded

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_HEADERS = BytesParser(policy=compat32)
MAX_HEADER_BYTES = 1024 * 1024
"""A header block longer than this is cut: the rest is body (bounds the stdlib's work)."""


@dataclass
class RawPart:
    """A part's parsed headers and where its body lies in ``source`` (no copy is made until
    a leaf's bytes are really needed)."""

    headers: Message
    source: bytes
    start: int
    end: int
    defects: list[str] = field(default_factory=list)

    @property
    def body(self) -> bytes:
        return self.source[self.start : self.end]

    @property
    def size(self) -> int:
        return self.end - self.start


def split_part(source: bytes, start: int = 0, end: int | None = None) -> RawPart:
    """Header block and body of the message or body part at ``source[start:end]``."""
    end = len(source) if end is None else end
    if source.startswith(b"\n", start, end) or source.startswith(b"\r\n", start, end):
        return RawPart(Message(policy=compat32), source, source.index(b"\n", start) + 1, end)
    match = _HEADER_END.search(source, start, min(end, start + MAX_HEADER_BYTES))
    head_end = match.start() if match else min(end, start + MAX_HEADER_BYTES)
    body_start = match.end() if match else head_end
    headers = _HEADERS.parsebytes(source[start:head_end] + b"\n", headersonly=True)
    defects = [_defect_text(d) for d in headers.defects]
    _decode_raw_params(headers)
    leftover = getattr(headers, "_payload", None)
    if isinstance(leftover, str) and leftover.strip():
        # a line that is no header ends the header block early, as in the stdlib parser
        body = to_bytes(leftover) + b"\n" + source[body_start:end]
        return RawPart(headers, body, 0, len(body), defects)
    return RawPart(headers, source, body_start, end, defects)


def split_multipart(
    part: RawPart, boundary: str, max_parts: int
) -> tuple[list[tuple[int, int]], list[str]]:
    """``(start, end)`` in ``part.source`` of each body between ``--boundary`` delimiter
    lines (RFC 2046 5.1.1), at most ``max_parts``; a missing start or close delimiter is a
    defect, not an error."""
    source, end = part.source, part.end
    marker = b"--" + to_bytes(boundary)
    parts: list[tuple[int, int]] = []
    start: int | None = None
    pos = part.start
    while True:
        i = source.find(marker, pos, end)
        if i < 0:
            break
        pos = i + 1
        if i > part.start and source[i - 1] != 0x0A:
            continue  # not at the start of a line
        after = i + len(marker)
        closing = source.startswith(b"--", after, end)
        eol = source.find(b"\n", after, end)
        line_end = end if eol < 0 else eol + 1
        if source[after + 2 * closing : line_end].strip(b" \t\r\n"):
            continue  # a longer boundary that merely starts with ours
        if start is not None:
            parts.append((start, _before_newline(source, start, i)))
            if len(parts) >= max_parts:
                return parts, [f"more than {max_parts} parts in one multipart"]
        if closing:
            return parts, [] if start is not None else ["start boundary not found"]
        start = pos = line_end
    if start is None:
        return [], ["start boundary not found"]
    parts.append((start, end))
    return parts, ["close boundary not found"]


def _decode_raw_params(headers: Message) -> None:
    """Raw 8-bit file names (``filename="見積書.pdf"`` in Shift_JIS, as some Japanese clients
    send) would reach ``get_param`` as U+FFFD: decode those two headers first."""
    for name in ("content-type", "content-disposition"):
        value = headers.get(name)
        raw = next((v for k, v in headers.raw_items() if k.lower() == name), None)
        if value is not None and isinstance(raw, str) and not raw.isascii():
            headers.replace_header(name, decode_unencoded(raw))


def _before_newline(body: bytes, start: int, end: int) -> int:
    """The delimiter owns the line break before it."""
    if end > start and body[end - 1] == 0x0A:
        end -= 1
        if end > start and body[end - 1] == 0x0D:
            end -= 1
    return end


def _defect_text(defect: object) -> str:
    name = type(defect).__name__.removesuffix("Defect")
    return re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()
