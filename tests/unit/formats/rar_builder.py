"""Hand-built RAR 4 and 5 archives for tests (no RAR writer exists for Python; the block
layouts follow RARLAB's technote). Data areas are placeholders: only headers are read."""

from __future__ import annotations

import struct
import zlib

from mailguard.inspection.formats.rar import RAR4, RAR5


def _vint(n: int) -> bytes:
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def _block5(kind: int, body: bytes, extra: bytes = b"", data: bytes = b"") -> bytes:
    flags = (1 if extra else 0) | (2 if data else 0)
    fields = _vint(kind) + _vint(flags)
    fields += (_vint(len(extra)) if extra else b"") + (_vint(len(data)) if data else b"")
    header = fields + body + extra
    return struct.pack("<I", zlib.crc32(header)) + _vint(len(header)) + header + data


def rar5(files: list[tuple[str, bool]], headers_encrypted: bool = False) -> bytes:
    out = RAR5
    if headers_encrypted:
        return out + _block5(4, _vint(0) + _vint(0) + bytes(16)) + bytes(64)
    out += _block5(1, _vint(0))
    for name, encrypted in files:
        raw = name.encode()
        body = _vint(0) + _vint(5) + _vint(0x20) + _vint(0) + _vint(0) + _vint(len(raw)) + raw
        record = _vint(0x01) + bytes(20)
        extra = _vint(len(record)) + record if encrypted else b""
        out += _block5(2, body, extra, b"DATA!")
    return out + _block5(5, _vint(0))


def rar4(files: list[tuple[str, bool]], headers_encrypted: bool = False) -> bytes:
    out = RAR4 + struct.pack("<HBHH", 0, 0x73, 0x0080 if headers_encrypted else 0, 13) + bytes(6)
    for name, encrypted in files:
        raw = name.encode("cp932")
        fixed = struct.pack("<IIBIIBBHI", 5, 5, 2, 0, 0, 29, 0x30, len(raw), 0x20)
        flags = 0x8000 | (0x0004 if encrypted else 0)
        out += struct.pack("<HBHH", 0, 0x74, flags, 32 + len(raw)) + fixed + raw + b"DATA!"
    return out + struct.pack("<HBHH", 0, 0x7B, 0x4000, 7)
