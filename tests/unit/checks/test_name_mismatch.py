from __future__ import annotations

from pathlib import Path

import pytest

from mailguard.core.model import Finding
from mailguard.inspection.checks.base import Check
from mailguard.inspection.checks.name_mismatch import make
from mailguard.inspection.checks.settings import CheckSettings
from mailguard.inspection.contacts import Directory
from tests.unit.checks.build import attachment, context, directory
from tests.unit.names.people import japanese_people

ROWS = [
    "taro@x.example,鈴木,太郎,スズキ,タロウ,X社",
    "ichiro@y.example,鈴木,一郎,スズキ,イチロウ,Y社",
    "keiko@z.example,齋藤,惠子,サイトウ,ケイコ,Z社",
    "ryo@n.example,中村,亮,ナカムラ,リョウ,",
    "yuki@w.example,Sato,Yuki,,,",
    "me@example.co.jp,山田,花子,ヤマダ,ハナコ,",
]


@pytest.fixture
def contacts(tmp_path: Path) -> Directory:
    return directory(tmp_path, ROWS)


@pytest.fixture
def check(contacts: Directory) -> Check:
    return make(CheckSettings(internal_domains=("example.co.jp",), directory=contacts))


@pytest.mark.parametrize(
    ("to", "greeting"),
    [
        ("ichiro@y.example", "鈴木 一郎 様"),
        ("ichiro@y.example", "鈴木一郎さま"),
        ("ichiro@y.example", "スズキ イチロウ 様"),
        ("ichiro@y.example", "すずき いちろう さま"),
        ("ichiro@y.example", "鈴木様"),
        ("ichiro@y.example", "Dear Mr. Ichiro Suzuki,"),
        ("ichiro@y.example", "Dear Mr. Suzuki Ichirou,"),
        ("ichiro@y.example", "Suzuki-san,"),
        ("ichiro@y.example", "Hi Ichiro,"),
        ("keiko@z.example", "斉藤 恵子 様"),
        ("keiko@z.example", "斎藤さん"),
        ("keiko@z.example", "Dear Ms. Keiko Saitoh,"),
        ("ryo@n.example", "中村 亮 殿"),
        ("yuki@w.example", "Hi Yuki,"),
        ("yuki@w.example", "Dear Ms. Satoh,"),
    ],
)
def test_a_greeting_that_fits_the_recipient_is_fine(check: Check, to: str, greeting: str) -> None:
    assert check(context(to=[to], text=f"{greeting}\n\n本文です。")) == []


def test_a_contact_known_only_in_romaji_cannot_be_greeted_in_kanji(check: Check) -> None:
    # Without a reading, 佐藤 and Sato cannot be compared: the honest answer is a finding.
    findings = check(context(to=["yuki@w.example"], text="佐藤様\n本文"))
    assert [f.detail["expected"] for f in findings] == ["Sato Yuki"]


def test_greeting_the_namesake_is_a_mismatch_explained_from_the_directory(check: Check) -> None:
    (finding,) = check(context(to=[("taro@x.example", "鈴木 一郎")], text="鈴木 一郎 様\n\n本文"))
    assert finding.kind == "name_mismatch"
    assert finding.recipient == "taro@x.example"
    assert finding.attachment is None
    assert finding.message == (
        "The greeting addresses 鈴木 一郎, but taro@x.example is 鈴木 太郎 in the directory "
        "(鈴木 一郎 is ichiro@y.example)."
    )
    assert finding.detail["named"] == "鈴木 一郎"
    assert finding.detail["expected"] == "鈴木 太郎"
    assert finding.detail["named_address"] == "ichiro@y.example"


@pytest.mark.parametrize(
    "greeting", ["スズキ タロウ 様", "Dear Mr. Taro Suzuki,", "田中様", "Hi Hanako,", "中村 亮 殿"]
)
def test_greetings_in_any_script_that_do_not_fit_are_mismatches(
    check: Check, greeting: str
) -> None:
    findings = check(context(to=["ichiro@y.example"], text=greeting + "\n本文"))
    assert [f.recipient for f in findings] == ["ichiro@y.example"]


def test_a_greeting_fitting_any_to_recipient_is_fine(check: Check) -> None:
    ctx = context(to=["taro@x.example", "ryo@n.example"], text="中村様\n本文")
    assert check(ctx) == []


def test_two_people_greeted_both_have_to_be_recipients(check: Check) -> None:
    text = "鈴木 太郎 様\n中村 亮 様\n\n本文"
    assert check(context(to=["taro@x.example", "ryo@n.example"], text=text)) == []
    findings = check(context(to=["taro@x.example", "keiko@z.example"], text=text))
    assert [f.detail["named"] for f in findings] == ["中村 亮"]
    assert findings[0].recipient is None
    assert "no recipient in To is that person" in findings[0].message


def test_only_the_salutation_counts_not_quotes_names_mid_text_or_company_addressing(
    check: Check,
) -> None:
    for text in [
        "いつもお世話になっております。\n先日、鈴木 一郎 様とお会いしました。",
        "人事部 御中\n\n鈴木 一郎 様の件でご連絡します。",
        "各位\n",
        "ご担当者様\n",
        "> 鈴木 一郎 様\n> ご連絡ありがとうございます。",
        "Thanks!\n\n-----Original Message-----\nDear Ichiro,",
        "On Mon, Ichiro Suzuki wrote:\n> Dear Ichiro,",
    ]:
        assert check(context(to=["taro@x.example"], text=text)) == [], text


def test_the_directory_beats_a_stale_display_name(check: Check) -> None:
    ctx = context(to=[("taro@x.example", "鈴木 一郎")], text="Dear Mr. Ichiro Suzuki,\n")
    assert [f.recipient for f in check(ctx)] == ["taro@x.example"]


def test_unknown_recipients_are_flagged_only_when_greeted_as_someone_in_the_directory(
    check: Check,
) -> None:
    (finding,) = check(context(to=["ichiro@gmail.example"], text="鈴木 一郎 様\n"))
    assert finding.recipient == "ichiro@gmail.example"
    assert finding.message == (
        "The greeting addresses 鈴木 一郎, who is ichiro@y.example in the directory, "
        "but this mail goes to ichiro@gmail.example."
    )
    assert check(context(to=["someone@gmail.example"], text="鈴木様\n")) == []
    assert check(context(to=["someone@gmail.example"], text="田中 次郎 様\n")) == []
    fits_display = context(to=[("i@gmail.example", "鈴木　一郎")], text="鈴木 一郎 様\n")
    assert check(fits_display) == []


def test_an_unknown_colleague_in_to_does_not_hide_a_known_mismatch(check: Check) -> None:
    ctx = context(to=["taro@x.example", "colleague@example.co.jp"], text="鈴木 一郎 様\n")
    (finding,) = check(ctx)
    assert finding.recipient == "taro@x.example"
    assert finding.detail["expected"] == "鈴木 太郎"
    # ...but without evidence that the greeted person is someone else, the unknown one may be
    # the person greeted.
    assert check(context(to=["taro@x.example", "who@y.example"], text="田中 花子 様\n")) == []


def test_without_to_the_envelope_recipients_are_the_addressees(check: Check) -> None:
    ctx = context(bcc=["taro@x.example"], text="鈴木 一郎 様\n")
    assert [f.recipient for f in check(ctx)] == ["taro@x.example"]


def test_attachment_names_naming_someone_who_is_not_a_recipient(check: Check) -> None:
    files = [
        attachment("内定通知書_鈴木一郎.pdf"),
        attachment("内定通知書_鈴木太郎.pdf"),
        attachment("offer_suzuki_ichirou.pdf"),
        attachment("見積書_山田花子.xlsx"),  # the sender's own name
        attachment("議事録.docx"),
    ]
    findings = check(context(to=["taro@x.example"], text="鈴木 太郎 様\n", attachments=files))
    assert [(f.attachment, f.detail["named_address"]) for f in findings] == [
        ("内定通知書_鈴木一郎.pdf", "ichiro@y.example"),
        ("offer_suzuki_ichirou.pdf", "ichiro@y.example"),
    ]
    assert findings[0].message == (
        "The attachment 内定通知書_鈴木一郎.pdf names 鈴木 一郎 (ichiro@y.example in the "
        "directory), who is not a recipient."
    )
    assert findings[0].recipient is None


def test_attachment_names_match_variants_and_readings(check: Check) -> None:
    files = [attachment("契約書（齊藤惠子）.pdf"), attachment("サイトウ・ケイコ.txt")]
    assert len(check(context(to=["taro@x.example"], attachments=files))) == 2
    assert check(context(to=["taro@x.example"], cc=["keiko@z.example"], attachments=files)) == []


def test_without_a_directory_nothing_can_be_mismatched() -> None:
    check = make(CheckSettings(internal_domains=()))
    files = [attachment("内定通知書_鈴木一郎.pdf")]
    assert check(context(to=["a@b.example"], text="鈴木 一郎 様\n", attachments=files)) == []


def test_generated_people_are_recognised_and_told_apart(tmp_path: Path) -> None:
    people = japanese_people(seed=23, count=40)
    rows = [
        f"p{i}@c{i}.example,{p.family},{p.given},{p.family_kana},{p.given_kana},"
        for i, p in enumerate(people)
    ]
    check = make(CheckSettings(internal_domains=(), directory=directory(tmp_path, rows)))
    findings: list[Finding] = []
    for i, p in enumerate(people):
        right = f"{p.family_hiragana} {p.given_hiragana} さま\n"
        assert check(context(to=[f"p{i}@c{i}.example"], text=right)) == []
        other = people[(i + 1) % len(people)]
        if other.family + other.given != p.family + p.given:
            wrong = f"{other.family} {other.given} 様\n"
            findings.extend(check(context(to=[f"p{i}@c{i}.example"], text=wrong)))
    assert len(findings) >= len(people) - 2
