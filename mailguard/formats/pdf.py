"""Is a PDF encrypted? Only if its trailer (or cross-reference stream dictionary) names an
``/Encrypt`` dictionary.

We do not parse the PDF: we look for ``/Encrypt`` followed by an indirect reference or an
inline dictionary, and require ``/Root`` close by, because the trailer and the xref-stream
dictionary are the only dictionaries that carry both. That keeps a stray "/Encrypt" inside a
page's text from counting. The file is scanned with ``bytes.find`` (C speed), tail first since
that is where the trailer normally is, bounded by ``MAX_HITS`` candidates.
"""

from __future__ import annotations

import re

MAX_HITS = 200
_WINDOW = 2048
_ENCRYPT = b"/Encrypt"
_ENCRYPT_VALUE = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")


def pdf_encrypted(data: bytes) -> bool:
    hits = 0
    pos = len(data)
    while hits < MAX_HITS:
        pos = data.rfind(_ENCRYPT, 0, pos)
        if pos < 0:
            return False
        hits += 1
        around = data[max(0, pos - _WINDOW) : pos + _WINDOW]
        if _ENCRYPT_VALUE.match(data, pos) and b"/Root" in around:
            return True
    return False
