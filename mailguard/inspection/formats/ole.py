"""CFB (OLE2) containers: encrypted OOXML, legacy Word/Excel/PowerPoint, VBA macros, MSI.

An encrypted .docx/.xlsx/.pptx is not a zip at all but a CFB file holding ``EncryptionInfo``
and ``EncryptedPackage``. Legacy binaries keep an encryption flag in their own structures:
Word's FIB ``fEncrypted``/``fObfuscation`` bits, Excel's ``FILEPASS`` record after the
workbook's ``BOF``, PowerPoint's ``UserEditAtom`` growing an ``encryptSessionPersistIdRef``
(and an ``EncryptedSummary`` stream). We read only the few sectors these live in, following
the FAT ourselves rather than letting olefile load whole streams into memory.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from typing import Any

import olefile

_MSI_CLSID_PREFIX = "000C108"  # .msi 000C1084, .msp 000C1086, .mst 000C1082
_MACRO_STORAGES = frozenset({"macros", "_vba_project_cur", "vba"})
_BIFF_BOF, _BIFF_EOF, _BIFF_FILEPASS = 0x0809, 0x000A, 0x002F
_MAX_BIFF_RECORDS = 2000
_MAX_STREAM_READ = 64 * 1024
_MAX_MSG_ATTACHMENTS = 500


@dataclass(frozen=True, slots=True)
class OleReport:
    kind: str
    """``ooxml`` for an encrypted OOXML package, ``msg`` for an Outlook item, else ``ole``."""
    encrypted: bool
    dangerous: tuple[str, ...]
    notes: tuple[str, ...]
    entries: tuple[str, ...] = ()
    """File names of an Outlook item's attachments."""


def inspect_ole(data: bytes) -> OleReport:
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError ...
        return OleReport("ole", False, (), (f"unreadable OLE container ({type(exc).__name__})",))
    try:
        return _inspect(ole, data)
    except Exception as exc:  # a damaged directory or FAT met half-way
        return OleReport("ole", False, (), (f"damaged OLE container ({type(exc).__name__})",))
    finally:
        ole.close()


def _inspect(ole: Any, data: bytes) -> OleReport:
    paths = {"/".join(p).lower() for p in ole.listdir(streams=True, storages=True)}
    dangerous = []
    if any(_MACRO_STORAGES & set(p.split("/")) for p in paths):
        dangerous.append("macro-enabled Office (VBA project)")
    if str(getattr(ole.root, "clsid", "")).upper().startswith(_MSI_CLSID_PREFIX):
        dangerous.append("Windows Installer package")
    if "encryptioninfo" in paths and "encryptedpackage" in paths:
        return OleReport("ooxml", True, tuple(dangerous), ())
    encrypted = (
        ("worddocument" in paths and _word_encrypted(ole, data))
        or (("workbook" in paths or "book" in paths) and _excel_encrypted(ole, data, paths))
        or ("powerpoint document" in paths and _powerpoint_encrypted(ole, data, paths))
    )
    if "__properties_version1.0" in paths:
        names = _msg_attachment_names(ole, data, paths)
        return OleReport("msg", False, tuple(dangerous), (), names)
    return OleReport("ole", encrypted, tuple(dangerous), ())


def _msg_attachment_names(ole: Any, data: bytes, paths: set[str]) -> tuple[str, ...]:
    """An Outlook .msg keeps each attachment in an ``__attach_version1.0_#N`` storage; its
    long file name is the UTF-16 property stream 0x3707 (else the short name, 0x3704)."""
    names = []
    for storage in sorted(
        p for p in paths if p.startswith("__attach_version1.0_#") and "/" not in p
    ):
        for prop in ("__substg1.0_3707001f", "__substg1.0_3704001f"):
            if f"{storage}/{prop}" in paths:
                raw = _read(ole, data, f"{storage}/{prop}", 0, 1024)
                names.append(raw.decode("utf-16-le", "replace").rstrip("\x00"))
                break
    return tuple(names[:_MAX_MSG_ATTACHMENTS])


def _word_encrypted(ole: Any, data: bytes) -> bool:
    fib = _read(ole, data, "WordDocument", 0, 12)
    if len(fib) < 12:
        return False
    (flags,) = struct.unpack_from("<H", fib, 10)
    return bool(flags & 0x0100 or flags & 0x8000)  # fEncrypted, fObfuscation


def _excel_encrypted(ole: Any, data: bytes, paths: set[str]) -> bool:
    stream = _read(ole, data, "Workbook" if "workbook" in paths else "Book", 0, _MAX_STREAM_READ)
    pos = 0
    for _ in range(_MAX_BIFF_RECORDS):
        if pos + 4 > len(stream):
            return False
        record, size = struct.unpack_from("<HH", stream, pos)
        if record == _BIFF_FILEPASS:
            return True
        if record == _BIFF_EOF or (pos and record == _BIFF_BOF):
            return False
        pos += 4 + size
    return False


def _powerpoint_encrypted(ole: Any, data: bytes, paths: set[str]) -> bool:
    if "encryptedsummary" in paths:
        return True
    if "current user" not in paths:
        return False
    current = _read(ole, data, "Current User", 0, 20)
    if len(current) < 20:
        return False
    (offset,) = struct.unpack_from("<I", current, 16)  # CurrentUserAtom.offsetToCurrentEdit
    header = _read(ole, data, "PowerPoint Document", offset, 8)
    if len(header) < 8:
        return False
    (length,) = struct.unpack_from("<I", header, 4)
    return bool(length == 0x20)  # UserEditAtom with encryptSessionPersistIdRef


def _read(ole: Any, data: bytes, name: str, start: int, length: int) -> bytes:
    """``length`` bytes at ``start`` of a stream, following the FAT chain directly (olefile's
    ``openstream`` would read the whole stream first)."""
    entry = ole.direntries[ole._find(name)]
    if entry.size < ole.minisectorcutoff:
        return bytes(ole.openstream(name).read()[start : start + length])
    size = ole.sectorsize
    end = min(start + length, entry.size)
    out = bytearray()
    sector, index = entry.isectStart, 0
    for _ in range(len(ole.fat)):
        if index * size >= end or not 0 <= sector < len(ole.fat):
            break
        if (index + 1) * size > start:
            offset = (sector + 1) * size
            out += data[offset : offset + size]
        sector, index = ole.fat[sector], index + 1
    first = start % size
    return bytes(out[first : first + end - start])
