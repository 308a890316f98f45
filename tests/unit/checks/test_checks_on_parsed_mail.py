"""The checks on messages as the parser sees them: encoded headers, charsets, file names."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailguard.core.model import Envelope
from mailguard.inspection.checks.base import CheckContext
from mailguard.inspection.checks.settings import CheckSettings, build_checks
from mailguard.inspection.message.parse import parse_message
from tests.mailmaker import make_mail
from tests.unit.checks.build import directory

SENDER = "hr@example.co.jp"


def inspect(raw: bytes, settings: CheckSettings, rcpt: tuple[str, ...]) -> list[tuple[str, ...]]:
    message = parse_message(raw)
    context = CheckContext(Envelope(SENDER, rcpt), message, rcpt, SENDER)
    findings = build_checks(settings)(context)
    return [(f.kind, f.recipient or "", f.attachment or "") for f in findings]


@pytest.fixture
def settings(tmp_path: Path) -> CheckSettings:
    contacts = directory(
        tmp_path,
        [
            "taro@cand.example,鈴木,太郎,スズキ,タロウ,",
            "ichiro@cand2.example,鈴木,一郎,スズキ,イチロウ,",
        ],
    )
    return CheckSettings(internal_domains=("example.co.jp", "*.example.co.jp"), directory=contacts)


@pytest.mark.parametrize("charset", ["utf-8", "iso-2022-jp", "shift_jis"])
@pytest.mark.parametrize("style", ["rfc2231", "rfc2047"])
def test_the_hiring_notice_sent_to_the_other_suzuki(
    settings: CheckSettings, charset: str, style: str
) -> None:
    raw = make_mail(
        ("人事部", SENDER),
        [("鈴木 一郎", "taro@cand.example")],
        "内定のご連絡",
        "鈴木 一郎 様\n\nこの度は内定となりましたのでご連絡いたします。\n",
        attachments=[("内定通知書_鈴木一郎.pdf", b"%PDF-1.4\n", "application/pdf")],
        charset=charset,
        filename_style=style,
    )
    found = inspect(raw, settings, ("taro@cand.example",))
    assert ("name_mismatch", "taro@cand.example", "") in found
    assert ("name_mismatch", "", "内定通知書_鈴木一郎.pdf") in found
    assert ("surname_ambiguity", "taro@cand.example", "") in found
    assert ("external_recipient", "taro@cand.example", "") in found


def test_a_correctly_addressed_reply_with_a_quote_of_the_other_person(
    settings: CheckSettings,
) -> None:
    body = (
        "鈴木 太郎 様\n\nご返信ありがとうございます。\n\n"
        "-----Original Message-----\nFrom: 鈴木 一郎\n\n鈴木 一郎 様\n"
    )
    raw = make_mail(("人事部", SENDER), ["taro@cand.example"], "Re: 面接", body)
    assert inspect(raw, settings, ("taro@cand.example",)) == [
        ("external_recipient", "taro@cand.example", "")
    ]


def test_a_typo_of_the_internal_domain(settings: CheckSettings) -> None:
    raw = make_mail(("人事部", SENDER), ["boss@exampel.co.jp"], "件名", "部長\n本文")
    assert inspect(raw, settings, ("boss@exampel.co.jp",)) == [
        ("external_recipient", "boss@exampel.co.jp", ""),
        ("lookalike_domain", "boss@exampel.co.jp", ""),
    ]
