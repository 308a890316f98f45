from __future__ import annotations

from pathlib import Path

import pytest

from mailguard.inspection.checks.base import Check
from mailguard.inspection.checks.settings import CheckSettings
from mailguard.inspection.checks.surname_ambiguity import make
from tests.unit.checks.build import context, directory

ROWS = [
    "taro@x.example,鈴木,太郎,スズキ,タロウ,X社",
    "ichiro@y.example,鈴木,一郎,スズキ,イチロウ,Y社",
    "keiko@z.example,齋藤,恵子,サイトウ,ケイコ,",
    "ken@v.example,斉藤,健,サイトウ,ケン,",
    "ryo@n.example,中村,亮,ナカムラ,リョウ,",
    "ichiro2@w.example,鈴木,一郎,スズキ,イチロウ,W社",
]


@pytest.fixture
def check(tmp_path: Path) -> Check:
    contacts = directory(tmp_path, ROWS)
    return make(CheckSettings(internal_domains=(), directory=contacts))


@pytest.mark.parametrize(
    "text", ["鈴木様\n本文", "すずきさん\n", "Dear Mr. Suzuki,\n", "本文だけ", "各位\n", ""]
)
def test_a_shared_family_name_without_a_given_name_is_ambiguous(check: Check, text: str) -> None:
    (finding,) = check(context(to=["taro@x.example"], text=text))
    assert finding.kind == "surname_ambiguity"
    assert finding.recipient == "taro@x.example"
    assert finding.attachment is None
    assert finding.message.startswith("taro@x.example is 鈴木 太郎, but the directory also has ")
    assert "鈴木 一郎 <ichiro@y.example>" in finding.detail["others"]
    assert "鈴木 一郎 <ichiro2@w.example>" in finding.detail["others"]


@pytest.mark.parametrize(
    "text",
    ["鈴木 太郎 様\n", "スズキ タロウ 様\n", "Dear Taro Suzuki,\n", "Hi Taro,\n", "太郎さん\n"],
)
def test_a_given_name_that_fits_only_the_recipient_settles_it(check: Check, text: str) -> None:
    assert check(context(to=["taro@x.example"], text=text)) == []


def test_variant_kanji_namesakes_are_namesakes(check: Check) -> None:
    (finding,) = check(context(to=["keiko@z.example"], text="斎藤様\n"))
    assert "斉藤 健 <ken@v.example>" in finding.message
    assert check(context(to=["keiko@z.example"], text="斉藤 恵子 様\n")) == []


def test_a_full_name_that_fits_two_contacts_is_still_ambiguous(check: Check) -> None:
    (finding,) = check(context(to=["ichiro@y.example"], text="鈴木 一郎 様\n"))
    assert "鈴木 一郎 <ichiro2@w.example> has the same full name" in finding.message
    assert finding.message.endswith("nothing in the mail can tell them apart.")


@pytest.mark.parametrize(
    ("text", "ending"),
    [
        ("本文だけ", "the mail has no greeting that says which one is meant."),
        ("鈴木様\n", "the greeting (鈴木) does not say which one is meant."),
        ("鈴木 一郎 様\n", "the greeting names 鈴木 一郎, not 鈴木 太郎."),
    ],
)
def test_the_message_says_what_the_greeting_lacks(check: Check, text: str, ending: str) -> None:
    (finding,) = check(context(to=["taro@x.example"], text=text))
    assert finding.message.endswith(ending)


def test_a_name_read_the_same_way_is_settled_only_by_its_kanji(tmp_path: Path) -> None:
    contacts = directory(
        tmp_path,
        ["a@x.example,鈴木,一郎,スズキ,イチロウ,", "b@y.example,鈴木,一朗,スズキ,イチロウ,"],
    )
    check = make(CheckSettings(internal_domains=(), directory=contacts))
    (finding,) = check(context(to=["a@x.example"], text="Hi Ichiro,\n"))
    assert finding.message == (
        "a@x.example is 鈴木 一郎, but 鈴木 一朗 <b@y.example> has a full name read the same "
        "way; nothing in the mail can tell them apart."
    )
    assert check(context(to=["a@x.example"], text="鈴木 一郎 様\n")) == []


def test_unique_family_names_and_unknown_recipients_are_not_ambiguous(check: Check) -> None:
    assert check(context(to=["ryo@n.example", "who@gmail.example"], text="中村様\n")) == []


def test_every_ambiguous_recipient_gets_its_own_finding(check: Check) -> None:
    findings = check(context(to=["taro@x.example"], cc=["keiko@z.example"], text="各位\n"))
    assert [f.recipient for f in findings] == ["taro@x.example", "keiko@z.example"]


def test_an_empty_directory_has_no_namesakes() -> None:
    check = make(CheckSettings(internal_domains=()))
    assert check(context(to=["taro@x.example"], text="鈴木様\n")) == []


def test_a_common_family_name_lists_a_few_namesakes_and_counts_the_rest(tmp_path: Path) -> None:
    rows = [f"sato{i}@c{i}.example,佐藤,名{i},サトウ,," for i in range(50)]
    check = make(CheckSettings(internal_domains=(), directory=directory(tmp_path, rows)))
    (finding,) = check(context(to=["sato0@c0.example"], text="佐藤様\n"))
    assert finding.detail["others"].endswith("and 46 more")
    assert finding.detail["others"].count("<") == 3
