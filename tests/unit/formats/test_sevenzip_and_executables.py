"""7z encryption (plain, LZMA-encoded and AES-encrypted headers) and executables by content."""

from __future__ import annotations

import lzma
import struct

import pytest

from mailguard.inspection.formats import inspect_file
from mailguard.inspection.formats.sniff import LNK_MAGIC

_AES_CODER = b"\x24\x06\xf1\x07\x01\x02\x00\x00"  # flags(id 4 bytes + props), id, 2 prop bytes
_COPY_CODER = b"\x01\x00"


def _seven_zip(packed: bytes, header: bytes) -> bytes:
    start = struct.pack("<QQI", len(packed), len(header), 0)
    return b"7z\xbc\xaf\x27\x1c\x00\x04" + struct.pack("<I", 0) + start + packed + header


def _plain_header(coder: bytes, names: tuple[str, ...] = ("a.csv",)) -> bytes:
    """kHeader > MainStreamsInfo (PackInfo + UnpackInfo with one folder of one coder) and
    FilesInfo with a kName property."""
    pack_info = b"\x06\x00\x01\x09\x10\x00"
    unpack_info = b"\x07\x0b\x01\x00\x01" + coder + b"\x0c\x10\x00"
    blob = "".join(f"{n}\x00" for n in names).encode("utf-16-le")
    files = bytes([0x05, len(names), 0x11, len(blob) + 1, 0x00]) + blob + b"\x00"
    return b"\x01\x04" + pack_info + unpack_info + b"\x00" + files + b"\x00"


def _lzma_encoded_header(inner: bytes) -> tuple[bytes, bytes]:
    props = {"id": lzma.FILTER_LZMA1, "dict_size": 1 << 16, "lc": 3, "lp": 0, "pb": 2}
    packed = lzma.compress(inner, format=lzma.FORMAT_RAW, filters=[props])
    prop_bytes = bytes([(2 * 5 + 0) * 9 + 3]) + (1 << 16).to_bytes(4, "little")
    header = (
        b"\x17\x06\x00\x01\x09" + bytes([len(packed)]) + b"\x00"
        b"\x07\x0b\x01\x00\x01\x23\x03\x01\x01\x05" + prop_bytes
        + b"\x0c" + bytes([len(inner)]) + b"\x00\x00"
    )  # fmt: skip
    return packed, header


def test_plain_7z_header_without_aes_is_not_encrypted() -> None:
    report = inspect_file("a.7z", _seven_zip(bytes(16), _plain_header(_COPY_CODER)))
    assert (report.kind, report.encrypted) == ("7z", False)


def test_aes_coder_in_a_plain_header_means_encrypted_and_names_are_read() -> None:
    header = _plain_header(_AES_CODER, ("資料.csv", "invoice.pdf.exe"))
    report = inspect_file("a.7z", _seven_zip(bytes(16), header))
    assert (report.encrypted, report.entries) == (True, ("資料.csv", "invoice.pdf.exe"))
    assert "archive entry invoice.pdf.exe: double extension .pdf.exe" in report.dangerous


def test_an_aes_encrypted_header_hides_the_names() -> None:
    header = b"\x17\x06\x00\x01\x09\x10\x00\x07\x0b\x01\x00\x01" + _AES_CODER + b"\x0c\x10\x00\x00"
    report = inspect_file("a.7z", _seven_zip(bytes(16), header))
    assert (report.encrypted, report.entries, report.notes) == (
        True,
        (),
        ("file names are encrypted too",),
    )


def test_aes_coder_inside_an_lzma_compressed_header_is_found() -> None:
    packed, header = _lzma_encoded_header(_plain_header(_AES_CODER, ("run.vbs",)))
    report = inspect_file("a.7z", _seven_zip(packed, header))
    assert (report.encrypted, report.entries) == (True, ("run.vbs",))
    packed, header = _lzma_encoded_header(_plain_header(_COPY_CODER))
    assert not inspect_file("a.7z", _seven_zip(packed, header)).encrypted


def test_truncated_7z_is_noted() -> None:
    report = inspect_file("a.7z", _seven_zip(bytes(16), _plain_header(_COPY_CODER))[:40])
    assert report.notes


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"MZ" + bytes(58) + struct.pack("<I", 64) + b"PE\x00\x00" + bytes(64), "PE executable"),
        (b"\x7fELF\x02\x01\x01" + bytes(64), "ELF executable"),
        (b"\xcf\xfa\xed\xfe" + bytes(64), "Mach-O executable"),
        (LNK_MAGIC + bytes(64), "Windows shortcut (.lnk)"),
        (bytes(0x8001) + b"CD001" + bytes(64), "disk image (ISO)"),
    ],
)
def test_executable_content_is_dangerous_under_any_name(data: bytes, reason: str) -> None:
    assert reason in inspect_file("harmless.txt", data).dangerous
