"""Is a PDF encrypted? Only if its trailer (or cross-reference stream dictionary) names an
``/Encrypt`` dictionary, and the document does not open with an empty password.

We do not parse the PDF. We look for ``/Encrypt`` followed by an indirect reference or an
inline dictionary, then find the dictionary that encloses it by balancing ``<<``/``>>``, and
accept it only when that dictionary also holds ``/Root``: the trailer and the xref-stream
dictionary are the only ones that carry both. A stray "/Encrypt" in a comment or page text
does not count. ``bytes.rfind`` does the scanning (tail first, where the trailer normally
is), bounded by ``MAX_HITS`` candidates and an 8 KiB dictionary window. Then the encryption
dictionary is read and the empty user password tried (``pdf_password``): a permissions-only
PDF opens for anyone and is reported as not encrypted.
"""

from __future__ import annotations

import re

from mailguard.inspection.formats.pdf_password import opens_without_password

MAX_HITS = 200
_WINDOW = 8192
_ENCRYPT = b"/Encrypt"
_ENCRYPT_VALUE = re.compile(rb"/Encrypt\s*(?:(\d+)\s+(\d+)\s+R|<<)")
_NO_PASSWORD_NOTE = "encrypted only to restrict use: opens without a password"


def pdf_encrypted(data: bytes) -> tuple[bool, tuple[str, ...]]:
    """``(encrypted, notes)``."""
    pos = len(data)
    for _ in range(MAX_HITS):
        pos = data.rfind(_ENCRYPT, 0, pos)
        if pos < 0:
            return False, ()
        value = _ENCRYPT_VALUE.match(data, pos)
        start, end = _dict_start(data, pos), _dict_end(data, pos)
        if value is None or start is None or end is None or b"/Root" not in data[start:end]:
            continue
        encrypt_dict = _encrypt_dict(data, value)
        if encrypt_dict and opens_without_password(encrypt_dict, data[start:end]):
            return False, (_NO_PASSWORD_NOTE,)
        return True, ()
    return False, ()


def _encrypt_dict(data: bytes, value: re.Match[bytes]) -> bytes:
    """The encryption dictionary's bytes, inline or the last definition of its object."""
    if value.group(1) is None:
        begin = value.end() - 2
    else:
        header = re.compile(rb"(?<!\d)" + value.group(1) + rb"\s+" + value.group(2) + rb"\s+obj")
        found = [m.end() for m in header.finditer(data)]
        if not found:
            return b""
        begin = data.find(b"<<", found[-1], found[-1] + 64)
        if begin < 0:
            return b""
    end = _dict_end(data, begin + 2)
    return data[begin : end + 2] if end is not None else b""


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
