"""Header text -> Unicode: RFC 2047 encoded words, raw 8-bit bytes, raw ISO-2022-JP.

The stdlib's header decoding is either slow and strict (``policy.default``, which can raise on
garbage) or half-done (``compat32`` returns ``Header`` objects for 8-bit bytes). We parse with
``compat32`` for speed and decode here, where every failure degrades to a best-effort string.

Encoded words are decoded in runs: consecutive words in the same charset are joined as *bytes*
before decoding, because real clients split a multi-byte character (or an ISO-2022-JP escape
sequence) across two words. Whitespace between adjacent encoded words is dropped (RFC 2047 6.2).
"""

from __future__ import annotations

import binascii
import re

from mailguard.inspection.message.charsets import decode_bytes, decode_str_bytes, to_bytes

_ENCODED_WORD = re.compile(
    r"=\?(?P<charset>[^?*\s]+)(?:\*[^?\s]*)?\?(?P<enc>[bBqQ])\?(?P<text>[^?\s]*)\?="
)
_BETWEEN_WORDS = re.compile(r"\s*")
_QP_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")
_NOT_B64 = re.compile(r"[^A-Za-z0-9+/]")


def _b_decode(text: str) -> bytes:
    """Base64 that tolerates missing padding and stray characters (seen in the wild)."""
    cleaned = _NOT_B64.sub("", text)
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return binascii.a2b_base64(cleaned)
    except binascii.Error:
        return b""


def _q_decode(text: str) -> bytes:
    raw = to_bytes(text.replace("_", " "))
    return _QP_HEX.sub(lambda m: bytes((int(m.group(1), 16),)), raw)


def decode_header_text(value: str) -> str:
    """Decode one header value (or a fragment such as a display name) to Unicode."""
    if "=?" not in value:
        return decode_unencoded(value)
    out: list[str] = []
    pending = bytearray()
    pending_charset = ""
    pos = 0

    def flush() -> None:
        if pending:
            out.append(decode_bytes(bytes(pending), pending_charset)[0])
            pending.clear()

    for match in _ENCODED_WORD.finditer(value):
        gap = value[pos : match.start()]
        if gap and not (pending and _BETWEEN_WORDS.fullmatch(gap)):
            flush()
            out.append(decode_unencoded(gap))
        charset = match.group("charset").lower()
        if pending and charset != pending_charset:
            flush()
        pending_charset = charset
        text = match.group("text")
        pending += _b_decode(text) if match.group("enc") in "bB" else _q_decode(text)
        pos = match.end()
    flush()
    if pos < len(value):
        out.append(decode_unencoded(value[pos:]))
    return "".join(out)


def decode_unencoded(text: str) -> str:
    """Text outside encoded words: raw 8-bit bytes or raw ISO-2022-JP escapes."""
    if "\x1b" in text and text.isascii():
        return decode_bytes(text.encode("ascii"), "iso-2022-jp")[0]
    return decode_str_bytes(text)


def unfold(value: str) -> str:
    return value.replace("\r\n", "").replace("\n", "").replace("\r", "")
