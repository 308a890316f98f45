"""PDF, OOXML, ODF and legacy Office: encryption and macros, decided by content."""

from __future__ import annotations

import re

import pytest

from mailguard.inspection.formats import inspect_file
from tests.cfbwriter import make_cfb
from tests.filemaker import (
    make_doc,
    make_docx,
    make_encrypted_docx,
    make_pdf,
    make_ppt,
    make_xls,
    make_zip,
)


def test_pdf_with_and_without_password() -> None:
    assert inspect_file("a.pdf", make_pdf()).encrypted is False
    assert inspect_file("a.pdf", make_pdf("secret")).encrypted is True


@pytest.mark.parametrize("algorithm", ["RC4-40", "RC4-128", "AES-128", "AES-256-R5", "AES-256"])
def test_permissions_only_pdf_opens_without_a_password_so_is_not_encrypted(
    algorithm: str,
) -> None:
    open_for_all = inspect_file("a.pdf", make_pdf("", owner_password="owner", algorithm=algorithm))
    assert (open_for_all.encrypted, open_for_all.notes) == (
        False,
        ("encrypted only to restrict use: opens without a password",),
    )
    assert inspect_file("a.pdf", make_pdf("pw", owner_password="o", algorithm=algorithm)).encrypted


def test_literal_strings_in_the_encryption_dictionary() -> None:
    pdf = make_pdf("", owner_password="owner", algorithm="RC4-128")
    o_hex = re.search(rb"/O <([0-9a-f]+)>", pdf)
    u_hex = re.search(rb"/U <([0-9a-f]+)>", pdf)
    assert o_hex and u_hex
    for match in (o_hex, u_hex):
        raw = bytes.fromhex(match.group(1).decode())
        literal = b"(" + b"".join(b"\\%03o" % b for b in raw) + b")"
        pdf = pdf.replace(match.group(0), match.group(0)[:3] + literal)
    assert inspect_file("a.pdf", pdf).encrypted is False


def test_encrypted_pdf_named_txt_is_judged_by_bytes() -> None:
    report = inspect_file("notes.txt", make_pdf("secret"))
    assert (report.kind, report.encrypted) == ("pdf", True)


def test_the_word_encrypt_in_page_text_does_not_count() -> None:
    pdf = make_pdf().replace(b"%%EOF", b"% /Encrypt 9 0 R mentioned in a comment\n%%EOF")
    assert inspect_file("a.pdf", pdf).encrypted is False


def test_xref_stream_dictionary_with_nested_dictionaries() -> None:
    xref = (
        b"%PDF-1.7\n9 0 obj\n<< /Type /XRef /Encrypt 8 0 R /DecodeParms << /Columns 5 >> "
        b"/Root 1 0 R /W [1 2 1] >>\nstream\n\x00\x01endstream\nendobj\n%%EOF\n"
    )
    assert inspect_file("a.pdf", xref).encrypted is True
    assert inspect_file("a.pdf", xref.replace(b"/Root", b"/Info")).encrypted is False


def test_plain_ooxml_is_an_unencrypted_document_not_an_archive() -> None:
    report = inspect_file("見積書.docx", make_docx())
    assert (report.kind, report.encrypted, report.dangerous) == ("ooxml", False, ())


def test_encrypted_ooxml_is_a_cfb_container() -> None:
    report = inspect_file("見積書.docx", make_encrypted_docx())
    assert (report.kind, report.encrypted) == ("ooxml", True)


def test_vba_project_makes_ooxml_dangerous_whatever_the_name() -> None:
    report = inspect_file("plain-looking.docx", make_docx(macro=True))
    assert report.dangerous == ("macro-enabled Office (vbaProject.bin)",)


def test_legacy_office_encryption_flags() -> None:
    for make in (make_doc, make_xls, make_ppt):
        assert inspect_file("f", make()).encrypted is False, make.__name__
        assert inspect_file("f", make(encrypted=True)).encrypted is True, make.__name__


def test_legacy_word_with_macros() -> None:
    assert (
        "macro-enabled Office (VBA project)"
        in inspect_file("a.doc", make_doc(macro=True)).dangerous
    )


def test_msi_is_recognised_by_its_root_clsid() -> None:
    msi = make_cfb({"x": b"y"}, root_clsid="000C1084-0000-0000-C000-000000000046")
    assert "Windows Installer package" in inspect_file("setup.dat", msi).dangerous


def test_odf_encryption_is_read_from_the_manifest() -> None:
    manifest = b'<manifest:file-entry><manifest:encryption-data manifest:checksum="x"/>'
    plain = make_zip({"mimetype": b"application/vnd.oasis.opendocument.text",
                      "META-INF/manifest.xml": b"<manifest/>"})  # fmt: skip
    encrypted = make_zip({"mimetype": b"application/vnd.oasis.opendocument.text",
                          "META-INF/manifest.xml": manifest})  # fmt: skip
    assert (inspect_file("a.odt", plain).kind, inspect_file("a.odt", plain).encrypted) == (
        "odf",
        False,
    )
    assert inspect_file("a.odt", encrypted).encrypted


def test_damaged_cfb_is_reported_not_raised() -> None:
    report = inspect_file("a.doc", make_doc()[:700])
    assert report.kind == "ole"
    assert report.notes


def test_outlook_msg_attachment_names_are_checked() -> None:
    def attachment(name: str) -> dict[str, object]:
        return {"__substg1.0_3707001F": name.encode("utf-16-le"), "__substg1.0_37010102": b"x"}

    msg = make_cfb(
        {
            "__properties_version1.0": bytes(32),
            "__attach_version1.0_#00000000": attachment("見積書.pdf"),
            "__attach_version1.0_#00000001": attachment("請求書.pdf.exe"),
        }  # type: ignore[dict-item]
    )
    report = inspect_file("転送.msg", msg)
    assert (report.kind, report.encrypted) == ("msg", False)
    assert report.entries == ("見積書.pdf", "請求書.pdf.exe")
    assert "attached file 請求書.pdf.exe: double extension .pdf.exe" in report.dangerous
