"""Attachments for tests, made on the fly: plain and encrypted zip, PDF, OOXML, legacy Office.

Encrypted OOXML takes ~0.1 s (100,000 key-derivation rounds), so builders are cached.

    make_zip({"a.csv": b"1,2"}, encryption="aes")   # or "zipcrypto", or None
    make_pdf(password="secret")
    make_docx(macro=True); make_encrypted_docx()
    make_doc(encrypted=True); make_xls(encrypted=True); make_ppt(encrypted=True)
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from functools import cache
from typing import Literal

import pyzipper
from msoffcrypto.format.ooxml import OOXMLFile
from pypdf import PdfWriter

from tests.cfbwriter import make_cfb

ZipEncryption = Literal["zipcrypto", "aes"] | None

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    b'.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="word/document.xml"/></Relationships>'
)
_DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats'
    b'.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>secret</w:t></w:r></w:p>'
    b"</w:body></w:document>"
)


def make_zip(
    files: dict[str, bytes],
    encryption: ZipEncryption = None,
    password: bytes = b"secret",
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    buf = io.BytesIO()
    if encryption is None:
        with zipfile.ZipFile(buf, "w", compression) as zf:
            for name, data in files.items():
                zf.writestr(name, data)
        return buf.getvalue()
    if encryption == "zipcrypto":
        return _zipcrypto_zip(files, password)
    with pyzipper.AESZipFile(buf, "w", compression=compression, encryption=pyzipper.WZ_AES) as zf:
        zf.setpassword(password)
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _zipcrypto_zip(files: dict[str, bytes], password: bytes) -> bytes:
    """Traditional PKWARE encryption (what Windows' "send to compressed folder" tools and most
    Japanese "PPAP" mailers produce), stored entries; pyzipper only writes AES."""
    out, central = bytearray(), bytearray()
    for name, data in files.items():
        raw_name = name.encode()
        crc = zlib.crc32(data)
        cipher = _ZipCrypto(password)
        body = cipher.encrypt(os.urandom(11) + bytes([crc >> 24])) + cipher.encrypt(data)
        fixed = struct.pack("<HHHHHIII", 20, 0x0801, 0, 0, 0x21, crc, len(body), len(data))
        central += struct.pack("<4sH", b"PK\x01\x02", 20) + fixed
        central += struct.pack("<HHHHHII", len(raw_name), 0, 0, 0, 0, 0, len(out)) + raw_name
        out += b"PK\x03\x04" + fixed + struct.pack("<HH", len(raw_name), 0) + raw_name + body
    eocd = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(files), len(files), len(central),
                       len(out), 0)  # fmt: skip
    return bytes(out + central + eocd)


class _ZipCrypto:
    def __init__(self, password: bytes) -> None:
        self.keys = [0x12345678, 0x23456789, 0x34567890]
        for byte in password:
            self._update(byte)

    @staticmethod
    def _crc(value: int, byte: int) -> int:
        return zlib.crc32(bytes([byte]), value ^ 0xFFFFFFFF) ^ 0xFFFFFFFF

    def _update(self, byte: int) -> None:
        k0, k1, k2 = self.keys
        k0 = self._crc(k0, byte)
        k1 = ((k1 + (k0 & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        k2 = self._crc(k2, k1 >> 24)
        self.keys = [k0, k1, k2]

    def encrypt(self, data: bytes) -> bytes:
        out = bytearray()
        for byte in data:
            temp = self.keys[2] | 2
            out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
            self._update(byte)
        return bytes(out)


def make_pdf(
    password: str | None = None,
    pages: int = 1,
    owner_password: str | None = None,
    algorithm: str = "AES-256",
) -> bytes:
    """A blank PDF; ``password`` is the user (open) password. ``password=""`` with an owner
    password makes a permissions-only PDF that opens without a password."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    if password is not None:
        writer.encrypt(password, owner_password, algorithm=algorithm)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def make_docx(macro: bool = False) -> bytes:
    files = {"[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _RELS}
    files["word/document.xml"] = _DOCUMENT
    if macro:
        files["word/vbaProject.bin"] = make_cfb({"VBA": {"dir": b"attribute"}})
    return make_zip(files)


@cache
def make_encrypted_docx(password: str = "secret") -> bytes:  # noqa: S107 (test fixture)
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(make_docx())).encrypt(password, out)
    return out.getvalue()


def make_doc(encrypted: bool = False, macro: bool = False) -> bytes:
    flags = 0x0100 if encrypted else 0
    fib = struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0411, 0, flags) + bytes(500)
    tree: dict[str, object] = {"WordDocument": fib, "1Table": bytes(100)}
    if macro:
        tree["Macros"] = {"VBA": {"dir": b"attribute"}}
    return make_cfb(tree)  # type: ignore[arg-type]


def make_xls(encrypted: bool = False) -> bytes:
    bof = struct.pack("<HH", 0x0809, 16) + bytes(16)
    filepass = struct.pack("<HH", 0x002F, 6) + struct.pack("<HI", 1, 0) if encrypted else b""
    body = struct.pack("<HH", 0x0042, 2) + b"\xe4\x04"  # CODEPAGE 1252
    eof = struct.pack("<HH", 0x000A, 0)
    return make_cfb({"Workbook": bof + filepass + body + eof})


def make_ppt(encrypted: bool = False) -> bytes:
    edit_len = 0x20 if encrypted else 0x1C
    user_edit = struct.pack("<HHI", 0, 0x0FF5, edit_len) + bytes(edit_len)
    document = bytes(64) + user_edit
    current = struct.pack("<HHI", 0, 0x0FF6, 20) + struct.pack("<III", 20, 0xE391C05F, 64)
    tree: dict[str, object] = {"PowerPoint Document": document, "Current User": current + bytes(8)}
    return make_cfb(tree)  # type: ignore[arg-type]
