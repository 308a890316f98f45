"""ZIP archives from the central directory only: names, flags, encryption, no decompression.

A zip is encrypted only when every file entry is (flag bit 0, or the WinZip AES extra field
0x9901): one plain entry leaks its content. Entry names are readable even in encrypted zips, so
they are checked for dangerous names. The central directory is at the end of the file; when
it is missing (a truncated file) we fall back to walking local headers from the start.
Everything is bounded: at most ``MAX_ENTRIES`` names are read.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

MAX_ENTRIES = 10_000
_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_EOCD = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_CENTRAL_FIXED = struct.Struct("<4s2H4HIIIHHHHHII")  # 46 bytes
_LOCAL_FIXED = struct.Struct("<4s5HIIIHH")  # 30 bytes
_AES_EXTRA = 0x9901
_UNICODE_PATH_EXTRA = 0x7075
_FLAG_ENCRYPTED = 0x0001
_FLAG_STRONG = 0x0040
_FLAG_UTF8 = 0x0800
_METHOD_AES = 99
_SMALL_READ = 16_384


@dataclass(frozen=True, slots=True)
class ZipEntry:
    name: str
    encrypted: bool
    method: int
    compressed_size: int
    size: int
    local_offset: int

    @property
    def is_dir(self) -> bool:
        return self.name.endswith("/") and self.size == 0


@dataclass(frozen=True, slots=True)
class ZipListing:
    entries: tuple[ZipEntry, ...]
    notes: tuple[str, ...]
    base: int
    """Bytes prepended before the archive (self-extractors): add to local offsets."""


def list_zip(data: bytes) -> ZipListing:
    eocd = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if eocd < 0 or len(data) < eocd + 22:
        found = tuple(_walk_local_headers(data))
        return ZipListing(found, ("no central directory (truncated archive?)",), 0)
    _sig, _d, _cd, _n_disk, total, cd_size, cd_offset, _clen = struct.unpack_from(
        "<4s4H2IH", data, eocd
    )
    notes: list[str] = []
    if 0xFFFFFFFF in (cd_size, cd_offset) or total == 0xFFFF:
        cd_size, cd_offset = _zip64_directory(data, eocd, cd_size, cd_offset)
    base = 0
    expected_start = eocd - cd_size
    misplaced = data[cd_offset : cd_offset + 4] != _CENTRAL
    if misplaced and expected_start >= 0 and data[expected_start : expected_start + 4] == _CENTRAL:
        base = expected_start - cd_offset
        cd_offset = expected_start
    entries: list[ZipEntry] = []
    for entry in _walk_central(data, cd_offset, eocd):
        if len(entries) >= MAX_ENTRIES:
            notes.append(f"more than {MAX_ENTRIES} entries; the rest were not listed")
            break
        entries.append(entry)
    if total and not entries:
        notes.append("central directory unreadable")
    return ZipListing(tuple(entries), tuple(notes), base)


def _zip64_directory(data: bytes, eocd: int, cd_size: int, cd_offset: int) -> tuple[int, int]:
    locator = eocd - 20
    if locator < 0 or data[locator : locator + 4] != _ZIP64_LOCATOR:
        return cd_size, cd_offset
    (record,) = struct.unpack_from("<Q", data, locator + 8)
    if data[record : record + 4] != _ZIP64_EOCD or len(data) < record + 56:
        return cd_size, cd_offset
    size, offset = struct.unpack_from("<QQ", data, record + 40)
    return size, offset


def _walk_central(data: bytes, pos: int, end: int) -> Iterator[ZipEntry]:
    while pos + 46 <= end and data[pos : pos + 4] == _CENTRAL:
        (_s, _vm, _vn, flags, method, _t, _d, _crc, csize, usize, nlen, xlen, clen, _dk, _ia,
         _ea, offset) = _CENTRAL_FIXED.unpack_from(data, pos)  # fmt: skip
        raw_name = data[pos + 46 : pos + 46 + nlen]
        extra = data[pos + 46 + nlen : pos + 46 + nlen + xlen]
        yield _entry(raw_name, extra, flags, method, csize, usize, offset)
        pos += 46 + nlen + xlen + clen


def _walk_local_headers(data: bytes) -> Iterator[ZipEntry]:
    pos = data.find(_LOCAL)
    count = 0
    while pos >= 0 and pos + 30 <= len(data) and count < MAX_ENTRIES:
        _s, _v, flags, method, _t, _d, _crc, csize, usize, nlen, xlen = _LOCAL_FIXED.unpack_from(
            data, pos
        )
        raw_name = data[pos + 30 : pos + 30 + nlen]
        extra = data[pos + 30 + nlen : pos + 30 + nlen + xlen]
        yield _entry(raw_name, extra, flags, method, csize, usize, pos)
        count += 1
        pos = data.find(_LOCAL, pos + 30 + nlen + xlen + (csize if csize < len(data) else 0))


def _entry(
    raw_name: bytes, extra: bytes, flags: int, method: int, csize: int, usize: int, offset: int
) -> ZipEntry:
    fields = dict(_extra_fields(extra))
    encrypted = bool(flags & (_FLAG_ENCRYPTED | _FLAG_STRONG)) or method == _METHOD_AES
    encrypted = encrypted or _AES_EXTRA in fields
    name = _unicode_path(fields.get(_UNICODE_PATH_EXTRA)) or _decode_name(raw_name, flags)
    return ZipEntry(name, encrypted, method, csize, usize, offset)


def _extra_fields(extra: bytes) -> Iterator[tuple[int, bytes]]:
    pos = 0
    while pos + 4 <= len(extra):
        header_id, size = struct.unpack_from("<HH", extra, pos)
        yield header_id, extra[pos + 4 : pos + 4 + size]
        pos += 4 + size


def _unicode_path(field: bytes | None) -> str:
    if not field or len(field) < 6 or field[0] != 1:
        return ""
    return field[5:].decode("utf-8", "replace")


def _decode_name(raw: bytes, flags: int) -> str:
    if flags & _FLAG_UTF8 or raw.isascii():
        return raw.decode("utf-8", "replace")
    return decode_legacy_name(raw)


def decode_legacy_name(raw: bytes) -> str:
    """An archive entry name without a declared encoding (zip without the UTF-8 flag, RAR 4):
    UTF-8 if it decodes, else what Japanese Windows writes (CP932), else the zip spec's
    CP437, which decodes anything."""
    for codec in ("utf-8", "cp932"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("cp437")


def read_entry(data: bytes, listing: ZipListing, entry: ZipEntry, limit: int) -> bytes:
    """At most ``limit`` leading bytes of an unencrypted stored or deflated entry, reading
    only as much compressed data as that needs; ``b""`` when it cannot be read."""
    pos = listing.base + entry.local_offset
    if entry.encrypted or pos < 0 or len(data) < pos + 30 or data[pos : pos + 4] != _LOCAL:
        return b""
    nlen, xlen = struct.unpack_from("<HH", data, pos + 26)
    start = pos + 30 + nlen + xlen
    available = entry.compressed_size or len(data) - start
    if limit < _SMALL_READ:
        available = min(available, limit * 2 + _SMALL_READ)  # deflate never expands much
    chunk = data[start : start + available]
    if entry.method == 0:
        return chunk[:limit]
    if entry.method != 8:
        return b""
    try:
        return zlib.decompressobj(-15).decompress(chunk, limit)
    except zlib.error:
        return b""
