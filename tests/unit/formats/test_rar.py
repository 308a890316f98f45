"""RAR 4 and 5: per-file encryption, encrypted headers and entry names."""

from __future__ import annotations

from mailguard.inspection.formats import inspect_file
from tests.unit.formats.rar_builder import rar4, rar5


def test_rar5_plain_mixed_and_encrypted() -> None:
    plain = inspect_file("a.rar", rar5([("顧客.csv", False)]))
    assert (plain.kind, plain.encrypted, plain.entries) == ("rar", False, ("顧客.csv",))
    assert not inspect_file("a.rar", rar5([("a.csv", True), ("b.csv", False)])).encrypted
    assert inspect_file("a.rar", rar5([("a.csv", True), ("b.csv", True)])).encrypted


def test_rar5_encrypted_headers_hide_names_and_count_as_encrypted() -> None:
    report = inspect_file("a.rar", rar5([], headers_encrypted=True))
    assert (report.encrypted, report.entries, report.notes) == (
        True,
        (),
        ("file names are encrypted too",),
    )


def test_rar4_per_file_flags_and_names() -> None:
    report = inspect_file("a.rar", rar4([("請求書.pdf.exe", True), ("a.txt", True)]))
    assert (report.encrypted, report.entries) == (True, ("請求書.pdf.exe", "a.txt"))
    assert "archive entry 請求書.pdf.exe: double extension .pdf.exe" in report.dangerous
    assert not inspect_file("a.rar", rar4([("a.txt", False)])).encrypted
    assert inspect_file("a.rar", rar4([], headers_encrypted=True)).encrypted


def test_damaged_rar_is_noted() -> None:
    report = inspect_file("a.rar", rar5([("a.csv", True)])[:20] + b"\xff" * 3)
    assert report.kind == "rar"
    assert not report.encrypted
