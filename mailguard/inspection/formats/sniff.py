"""What a file is, from its first bytes (magic numbers), never from its name.

Only the leading bytes are looked at (plus fixed offsets for ISO images), so sniffing is O(1)
in the file size. ``sniff_type`` answers a MIME type; ``kind_of`` maps it to the coarse
``FileReport.kind`` vocabulary.
"""

from __future__ import annotations

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LNK_MAGIC = bytes.fromhex("4c0000000114020000000000c000000000000046")
TNEF_MAGIC = b"\x78\x9f\x3e\x22"

_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "application/zip"),
    (b"PK\x05\x06", "application/zip"),
    (b"PK\x07\x08", "application/zip"),
    (CFB_MAGIC, "application/x-cfb"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (LNK_MAGIC, "application/x-ms-shortcut"),
    (TNEF_MAGIC, "application/ms-tnef"),
    (b"\x7fELF", "application/x-executable"),
    (b"\xfe\xed\xfa\xce", "application/x-mach-binary"),
    (b"\xfe\xed\xfa\xcf", "application/x-mach-binary"),
    (b"\xce\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\xcf\xfa\xed\xfe", "application/x-mach-binary"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
    (b"\x1f\x8b", "application/gzip"),
    (b"BZh", "application/x-bzip2"),
    (b"\xfd7zXZ\x00", "application/x-xz"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"{\\rtf", "application/rtf"),
    (b"vhdxfile", "application/x-vhdx"),
    (b"conectix", "application/x-vhd"),
)

_KINDS = {
    "application/zip": "zip",
    "application/pdf": "pdf",
    "application/x-cfb": "ole",
    "application/x-7z-compressed": "7z",
    "application/x-msdownload": "pe",
    "application/x-ms-shortcut": "lnk",
    "application/x-executable": "elf",
    "application/x-mach-binary": "macho",
    "application/java-vm": "java",
    "application/x-iso9660-image": "iso",
    "application/x-vhd": "disk-image",
    "application/x-vhdx": "disk-image",
    "application/ms-tnef": "tnef",
    "application/pkcs7-mime": "smime",
    "application/pgp-encrypted": "pgp",
    "application/gzip": "archive",
    "application/x-bzip2": "archive",
    "application/x-xz": "archive",
    "application/vnd.rar": "rar",
    "text/plain": "text",
    "text/html": "text",
    "application/rtf": "text",
}

_ISO_OFFSETS = (0x8001, 0x8801, 0x9001)
_ENVELOPED_OIDS = (
    bytes.fromhex("06092a864886f70d010703"),  # CMS envelopedData (S/MIME encrypted)
    bytes.fromhex("060b2a864886f70d0109100117"),  # authEnvelopedData
)
_TEXT_SAMPLE = 4096
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")


def sniff_type(data: bytes) -> str:
    """The MIME type the bytes say, e.g. ``application/pdf``; ``application/octet-stream``
    when nothing matches and the start is not text."""
    for magic, mime in _PREFIXES:
        if data.startswith(magic):
            return mime
    if data.startswith(b"MZ") and b"\x00" in data[2:64]:
        return "application/x-msdownload"  # the NUL keeps a text file starting "MZ" out
    if b"%PDF-" in data[:1024]:
        return "application/pdf"  # readers accept junk before the header; so must we
    if data.startswith(b"\xca\xfe\xba\xbe"):
        return _fat_binary_or_java(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if any(data[off : off + 5] == b"CD001" for off in _ISO_OFFSETS):
        return "application/x-iso9660-image"
    if len(data) >= 512 and data[-512:-504] == b"conectix":
        return "application/x-vhd"
    if data[:1] == b"\x30" and any(oid in data[:32] for oid in _ENVELOPED_OIDS):
        return "application/pkcs7-mime"
    if data.lstrip()[:27] == b"-----BEGIN PGP MESSAGE-----":
        return "application/pgp-encrypted"
    return _text_or_binary(data[:_TEXT_SAMPLE])


def _fat_binary_or_java(data: bytes) -> str:
    """0xCAFEBABE starts both Mach-O universal binaries (a small architecture count) and
    Java class files (a version number >= 45): both are executable code."""
    count = int.from_bytes(data[4:8], "big")
    return "application/x-mach-binary" if 0 < count < 30 else "application/java-vm"


def _text_or_binary(sample: bytes) -> str:
    if not sample or b"\x00" in sample:
        return "application/octet-stream" if sample else "text/plain"
    head = sample.lstrip(b"\xef\xbb\xbf \t\r\n")[:20].lower()
    if head.startswith(_HTML_STARTS):
        return "text/html"
    controls = sum(1 for b in sample if b < 0x20 and b not in b"\t\r\n\x0c\x1b")
    return "text/plain" if controls * 20 < len(sample) else "application/octet-stream"


def kind_of(mime: str) -> str:
    """``FileReport.kind`` for a sniffed MIME type (``image`` for every image type)."""
    if mime.startswith("image/"):
        return "image"
    return _KINDS.get(mime, "other")
