"""Content-Transfer-Encoding decoding that keeps going: broken base64 yields what it can.

Broken base64 is common (truncated uploads, clients that concatenate two encoded blobs, junk
lines after the data). The strict C decoder handles the good case at full speed; only when it
refuses do we clean up segment by segment and report a defect.
"""

from __future__ import annotations

import binascii
import re

_WHITESPACE = b" \t\r\n\x0b\x0c"
_WS = (b"\n", b"\r", b" ", b"\t", b"\x0b", b"\x0c")
_NOT_B64 = re.compile(rb"[^A-Za-z0-9+/=]")
_PADDING_RUN = re.compile(rb"=+")


def decode_base64(source: bytes, start: int = 0, end: int | None = None) -> tuple[bytes, bool]:
    """Decode ``source[start:end]``. Returns ``(decoded, clean)``; ``clean`` is False when
    anything had to be repaired.

    The fast path decodes in place (a memoryview, no copy) with the lenient C decoder, which
    skips line breaks, and proves the input was clean by arithmetic: every non-whitespace
    byte must have been a base64 digit, which fixes the decoded length exactly."""
    end = len(source) if end is None else end
    try:
        decoded = binascii.a2b_base64(memoryview(source)[start:end])
    except binascii.Error:  # bad padding: repaired below
        decoded = b""
    tail = source[max(start, end - 8) : end].rstrip(_WHITESPACE)
    padding = len(tail) - len(tail.rstrip(b"="))
    digits = end - start
    for whitespace in _WS:  # line breaks first: usually the only whitespace there is
        digits -= source.count(whitespace, start, end)
        if digits % 4 == 0 and len(decoded) == digits // 4 * 3 - padding:
            return decoded, True
    out = bytearray()
    compact = source[start:end].translate(None, _WHITESPACE)
    for segment in _PADDING_RUN.split(_NOT_B64.sub(b"", compact)):
        if len(segment) % 4 == 1:
            segment = segment[:-1]  # a lone trailing sextet carries no whole byte
        segment += b"=" * (-len(segment) % 4)
        out += binascii.a2b_base64(segment)
    return bytes(out), False


def decode_transfer(
    source: bytes, encoding: str, start: int = 0, end: int | None = None
) -> tuple[bytes, str | None]:
    """Decode a part body ``source[start:end]``. Returns ``(bytes, defect or None)``."""
    encoding = encoding.strip().lower()
    end = len(source) if end is None else end
    if encoding == "base64":
        decoded, clean = decode_base64(source, start, end)
        return decoded, None if clean else "invalid base64 (decoded as far as possible)"
    if encoding == "quoted-printable":
        return binascii.a2b_qp(memoryview(source)[start:end]), None
    return source[start:end], None
