"""sniff_type decides by magic bytes, never by name."""

from __future__ import annotations

import pytest

from mailguard.inspection.formats import sniff_type
from mailguard.inspection.formats.sniff import LNK_MAGIC, kind_of
from tests.cfbwriter import make_cfb
from tests.filemaker import make_pdf, make_zip


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (make_zip({"a": b"b"}), "application/zip"),
        (make_pdf(), "application/pdf"),
        (b"junk before the header %PDF-1.4\n", "application/pdf"),
        (make_cfb({"x": b"y"}), "application/x-cfb"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(24), "application/x-7z-compressed"),
        (b"MZ\x90\x00" + bytes(60), "application/x-msdownload"),
        (b"MZ is how this plain text file starts", "text/plain"),
        (b"\x7fELF\x02\x01\x01", "application/x-executable"),
        (b"\xcf\xfa\xed\xfe" + bytes(12), "application/x-mach-binary"),
        (b"\xca\xfe\xba\xbe\x00\x00\x00\x02", "application/x-mach-binary"),
        (b"\xca\xfe\xba\xbe\x00\x00\x00\x34", "application/java-vm"),
        (LNK_MAGIC + bytes(56), "application/x-ms-shortcut"),
        (bytes(0x8001) + b"CD001" + bytes(10), "application/x-iso9660-image"),
        (b"\x89PNG\r\n\x1a\n" + bytes(8), "image/png"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        ("名前,電話\n鈴木,03\n".encode("cp932"), "text/plain"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html>", "text/html"),
        (b"\x00\x01\x02\x03binary", "application/octet-stream"),
        (b"", "text/plain"),
    ],
)
def test_magic_bytes_decide_the_type(data: bytes, mime: str) -> None:
    assert sniff_type(data) == mime


def test_kinds_are_coarse() -> None:
    assert kind_of("image/webp") == "image"
    assert kind_of("application/x-cfb") == "ole"
    assert kind_of("application/x-unknown") == "other"
