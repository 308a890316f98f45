"""A minimal ``winmail.dat`` writer for tests (the parts of MS-OXTNEF that tnefparse reads).

Each attribute is ``level (1) | id (2) | type (2) | length (4) | data | checksum (2)``; an
attachment starts with an ``attAttachRendData`` attribute, then its title and data.
"""

from __future__ import annotations

import struct

_SIGNATURE = 0x223E9F78
_LVL_MESSAGE, _LVL_ATTACHMENT = 1, 2
_ATT_TNEF_VERSION, _ATT_OEM_CODEPAGE = 0x9006, 0x9007
_ATT_REND_DATA, _ATT_TITLE, _ATT_DATA = 0x9002, 0x8010, 0x800F
_TYPE_STRING, _TYPE_BYTE, _TYPE_DWORD = 0x0001, 0x0006, 0x0008


def _attribute(level: int, ident: int, kind: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BHHI", level, ident, kind, len(data)) + data + struct.pack("<H", checksum)


def make_tnef(files: list[tuple[str, bytes]], codepage: int = 932) -> bytes:
    """A winmail.dat carrying ``files`` (name, content); names encoded in ``codepage``."""
    out = struct.pack("<IH", _SIGNATURE, 0x0001)
    out += _attribute(_LVL_MESSAGE, _ATT_TNEF_VERSION, _TYPE_DWORD, struct.pack("<I", 0x10000))
    out += _attribute(_LVL_MESSAGE, _ATT_OEM_CODEPAGE, _TYPE_BYTE, struct.pack("<II", codepage, 0))
    for name, data in files:
        out += _attribute(_LVL_ATTACHMENT, _ATT_REND_DATA, _TYPE_BYTE, bytes(14))
        title = name.encode(f"cp{codepage}") + b"\x00"
        out += _attribute(_LVL_ATTACHMENT, _ATT_TITLE, _TYPE_STRING, title)
        out += _attribute(_LVL_ATTACHMENT, _ATT_DATA, _TYPE_BYTE, data)
    return out
