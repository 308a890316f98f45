"""Is a PDF encrypted? Only if its trailer (or cross-reference stream dictionary) names an
``/Encrypt`` dictionary.

We do not parse the PDF. We look for ``/Encrypt`` followed by an indirect reference or an
inline dictionary, then find the dictionary that encloses it by balancing ``<<``/``>>``, and
accept it only when that dictionary also holds ``/Root``: the trailer and the xref-stream
dictionary are the only ones that carry both. A stray "/Encrypt" in a comment or page text
does not count. ``bytes.rfind`` does the scanning (tail first, where the trailer normally
is), bounded by ``MAX_HITS`` candidates and an 8 KiB dictionary window.
"""

from __future__ import annotations

import re

MAX_HITS = 200
_WINDOW = 8192
_ENCRYPT = b"/Encrypt"
_ENCRYPT_VALUE = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")


def pdf_encrypted(data: bytes) -> bool:
    pos = len(data)
    for _ in range(MAX_HITS):
        pos = data.rfind(_ENCRYPT, 0, pos)
        if pos < 0:
            return False
        if _ENCRYPT_VALUE.match(data, pos) and _in_trailer_dict(data, pos):
            return True
    return False


def _in_trailer_dict(data: bytes, pos: int) -> bool:
    start, end = _dict_start(data, pos), _dict_end(data, pos)
    return start is not None and end is not None and b"/Root" in data[start:end]


def _dict_start(data: bytes, pos: int) -> int | None:
    """The ``<<`` of the innermost dictionary still open at ``pos``."""
    floor = max(0, pos - _WINDOW)
    depth, i = 0, pos
    while True:
        opening = data.rfind(b"<<", floor, i)
        closing = data.rfind(b">>", floor, i)
        if opening < 0:
            return None
        if closing > opening:
            depth, i = depth + 1, closing
        elif depth == 0:
            return opening
        else:
            depth, i = depth - 1, opening


def _dict_end(data: bytes, pos: int) -> int | None:
    """The ``>>`` closing the dictionary open at ``pos`` (nested ones such as
    ``/DecodeParms << ... >>`` skipped)."""
    ceiling = pos + _WINDOW
    depth, i = 0, pos
    while True:
        opening = data.find(b"<<", i, ceiling)
        closing = data.find(b">>", i, ceiling)
        if closing < 0:
            return None
        if 0 <= opening < closing:
            depth, i = depth + 1, opening + 2
        elif depth == 0:
            return closing
        else:
            depth, i = depth - 1, closing + 2
