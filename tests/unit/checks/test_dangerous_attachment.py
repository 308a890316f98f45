"""dangerous_attachment: executables, scripts and macros, by content and name, in archives."""

from __future__ import annotations

import struct

import pytest

from mailguard.core.model import Envelope, Finding
from mailguard.inspection.checks import base
from mailguard.inspection.checks.base import CheckContext
from mailguard.inspection.checks.dangerous_attachment import make
from mailguard.inspection.checks.unencrypted_attachment import make as make_unencrypted
from mailguard.inspection.formats import FileReport
from mailguard.inspection.message import parse_message
from tests.filemaker import make_doc, make_docx, make_pdf, make_zip
from tests.mailmaker import AttachmentSpec, make_mail

_PE = b"MZ" + bytes(58) + struct.pack("<I", 64) + b"PE\x00\x00" + bytes(128)


def _findings(attachments: list[AttachmentSpec]) -> list[Finding]:
    message = parse_message(make_mail(attachments=attachments))
    rcpt = ("tanaka@partner.example",)
    ctx = CheckContext(Envelope("me@example.co.jp", rcpt), message, rcpt, "me@example.co.jp")
    return list(make()(ctx))


def test_harmless_files_produce_nothing() -> None:
    assert (
        _findings([("a.pdf", make_pdf(), "application/pdf"), ("b.csv", b"1,2", "text/csv")]) == []
    )


def test_executable_content_under_a_document_name() -> None:
    (finding,) = _findings([("請求書.pdf", _PE, "application/pdf")])
    assert (finding.kind, finding.attachment, finding.recipient) == (
        "dangerous_attachment",
        "請求書.pdf",
        None,
    )
    assert finding.message == "The attachment 請求書.pdf can run code when opened: PE executable."


def test_script_names_and_double_extensions() -> None:
    findings = _findings(
        [
            ("report.pdf.js", b"WScript.Echo(1)", "application/javascript"),
            ("run.bat", b"@echo", "text/plain"),
        ]
    )
    assert [f.attachment for f in findings] == ["report.pdf.js", "run.bat"]
    assert "double extension .pdf.js" in findings[0].message


def test_right_to_left_override_is_shown_visibly() -> None:
    (finding,) = _findings([("invoice\u202efdp.exe", b"x", "application/octet-stream")])
    assert finding.attachment == "invoice\u202efdp.exe"
    assert "invoice[U+202E]fdp.exe" in finding.message
    assert "\u202e" not in finding.message


def test_entries_of_an_encrypted_archive_count_and_are_named() -> None:
    archive = make_zip({"資料/setup.exe": _PE, "readme.txt": b"hi"}, "aes")
    (finding,) = _findings([("資料.zip", archive, "application/zip")])
    assert finding.attachment == "資料.zip"
    assert "archive entry 資料/setup.exe" in finding.message


def test_macro_enabled_office_by_content() -> None:
    findings = _findings(
        [
            ("a.docx", make_docx(macro=True), "application/octet-stream"),
            ("b.doc", make_doc(macro=True), "application/msword"),
        ]
    )
    assert [f.attachment for f in findings] == ["a.docx", "b.doc"]
    assert "vbaProject.bin" in findings[0].message


def test_both_attachment_checks_share_one_inspection_per_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A large archive is read once per message, whichever checks look at it."""
    calls: list[str] = []
    real = base.inspect_file

    def counting(filename: str, data: bytes) -> FileReport:
        calls.append(filename)
        return real(filename, data)

    monkeypatch.setattr(base, "inspect_file", counting)
    zipped = make_zip({"run.exe": _PE})
    message = parse_message(make_mail(attachments=[("tool.zip", zipped, "application/zip")]))
    rcpt = ("tanaka@partner.example",)
    ctx = CheckContext(Envelope("me@example.co.jp", rcpt), message, rcpt, "me@example.co.jp")

    assert make()(ctx) and make_unencrypted()(ctx)
    assert calls == ["tool.zip"]
