"""Content-Transfer-Encoding decoding that keeps going: broken base64 yields what it can.

Broken base64 is common (truncated uploads, clients that concatenate two encoded blobs, junk
lines after the data). The strict C decoder handles the good case at full speed; only when it
refuses do we clean up segment by segment and report a defect.
"""

from __future__ import annotations

import binascii
import re

_WHITESPACE = b" \t\r\n\x0b\x0c"
_NOT_B64 = re.compile(rb"[^A-Za-z0-9+/=]")
_PADDING_RUN = re.compile(rb"=+")


def decode_base64(data: bytes) -> tuple[bytes, bool]:
    """Returns ``(decoded, clean)``; ``clean`` is False when anything had to be repaired."""
    compact = data.translate(None, _WHITESPACE)
    try:
        return binascii.a2b_base64(compact, strict_mode=True), True
    except binascii.Error:
        pass
    out = bytearray()
    for segment in _PADDING_RUN.split(_NOT_B64.sub(b"", compact)):
        if len(segment) % 4 == 1:
            segment = segment[:-1]  # a lone trailing sextet carries no whole byte
        segment += b"=" * (-len(segment) % 4)
        out += binascii.a2b_base64(segment)
    return bytes(out), False


def decode_transfer(data: bytes, encoding: str) -> tuple[bytes, str | None]:
    """Decode a part body. Returns ``(bytes, defect or None)``."""
    encoding = encoding.strip().lower()
    if encoding == "base64":
        decoded, clean = decode_base64(data)
        return decoded, None if clean else "invalid base64 (decoded as far as possible)"
    if encoding == "quoted-printable":
        return binascii.a2b_qp(data), None
    return data, None
