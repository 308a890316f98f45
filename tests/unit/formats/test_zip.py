"""ZIP: encrypted only when every file entry is; names readable; no decompression needed."""

from __future__ import annotations

import io
import struct
import zipfile

from mailguard.inspection.formats import inspect_file
from mailguard.inspection.formats.ziparchive import MAX_ENTRIES, list_zip
from tests.filemaker import make_pdf, make_zip


def test_plain_zip_is_not_encrypted_and_lists_entries() -> None:
    report = inspect_file("a.zip", make_zip({"顧客.csv": "鈴木".encode(), "sub/": b""}))
    assert (report.kind, report.encrypted) == ("zip", False)
    assert report.entries == ("顧客.csv", "sub/")


def test_zipcrypto_and_aes_zips_are_encrypted() -> None:
    for method in ("zipcrypto", "aes"):
        report = inspect_file("a.zip", make_zip({"a.csv": b"1", "b.csv": b"2"}, method))
        assert report.encrypted, method


def test_one_plain_entry_makes_the_zip_unencrypted() -> None:
    encrypted = make_zip({"a.csv": b"1"}, "aes")
    mixed = make_zip({"inner.zip": encrypted, "leak.csv": b"plain"})
    assert not inspect_file("m.zip", mixed).encrypted


def test_a_plain_zip_holding_only_protected_files_counts_as_protected() -> None:
    outer = make_zip({"a.zip": make_zip({"x": b"1"}, "aes"), "b.pdf": make_pdf("pw")})
    assert inspect_file("outer.zip", outer).encrypted


def test_entry_names_of_encrypted_zips_are_checked() -> None:
    report = inspect_file("a.zip", make_zip({"請求書.pdf.exe": b"MZ"}, "zipcrypto"))
    assert report.encrypted
    assert "archive entry 請求書.pdf.exe: double extension .pdf.exe" in report.dangerous


def test_executable_content_under_an_innocent_entry_name_is_found() -> None:
    pe = b"MZ" + bytes(58) + struct.pack("<I", 64) + b"PE\x00\x00" + bytes(200)
    report = inspect_file("photos.zip", make_zip({"photo.jpg": pe}))
    assert report.dangerous == ("archive entry photo.jpg: PE executable",)


def test_nested_zip_one_level_deep() -> None:
    inner = make_zip({"tool.vbs": b"WScript.Echo 1"})
    report = inspect_file("outer.zip", make_zip({"inner.zip": inner}))
    assert (
        "archive entry inner.zip: archive entry tool.vbs: executable or script file name .vbs"
        in (report.dangerous)
    )


def test_zip_is_judged_by_bytes_whatever_its_name() -> None:
    assert inspect_file("data.dat", make_zip({"a": b"b"})).kind == "zip"


def test_cp932_names_without_the_utf8_flag_decode() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("ab.csv", b"x")
    data = buf.getvalue().replace(b"ab.csv", "名.csv".encode("cp932"))
    assert list_zip(data).entries[0].name == "名.csv"


def test_truncated_zip_falls_back_to_local_headers() -> None:
    data = make_zip({"a.csv": b"1" * 100, "b.exe": b"MZ"}, "aes")
    cut = data[: data.rindex(b"PK\x01\x02") - 10]
    report = inspect_file("t.zip", cut)
    assert "no central directory (truncated archive?)" in report.notes
    assert "a.csv" in report.entries


def test_self_extractor_with_a_stub_before_the_archive() -> None:
    data = b"MZ" + bytes(1000) + make_zip({"a.csv": b"1"}, "aes")
    assert list_zip(data).entries[0].encrypted


def test_entry_count_is_capped() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i in range(MAX_ENTRIES + 5):
            zf.writestr(f"{i}", b"")
    listing = list_zip(buf.getvalue())
    assert len(listing.entries) == MAX_ENTRIES
    assert listing.notes
