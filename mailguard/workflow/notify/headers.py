"""Making untrusted text safe to put in a header of a mail we generate.

A held message's subject, display names and addresses are written by whoever sent it. Before
any of it reaches a header of a notification it goes through here: control characters
(CR, LF, TAB, NUL, bidi overrides and other format characters) become spaces, runs of spaces
collapse, the result is cut to a length a mail client shows, and the ``email`` package then
encodes it (RFC 2047). A subject carrying ``\\r\\nBcc: evil@example.com`` ends up as harmless
text inside the Subject, never as a header of its own.
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_SPACES = re.compile(r"\s+")
_ADDRESS = re.compile(r"^[^\s@<>()\[\],;:\"\\]+@[^\s@<>()\[\],;:\"\\]+$")
ELLIPSIS = "…"


def one_line(value: str, limit: int = 120) -> str:
    """``value`` as one line of at most ``limit`` characters, with no control characters."""
    cleaned = "".join(" " if unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch for ch in value)
    text = _SPACES.sub(" ", cleaned).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + ELLIPSIS
    return text


def is_plain_address(value: str) -> bool:
    """True for a bare ``local@domain`` with nothing a header parser could misread.

    Stricter than RFC 5322 on purpose: quoted local parts and comments are refused, so an
    address we did not expect is never written into To.
    """
    if not _ADDRESS.match(value):
        return False
    return all(unicodedata.category(ch) not in _UNSAFE_CATEGORIES for ch in value)
