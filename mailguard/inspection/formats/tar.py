"""tar and .tar.gz: entry names, to find executables packed in a tarball.

tar has no encryption and no directory: the 512-byte headers are spread through the stream,
so a gzip-compressed tarball is decompressed as it is walked, bounded by ``MAX_UNPACKED``
bytes (a gzip bomb stops there with a note) and ``MAX_ENTRIES`` names.
"""

from __future__ import annotations

import bz2
import lzma
import zlib
from typing import Any

MAX_UNPACKED = 64 * 1024 * 1024
MAX_ENTRIES = 10_000
_BLOCK = 512


def is_tar(data: bytes) -> bool:
    return data[257:262] == b"ustar"


def unpack_prefix(data: bytes, mime: str, limit: int = MAX_UNPACKED) -> tuple[bytes, bool]:
    """Up to ``limit`` decompressed bytes of a gzip, bzip2 or xz stream; ``complete`` is
    False when cut short or damaged."""
    inflater: Any
    if mime == "application/gzip":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif mime == "application/x-bzip2":
        inflater = bz2.BZ2Decompressor()
    elif mime == "application/x-xz":
        inflater = lzma.LZMADecompressor()
    else:
        return data, True
    try:
        out = inflater.decompress(data, limit)
    except (zlib.error, OSError, EOFError, lzma.LZMAError):
        return b"", False
    rest = getattr(inflater, "unconsumed_tail", b"") or not getattr(inflater, "eof", True)
    return out, len(out) < limit and not rest


def tar_names(data: bytes) -> tuple[str, ...]:
    """Names of the regular files, with PAX ``path`` records and GNU long names applied
    (``tarfile`` writes non-ASCII names only there)."""
    names: list[str] = []
    pos, override = 0, b""
    while pos + _BLOCK <= len(data) and len(names) < MAX_ENTRIES and is_tar(data[pos:]):
        header = data[pos : pos + _BLOCK]
        size_field = header[124:136].split(b"\x00", 1)[0].strip() or b"0"
        try:
            size = int(size_field, 8)
        except ValueError:
            break
        content = data[pos + _BLOCK : pos + _BLOCK + min(size, 65_536)]
        kind = header[156:157]
        if kind == b"x":
            override = _pax_path(content) or override
        elif kind == b"L":
            override = content.split(b"\x00", 1)[0]
        elif kind in (b"0", b"\x00", b"7"):  # regular files
            names.append((override or _ustar_name(header)).decode("utf-8", "replace"))
            override = b""
        pos += _BLOCK + -(-size // _BLOCK) * _BLOCK
    return tuple(names)


def _ustar_name(header: bytes) -> bytes:
    name = header[:100].split(b"\x00", 1)[0]
    prefix = header[345:500].split(b"\x00", 1)[0]
    return prefix + b"/" + name if prefix else name


def _pax_path(records: bytes) -> bytes:
    for line in records.split(b"\n"):
        _length, _, record = line.partition(b" ")
        key, _, value = record.partition(b"=")
        if key == b"path":
            return value
    return b""
