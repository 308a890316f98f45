"""Notification mails: Japanese and English, text and HTML, and no way in for the sender's
subject to become markup or a header."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest

from mailguard.workflow.approval.summary import summarize
from mailguard.workflow.notify.compose import compose
from mailguard.workflow.notify.headers import is_plain_address, one_line
from mailguard.workflow.notify.mails import MailRenderer
from tests.unit.approval.factories import NOW, parsed, stored

EVIL_SUBJECT = "<script>alert(1)</script> offer\r\nBcc: evil@attacker.example\r\n\r\nbody"
LINK = "https://mailguard.example.co.jp/approve/m1?t=abc.def"


def parse(raw: bytes) -> EmailMessage:
    mail = message_from_bytes(raw, policy=default)
    assert isinstance(mail, EmailMessage)
    return mail


def parts(mail: EmailMessage) -> tuple[str, str]:
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def build(language: str = "en", subject: str = "内定のご連絡") -> EmailMessage:
    summary = summarize(stored(), parsed(subject=subject))
    rendered = MailRenderer().approval_request(language, summary, LINK, "request")  # type: ignore[arg-type]
    raw = compose(
        sender="mailguard@example.co.jp",
        recipient="hr-lead@example.co.jp",
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        now=NOW,
        language=language,
    )
    return parse(raw)


def test_english_request_explains_every_finding_and_carries_the_link() -> None:
    mail = build("en")
    assert mail["Subject"] == "[mailguard] Approval needed: 内定のご連絡"
    assert mail["Auto-Submitted"] == "auto-generated"
    text, html = parts(mail)
    assert "The message names someone other than the recipient" in text
    assert "An attachment is not encrypted" in text
    assert "[external]" in text
    assert LINK in text
    assert f'href="{LINK}"' in html
    assert "<mark>鈴木次郎</mark>" in html


def test_japanese_request_is_in_japanese() -> None:
    mail = build("ja")
    assert mail["Subject"] == "[mailguard] 承認依頼: 内定のご連絡"
    text, html = parts(mail)
    assert "本文や添付ファイル名の宛名が、宛先の人と一致しません" in text
    assert "暗号化なし" in html
    assert "[社外]" in text
    assert 'lang="ja"' in html


def test_a_hostile_subject_is_text_in_html_and_breaks_no_header() -> None:
    mail = build("en", subject=EVIL_SUBJECT)
    assert mail["Bcc"] is None
    assert "\n" not in mail["Subject"] and "\r" not in mail["Subject"]
    assert "Bcc: evil@attacker.example" in mail["Subject"]
    text, html = parts(mail)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "\nBcc: evil" not in text.split("--")[0].split("Subject:")[1].splitlines()[0]


def test_sender_outcome_carries_the_approvers_comment_escaped() -> None:
    summary = summarize(stored(), parsed())
    rendered = MailRenderer().sender_outcome(
        "en", summary, "rejected", "hr-lead@example.co.jp", "Wrong <b>person</b>!"
    )
    assert rendered.subject.startswith("[mailguard] Not sent:")
    assert "hr-lead@example.co.jp rejected your message" in rendered.text
    assert "Wrong <b>person</b>!" in rendered.text
    assert "Wrong &lt;b&gt;person&lt;/b&gt;!" in rendered.html


def test_sender_held_names_who_decides_and_the_status_link() -> None:
    summary = summarize(stored(), parsed())
    rendered = MailRenderer().sender_held("ja", summary, LINK, ["hr-lead@example.co.jp"])
    assert "判断する人: hr-lead@example.co.jp" in rendered.text
    assert LINK in rendered.text
    nobody = MailRenderer().sender_held("ja", summary, LINK, [])
    assert "判断する人: 管理者" in nobody.text


@pytest.mark.parametrize("outcome", ["released", "timeout_released", "timeout_rejected"])
def test_every_outcome_renders_in_both_languages(outcome: str) -> None:
    summary = summarize(stored(), parsed())
    for language in ("ja", "en"):
        rendered = MailRenderer().sender_outcome(language, summary, outcome, "x@example.co.jp", "")  # type: ignore[arg-type]
        assert "outcome." not in rendered.text and "subj." not in rendered.subject


def test_one_line_strips_controls_and_truncates() -> None:
    assert one_line("a\r\nb\tc\x00d\u202ee") == "a b c d e"
    assert one_line("x" * 10, limit=5) == "xxxx…"


@pytest.mark.parametrize("address", ["a@b.example", "田中@例え.jp"])
def test_plain_addresses_are_accepted(address: str) -> None:
    assert is_plain_address(address)


@pytest.mark.parametrize(
    "address", ["a@b\r\nBcc: x@y", "A <a@b>", "a@b,c@d", '"a b"@c', "nobody", "a@b@c"]
)
def test_anything_else_is_refused_as_a_header_address(address: str) -> None:
    assert not is_plain_address(address)
    with pytest.raises(ValueError, match="refusing"):
        compose(
            sender="m@x.example",
            recipient=address,
            subject="s",
            text="t",
            html="h",
            now=NOW,
            language="en",
        )


def test_a_japanese_address_is_written_as_utf8_not_encoded_words() -> None:
    raw = compose(
        sender="mailguard@example.co.jp",
        recipient="田中@例え.jp",
        subject="件名",
        text="t",
        html="<p>h</p>",
        now=NOW,
        language="ja",
    )
    assert "To: 田中@例え.jp\r\n".encode() in raw
    assert parse(raw)["Subject"] == "件名"
