"""RAR archives (4.x and 5.x) from their block headers: names and encryption, no unpacking.

Like a zip, a RAR is encrypted only when every file is (per-file password flag in RAR 4, a
file encryption record in RAR 5), or when its headers are encrypted ("encrypt file names"),
in which case no name is readable at all. Headers are walked from the start, skipping each
block's data, at most ``MAX_ENTRIES`` of them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from mailguard.inspection.formats.ziparchive import decode_legacy_name

MAX_ENTRIES = 10_000
RAR4 = b"Rar!\x1a\x07\x00"
RAR5 = b"Rar!\x1a\x07\x01\x00"
_HEADERS_ENCRYPTED_NOTE = "file names are encrypted too"


@dataclass(frozen=True, slots=True)
class RarListing:
    names: tuple[str, ...]
    encrypted: bool
    notes: tuple[str, ...]


def list_rar(data: bytes) -> RarListing:
    try:
        if data.startswith(RAR5):
            return _rar5(data)
        return _rar4(data)
    except (IndexError, struct.error, ValueError):
        return RarListing((), False, ("damaged RAR archive",))


def _rar4(data: bytes) -> RarListing:
    pos = len(RAR4)
    names: list[str] = []
    encrypted: list[bool] = []
    while pos + 7 <= len(data) and len(names) < MAX_ENTRIES:
        _crc, kind, flags, size = struct.unpack_from("<HBHH", data, pos)
        if size < 7:
            break
        if kind == 0x73 and flags & 0x0080:
            return RarListing((), True, (_HEADERS_ENCRYPTED_NOTE,))
        extra = struct.unpack_from("<I", data, pos + 7)[0] if flags & 0x8000 else 0
        if kind == 0x74:
            (packed,) = struct.unpack_from("<I", data, pos + 7)
            (name_size,) = struct.unpack_from("<H", data, pos + 26)
            name_at = pos + 32 + (8 if flags & 0x0100 else 0)
            raw = data[name_at : name_at + name_size]
            if (flags & 0xE0) != 0xE0:  # not a directory
                names.append(_rar4_name(raw, flags))
                encrypted.append(bool(flags & 0x0004))
            extra = packed + (
                (struct.unpack_from("<I", data, pos + 32)[0] << 32) if flags & 0x0100 else 0
            )
        pos += size + extra
    return RarListing(tuple(names), bool(encrypted) and all(encrypted), ())


def _rar4_name(raw: bytes, flags: int) -> str:
    if flags & 0x0200:  # Unicode: "ascii\0compressed-unicode"; the ASCII part is enough
        raw = raw.split(b"\x00", 1)[0]
    return decode_legacy_name(raw)


def _vint(data: bytes, pos: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80 or shift > 63:
            return value, pos
        shift += 7


def _rar5(data: bytes) -> RarListing:
    pos = len(RAR5)
    names: list[str] = []
    encrypted: list[bool] = []
    while pos + 4 < len(data) and len(names) < MAX_ENTRIES:
        size, body = _vint(data, pos + 4)
        end = body + size
        kind, cur = _vint(data, body)
        flags, cur = _vint(data, cur)
        extra_size, cur = _vint(data, cur) if flags & 0x0001 else (0, cur)
        data_size, cur = _vint(data, cur) if flags & 0x0002 else (0, cur)
        if kind == 4:
            return RarListing((), True, (_HEADERS_ENCRYPTED_NOTE,))
        if kind == 2:
            name, is_dir, has_crypt = _rar5_file(data, cur, end, extra_size)
            if not is_dir:
                names.append(name)
                encrypted.append(has_crypt)
        if kind == 5 or size == 0:
            break
        pos = end + data_size
    return RarListing(tuple(names), bool(encrypted) and all(encrypted), ())


def _rar5_file(data: bytes, pos: int, end: int, extra_size: int) -> tuple[str, bool, bool]:
    file_flags, pos = _vint(data, pos)
    _unpacked, pos = _vint(data, pos)
    _attributes, pos = _vint(data, pos)
    pos += (4 if file_flags & 0x0002 else 0) + (4 if file_flags & 0x0004 else 0)
    _compression, pos = _vint(data, pos)
    _host, pos = _vint(data, pos)
    name_size, pos = _vint(data, pos)
    name = data[pos : pos + name_size].decode("utf-8", "replace")
    record, has_crypt = end - extra_size, False
    while record < end:
        record_size, inner = _vint(data, record)
        record_type, _ = _vint(data, inner)
        has_crypt = has_crypt or record_type == 0x01
        if record_size == 0:
            break
        record = inner + record_size
    return name, bool(file_flags & 0x0001), has_crypt
