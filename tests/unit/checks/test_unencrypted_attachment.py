"""unencrypted_attachment on parsed mails: content decides, body images and protected files
do not count."""

from __future__ import annotations

from mailguard.core.model import Envelope, Finding
from mailguard.inspection.checks.base import CheckContext
from mailguard.inspection.checks.unencrypted_attachment import make
from mailguard.inspection.message import Limits, parse_message
from tests.filemaker import make_encrypted_docx, make_pdf, make_xls, make_zip
from tests.mailmaker import AttachmentSpec, make_mail
from tests.unit.message.tnef_builder import make_tnef


def _findings(attachments: list[AttachmentSpec], raw: bytes | None = None) -> list[Finding]:
    message = parse_message(raw or make_mail(attachments=attachments))
    rcpt = ("tanaka@partner.example",)
    ctx = CheckContext(Envelope("me@example.co.jp", rcpt), message, rcpt, "me@example.co.jp")
    return list(make()(ctx))


def test_plain_files_are_reported_with_their_names() -> None:
    findings = _findings(
        [
            ("顧客一覧.csv", "名前,電話\n".encode(), "text/csv"),
            ("見積書.pdf", make_pdf(), "application/pdf"),
            ("archive.zip", make_zip({"a.csv": b"1"}), "application/zip"),
        ]
    )
    assert [f.attachment for f in findings] == ["顧客一覧.csv", "見積書.pdf", "archive.zip"]
    assert all(f.kind == "unencrypted_attachment" and f.recipient is None for f in findings)
    assert (
        findings[1].message
        == "The attachment 見積書.pdf is not encrypted (a PDF without a password)."
    )


def test_encrypted_files_are_not_reported_whatever_their_names() -> None:
    findings = _findings(
        [
            ("a.zip", make_zip({"a.csv": b"1"}, "aes"), "application/zip"),
            ("b.dat", make_zip({"a.csv": b"1"}, "zipcrypto"), "application/octet-stream"),
            ("c.txt", make_pdf("secret"), "text/plain"),
            ("d.docx", make_encrypted_docx(), "application/octet-stream"),
            ("e.xls", make_xls(encrypted=True), "application/vnd.ms-excel"),
        ]
    )
    assert findings == []


def test_a_zip_with_one_plain_entry_is_reported() -> None:
    mixed = make_zip({"in.zip": make_zip({"a": b"1"}, "aes"), "leak.csv": b"1"})
    (finding,) = _findings([("mixed.zip", mixed, "application/zip")])
    assert "a ZIP archive of 2 entries, not all protected by a password" in finding.message


def test_body_images_are_not_attachments_but_attached_images_are() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(32)
    raw = (
        b'From: a@a.example\r\nContent-Type: multipart/mixed; boundary="M"\r\n\r\n--M\r\n'
        b'Content-Type: multipart/related; boundary="R"\r\n\r\n--R\r\n'
        b"Content-Type: text/html\r\n\r\n<img src=cid:logo>\r\n--R\r\n"
        b"Content-Type: image/png\r\nContent-ID: <logo>\r\nContent-Disposition: inline; "
        b"filename=logo.png\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + png + b"\r\n--R--\r\n"
        b"--M\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=shot.png"
        b"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + png + b"\r\n--M--\r\n"
    )
    assert [f.attachment for f in _findings([], raw)] == ["shot.png"]


def test_files_inside_winmail_dat_are_named_with_where_they_were() -> None:
    tnef = make_tnef([("顧客.csv", b"1,2")])
    findings = _findings([("winmail.dat", tnef, "application/ms-tnef")])
    assert [f.attachment for f in findings] == ["顧客.csv"]
    assert "顧客.csv (inside winmail.dat)" in findings[0].message


def test_an_unreadable_winmail_dat_is_reported_itself() -> None:
    broken = b"\x78\x9f\x3e\x22" + bytes(40)
    findings = _findings([("winmail.dat", broken, "application/ms-tnef")])
    assert [f.attachment for f in findings] == ["winmail.dat"]


def test_a_file_too_large_to_decode_is_reported_as_not_shown_encrypted() -> None:
    raw = make_mail(attachments=[("big.zip", make_zip({"a": b"1"}, "aes"), "application/zip")])
    message = parse_message(raw, Limits(max_decoded_bytes=10))
    rcpt = ("x@partner.example",)
    ctx = CheckContext(Envelope("me@example.co.jp", rcpt), message, rcpt, "me@example.co.jp")
    (finding,) = make()(ctx)
    assert "too large to inspect" in finding.message


def test_smime_and_pgp_encrypted_content_is_encrypted_and_signatures_are_not_files() -> None:
    enveloped = bytes.fromhex("3080" + "06092a864886f70d010703" + "a080") + bytes(64)
    armored = b"-----BEGIN PGP MESSAGE-----\n\nhQEMA+secret\n-----END PGP MESSAGE-----\n"
    findings = _findings(
        [
            ("smime.p7m", enveloped, "application/pkcs7-mime"),
            ("encrypted.asc", armored, "application/octet-stream"),
            ("smime.p7s", b"\x30\x82\x01\x00signature", "application/pkcs7-signature"),
            ("version.txt", b"Version: 1\n", "application/pgp-encrypted"),
        ]
    )
    assert findings == []
