"""parse_message on the shapes real mail takes: built with the stdlib and written by hand."""

from __future__ import annotations

import base64
import io
import zipfile

from mailguard.inspection.message import Limits, parse_message
from tests.mailmaker import make_mail
from tests.unit.message.tnef_builder import make_tnef


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "hello")
    return buf.getvalue()


def test_header_recipients_come_with_decoded_display_names() -> None:
    raw = make_mail(
        ("鈴木 一郎", "ichiro@example.co.jp"),
        [("田中 花子", "hanako@partner.co.jp"), "plain@partner.co.jp"],
        cc=[("John Smith", "john@other.example")],
        bcc=["hidden@other.example"],
    )
    msg = parse_message(raw)
    assert [(a.name, a.addr) for a in msg.from_] == [("鈴木 一郎", "ichiro@example.co.jp")]
    assert [(a.name, a.addr) for a in msg.to] == [
        ("田中 花子", "hanako@partner.co.jp"),
        ("", "plain@partner.co.jp"),
    ]
    assert [a.addr for a in msg.cc] == ["john@other.example"]
    assert [a.addr for a in msg.bcc] == ["hidden@other.example"]
    assert msg.message_id == "<test@mailmaker.invalid>"


def test_iso_2022_jp_headers_and_body_decode() -> None:
    raw = make_mail(
        ("鈴木 一郎", "ichiro@example.co.jp"),
        [("田中 花子", "hanako@partner.co.jp")],
        "見積書の件",
        "田中様\n\nお世話になっております。",
        charset="iso-2022-jp",
    )
    msg = parse_message(raw)
    assert msg.subject == "見積書の件"
    assert msg.to[0].name == "田中 花子"
    assert msg.text.startswith("田中様\n\nお世話に")


def test_mixed_b_and_q_words_join_a_character_split_across_words() -> None:
    # "鈴木" as UTF-8 is E9 88 B4 E6 9C A8; split after the 4th byte, B then Q.
    first = base64.b64encode(bytes.fromhex("e988b4e6")).decode()
    raw = (
        f"From: =?UTF-8?B?{first}?=\r\n =?utf-8?q?=9C=A8_=E4=B8=80=E9=83=8E?= <s@a.example>\r\n"
        "Subject: =?ISO-2022-JP?B?GyRCOCtAUT1xGyhC?= and =?utf-8?Q?caf=C3=A9?=\r\n\r\nbody\r\n"
    ).encode()
    msg = parse_message(raw)
    assert msg.from_[0].name == "鈴木 一郎"
    assert msg.subject == "見積書 and café"


def test_shift_jis_label_is_read_as_cp932() -> None:
    body = "髙橋様 ①② ㈱サンプル".encode("cp932")
    raw = b"From: a@a.example\r\nContent-Type: text/plain; charset=Shift_JIS\r\n\r\n" + body
    assert parse_message(raw).text == "髙橋様 ①② ㈱サンプル"


def test_raw_8bit_headers_decode_best_effort() -> None:
    raw = (
        b"From: " + "鈴木".encode("cp932") + b" <s@a.example>\r\n"
        b"To: " + "田中".encode() + b" <t@b.example>\r\n"
        b"Cc: \x1b$BCfB<\x1b(B <n@c.example>\r\n"
        b"Subject: \xff\xfe\x80 garbage \x81\r\n\r\nbody"
    )
    msg = parse_message(raw)
    assert msg.from_[0].name == "鈴木"
    assert msg.to[0].name == "田中"
    assert msg.cc[0].name == "中村"
    assert "garbage" in msg.subject


def test_domains_are_lower_cased_and_punycode_becomes_unicode() -> None:
    raw = b"To: Someone <User@XN--ZCKZAH.Example.>, b@EXAMPLE.CO.JP\r\n\r\nx"
    assert [a.addr for a in parse_message(raw).to] == ["User@テスト.example", "b@example.co.jp"]


def test_rfc2231_continuations_with_charset() -> None:
    raw = (
        b'From: a@a.example\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n--B\r\n"
        b"Content-Type: application/pdf\r\n"
        b"Content-Disposition: attachment;\r\n"
        b" filename*0*=iso-2022-jp''%1B%24B8%2B%40Q;\r\n"
        b" filename*1*=%3Dq%1B%28B%5F;\r\n"
        b" filename*2*=%1B%24BNk%1B%28B.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--B--\r\n"
    )
    (att,) = parse_message(raw).attachments
    assert att.filename == "見積書_鈴.pdf"
    assert att.sniffed_type == "application/pdf"


def test_rfc2047_and_rfc2231_file_names_from_the_builder() -> None:
    for style in ("rfc2047", "rfc2231"):
        raw = make_mail(
            attachments=[("内定通知書_鈴木一郎.pdf", b"%PDF-1.4\n", "application/pdf")],
            charset="iso-2022-jp",
            filename_style=style,
        )
        assert parse_message(raw).attachments[0].filename == "内定通知書_鈴木一郎.pdf"


def test_html_only_body_becomes_text_without_markup() -> None:
    html = (
        "<html><head><style>p{color:red}</style><title>t</title></head><body>"
        "<script>alert('x')</script><p>鈴木&nbsp;様</p><p>A &amp; B &#x3042;</p></body></html>"
    )
    raw = (
        b"From: a@a.example\r\nContent-Type: text/html; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + html.encode()
    )
    text = parse_message(raw).text
    assert text.splitlines() == ["鈴木 様", "", "A & B あ"]


def test_plain_text_is_preferred_over_html_alternative() -> None:
    raw = make_mail(body="plain words", html="<p>html words</p>")
    assert parse_message(raw).text == "plain words"


def test_quoted_printable_body() -> None:
    raw = (
        b"From: a@a.example\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n=E7=94=B0=E4=B8=AD=E6=A7=98=\r\n soft"
    )
    assert parse_message(raw).text == "田中様 soft"


def test_broken_base64_is_decoded_as_far_as_possible_and_noted() -> None:
    good = base64.b64encode(b"%PDF-1.7 the whole document").decode()
    raw = (
        'From: a@a.example\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: application/pdf; name=a.pdf\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{good[:-3]}!!*\r\n--B--\r\n"
    ).encode()
    msg = parse_message(raw)
    assert msg.attachments[0].data.startswith(b"%PDF-1.7 the whole docu")
    assert any("base64" in d for d in msg.defects)


def test_bare_lf_input_parses_like_crlf() -> None:
    crlf = make_mail(attachments=[("a.zip", _zip_bytes(), "application/zip")])
    lf = crlf.replace(b"\r\n", b"\n")
    a, b = parse_message(crlf), parse_message(lf)
    assert a.attachments[0].data == b.attachments[0].data
    assert (a.subject, a.text) == (b.subject, b.text)


def test_missing_closing_boundary_keeps_parts_and_notes_it() -> None:
    raw = make_mail(attachments=[("a.zip", _zip_bytes(), "application/zip")])
    truncated = raw[: raw.rindex(b"--==")]
    msg = parse_message(truncated)
    assert [a.filename for a in msg.attachments] == ["a.zip"]
    assert any("boundary" in d for d in msg.defects)


def test_type_is_sniffed_from_bytes_not_the_name() -> None:
    raw = make_mail(attachments=[("data.dat", _zip_bytes(), "application/octet-stream")])
    (att,) = parse_message(raw).attachments
    assert (att.declared_type, att.sniffed_type) == ("application/octet-stream", "application/zip")
    assert att.size == len(att.data) == len(_zip_bytes())


def test_nested_message_is_an_attachment_and_so_are_its_parts() -> None:
    inner = make_mail(
        subject="転送元",
        attachments=[("顧客一覧.csv", "名前,電話\n".encode(), "text/csv")],
    )
    raw = _rfc822_forward(inner)
    msg = parse_message(raw)
    names = [(a.filename, a.path) for a in msg.attachments]
    assert names == [("転送元.eml", ()), ("顧客一覧.csv", ("転送元.eml",))]
    assert msg.text == "FYI"
    assert msg.attachments[0].declared_type == "message/rfc822"


def _rfc822_forward(inner: bytes) -> bytes:
    return (
        b'From: a@a.example\r\nContent-Type: multipart/mixed; boundary="OUT"\r\n\r\n'
        b"--OUT\r\nContent-Type: text/plain\r\n\r\nFYI\r\n--OUT\r\n"
        b"Content-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--OUT--\r\n"
    )


def test_winmail_dat_members_become_attachments() -> None:
    tnef = make_tnef([("顧客リスト.xlsx", _zip_bytes()), ("run.exe", b"MZ" + bytes(200))])
    raw = make_mail(attachments=[("winmail.dat", tnef, "application/ms-tnef")])
    atts = parse_message(raw).attachments
    assert [(a.filename, a.path, a.sniffed_type) for a in atts] == [
        ("winmail.dat", (), "application/ms-tnef"),
        ("顧客リスト.xlsx", ("winmail.dat",), "application/zip"),
        ("run.exe", ("winmail.dat",), "application/x-msdownload"),
    ]


def test_sixty_levels_of_nesting_are_cut_at_the_depth_limit() -> None:
    levels = 60
    head = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
        for i in range(levels)
    )
    tail = b"".join(b"\r\n--b%d--" % i for i in reversed(range(levels)))
    raw = b"From: a@a.example\r\n" + head + b"Content-Type: text/plain\r\n\r\nhi" + tail
    msg = parse_message(raw)
    assert any("nested deeper" in d for d in msg.defects)
    assert msg.from_[0].addr == "a@a.example"


def test_part_count_and_decoded_size_are_capped() -> None:
    files = [(f"f{i}.txt", b"x" * 1000, "text/plain") for i in range(20)]
    raw = make_mail(attachments=files)
    few = parse_message(raw, Limits(max_parts=6))
    assert len(few.attachments) < 6
    assert any("more than 6 parts" in d for d in few.defects)
    small = parse_message(raw, Limits(max_decoded_bytes=5000))
    decoded = [a for a in small.attachments if a.data]
    assert 0 < len(decoded) < 20
    assert len(small.attachments) == 20  # the rest are listed with their size, not decoded
    assert any("size limit" in d for d in small.defects)


def test_text_parts_with_a_name_are_attachments_and_unnamed_ones_are_body() -> None:
    raw = (
        b'From: a@a.example\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nfirst\r\n"
        b"--B\r\nContent-Type: text/plain\r\nContent-Disposition: inline; filename=memo.txt"
        b"\r\n\r\nsecret\r\n--B\r\nContent-Type: text/plain\r\n\r\nsecond\r\n--B--\r\n"
    )
    msg = parse_message(raw)
    assert msg.text == "first"
    assert [(a.filename, a.data) for a in msg.attachments] == [("memo.txt", b"secret")]


def _one_attachment(disposition: bytes) -> str:
    raw = (
        b'From: a@a.example\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: application/octet-stream\r\n" + disposition + b"\r\n\r\nx\r\n--B--"
    )
    return parse_message(raw).attachments[0].filename


def test_raw_shift_jis_file_name() -> None:
    name = "見積書①.pdf".encode("cp932")
    assert _one_attachment(b'Content-Disposition: attachment; filename="' + name + b'"') == (
        "見積書①.pdf"
    )


def test_rfc2231_form_wins_over_the_plain_one() -> None:
    header = (
        b'Content-Disposition: attachment; filename="fallback.txt"; '
        b"filename*=utf-8''%E6%97%A5.txt"
    )
    assert _one_attachment(header) == "日.txt"


def test_unencoded_rfc2231_continuations() -> None:
    header = b'Content-Disposition: attachment; filename*0="quarterly-"; filename*1="report.pdf"'
    assert _one_attachment(header) == "quarterly-report.pdf"


def test_base64_encoded_forwarded_message_is_walked_too() -> None:
    inner = make_mail(subject="fwd", attachments=[("x.csv", b"1,2", "text/csv")])
    raw = make_mail(body="FYI", attachments=[("fwd.eml", inner, "message/rfc822")])
    atts = parse_message(raw).attachments
    assert [(a.filename, a.path) for a in atts] == [("fwd.eml", ()), ("x.csv", ("fwd.eml",))]
