"""7z: encrypted when its header names the AES-256 coder (id ``06F10701``); entry names
from the header's ``FilesInfo`` when it is readable.

The header sits at the end of the archive. With "encrypt file names" the header itself is an
AES-encrypted ``EncodedHeader``; otherwise it is usually LZMA-compressed, and the AES coder of
the file data is only visible after decompressing it, which we do (bounded) with ``lzma``.
Best effort: exotic coders (PPMd, BCJ chains on the header) leave the answer "not encrypted"
with a note.
"""

from __future__ import annotations

import lzma
import struct
from dataclasses import dataclass

_AES = b"\x06\xf1\x07\x01"
_ENCODED_HEADER = 0x17
_PACK_INFO, _UNPACK_INFO, _SIZE, _FOLDER, _UNPACK_SIZE, _END = 0x06, 0x07, 0x09, 0x0B, 0x0C, 0
_LZMA, _LZMA2 = b"\x03\x01\x01", b"\x21"
MAX_HEADER_BYTES = 4 * 1024 * 1024
MAX_NAMES = 10_000


@dataclass(frozen=True, slots=True)
class SevenZipReport:
    encrypted: bool
    names: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def inspect_7z(data: bytes) -> SevenZipReport:
    if len(data) < 32:
        return SevenZipReport(False, notes=("truncated 7z archive",))
    offset, size = struct.unpack_from("<QQ", data, 12)
    header = data[32 + offset : 32 + offset + min(size, MAX_HEADER_BYTES)]
    if not header:
        return SevenZipReport(False, notes=("7z header missing (truncated archive?)",))
    if header[0] == _ENCODED_HEADER:
        if _AES in header:
            return SevenZipReport(True, notes=("file names are encrypted too",))
        try:
            header = _decode_header(data, header)
        except (IndexError, ValueError, lzma.LZMAError, struct.error):
            return SevenZipReport(False, notes=("7z header could not be decoded",))
    return SevenZipReport(_AES in header, _file_names(header))


def _file_names(header: bytes) -> tuple[str, ...]:
    """The names in ``FilesInfo``: a ``kName`` (0x11) property, its size, ``external = 0``,
    then NUL-terminated UTF-16 names filling exactly that size. Found by scanning for a
    property that fits, rather than by parsing every structure before it."""
    pos = header.find(b"\x11")
    while pos >= 0:
        names = _names_at(header, pos)
        if names:
            return names[:MAX_NAMES]
        pos = header.find(b"\x11", pos + 1)
    return ()


def _names_at(header: bytes, pos: int) -> tuple[str, ...]:
    reader = _Reader(header)
    reader.pos = pos + 1
    try:
        size = reader.number()
        external = reader.byte()
    except IndexError:
        return ()
    blob = header[reader.pos : reader.pos + size - 1]
    if external or size < 3 or len(blob) != size - 1 or len(blob) % 2 or blob[-2:] != bytes(2):
        return ()
    try:
        names = blob.decode("utf-16-le").split("\x00")[:-1]
    except UnicodeDecodeError:
        return ()
    return tuple(names) if names and all(n and n.isprintable() for n in names) else ()


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def byte(self) -> int:
        value = self.data[self.pos]
        self.pos += 1
        return value

    def number(self) -> int:
        """7z's variable-length integer: leading 1-bits of the first byte count extra bytes."""
        first, mask, value = self.byte(), 0x80, 0
        for i in range(8):
            if not first & mask:
                return value | ((first & (mask - 1)) << (8 * i))
            value |= self.byte() << (8 * i)
            mask >>= 1
        return value

    def take(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def _decode_header(data: bytes, header: bytes) -> bytes:
    r = _Reader(header)
    r.byte()  # EncodedHeader
    if r.byte() != _PACK_INFO:
        raise ValueError("no pack info")
    pack_pos, streams = r.number(), r.number()
    if r.byte() != _SIZE:
        raise ValueError("no pack sizes")
    sizes = [r.number() for _ in range(streams)]
    pack_size = sizes[0] if sizes else 0
    while r.byte() != _END:
        pass
    if r.byte() != _UNPACK_INFO or r.byte() != _FOLDER:
        raise ValueError("no folder")
    r.number()  # number of folders; the header uses one
    r.byte()  # external
    coders = r.number()
    method, props = b"", b""
    for _ in range(coders):
        flags = r.byte()
        method = r.take(flags & 0x0F)
        if flags & 0x10:
            r.number(), r.number()
        if flags & 0x20:
            props = r.take(r.number())
    if method == _AES:
        return _AES
    while r.byte() != _UNPACK_SIZE:
        pass
    unpack_size = r.number()
    packed = data[32 + pack_pos : 32 + pack_pos + pack_size]
    return _lzma(method, props).decompress(packed, min(unpack_size, MAX_HEADER_BYTES))


def _lzma(method: bytes, props: bytes) -> lzma.LZMADecompressor:
    if method == _LZMA and len(props) == 5:
        lc_lp_pb, dict_size = props[0], int.from_bytes(props[1:5], "little")
        filt = {"id": lzma.FILTER_LZMA1, "dict_size": dict_size, "lc": lc_lp_pb % 9,
                "lp": (lc_lp_pb // 9) % 5, "pb": lc_lp_pb // 45}  # fmt: skip
    elif method == _LZMA2 and len(props) == 1:
        filt = {"id": lzma.FILTER_LZMA2, "dict_size": _lzma2_dict(props[0])}
    else:
        raise ValueError(f"unsupported header coder {method.hex()}")
    return lzma.LZMADecompressor(format=lzma.FORMAT_RAW, filters=[filt])


def _lzma2_dict(prop: int) -> int:
    return (2 | (prop & 1)) << (prop // 2 + 11) if prop < 40 else 0xFFFFFFFF
