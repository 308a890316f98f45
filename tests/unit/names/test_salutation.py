from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailguard.inspection.names.salutation import find_salutation


def named(text: str) -> list[str] | None:
    salutation = find_salutation(text)
    return [p.display for p in salutation.people] if salutation else None


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("鈴木 一郎 様\n\nいつもお世話になっております。", ["鈴木 一郎"]),
        ("鈴木一郎さま\n本文", ["鈴木一郎"]),
        ("スズキ イチロウ 様\n", ["スズキ イチロウ"]),
        ("田中先生\nいつもありがとうございます。", ["田中"]),
        ("中村 亮 殿\n", ["中村 亮"]),
        ("\n\n  鈴木さん\n", ["鈴木"]),
        ("鈴木部長\nお疲れ様です。", ["鈴木"]),
        ("Dear Mr. Ichiro Suzuki,\n\nThank you.", ["Ichiro Suzuki"]),
        ("Dear Ms. Tanaka, thank you for your mail.", ["Tanaka"]),
        ("Tanaka-san,\nThanks for yesterday.", ["Tanaka"]),
        ("Hi Yuki,\nhow are you?", ["Yuki"]),
        ("Hi Yuki, how are you?", ["Yuki"]),
        ("hi john,", ["john"]),
        ("Dear Suzuki-san,", ["Suzuki"]),
        ("Dear Dr. Tanaka and Ms. Sato,", ["Tanaka", "Sato"]),
        ("Good morning Mr. Smith!", ["Smith"]),
        ("Dear Ichiro and Hanako,", ["Ichiro", "Hanako"]),
        ("鈴木様、田中様\n本文", ["鈴木", "田中"]),
        ("鈴木 一郎 様\n田中 花子 様\n\n本文", ["鈴木 一郎", "田中 花子"]),
        ("鈴木様　いつもお世話になっております。", ["鈴木"]),
        ("株式会社ABC\n営業部\n鈴木 一郎 様\n\nいつも", ["鈴木 一郎"]),
        ("株式会社ABC 営業部 鈴木一郎様\n", ["鈴木一郎"]),
        ("ＡＢＣ株式会社\n鈴木様", ["鈴木"]),
        ("(株)ABC 人事部 御中\n鈴木 一郎 様\n", ["鈴木 一郎"]),
        ("CC: 佐藤様\n鈴木様\n", ["鈴木"]),
        ("株式会社ABC\n営業部 部長\n鈴木 一郎 様\n", ["鈴木 一郎"]),
        ("【重要】\n鈴木 一郎 様\n", ["鈴木 一郎"]),
        ("株式会社ABC 御中\n[社外秘]\n鈴木様\n", ["鈴木"]),
        ("ｽｽﾞｷ ｲﾁﾛｳ 様", ["スズキ イチロウ"]),  # width folded for display too
    ],
)
def test_the_salutation_at_the_top_names_the_addressee(text: str, people: list[str]) -> None:
    assert named(text) == people


@pytest.mark.parametrize(
    "text",
    [
        "人事部 御中\n\nお世話になっております。",
        "株式会社ABC 御中\n",
        "各位\n\n来週の会議について",
        "関係者各位\n",
        "ご担当者様\n",
        "株式会社ABC\nご担当者様\n",
        "皆様\n",
        "人事部長\n",
        "営業部 部長\n本文",
        "【至急】ご確認ください\n鈴木様",
        "Dear all,\n",
        "Hi team,\n",
        "Hi Sales Team,\n",
        "Dear Sir or Madam,\n",
        "To whom it may concern,\n",
        "Hello,\n",
        "Hi, hope you are well.",
        "お疲れ様です。\n鈴木です。",
        "お疲れさまです。",
        "ご苦労様",
        "いつもお世話になっております。\n鈴木様の件ですが、",
        "昨日、鈴木様とお話ししました。",
        "> 鈴木様\n> 本文",
        "-----Original Message-----\n鈴木 一郎 様",
        "---------- Forwarded message ---------\nFrom: a@b.example\n\n鈴木様",
        "On Mon, Jan 1, 2024 at 9:00 Taro wrote:\n> Dear Taro,",
        "差出人: 鈴木 一郎\n鈴木様",
        "From: Ichiro Suzuki\nDear Ichiro,",
        "",
    ],
)
def test_no_person_is_named_by_groups_greetings_quotes_or_text(text: str) -> None:
    assert named(text) is None


def test_a_salutation_after_the_first_lines_of_text_does_not_count() -> None:
    assert named("本日はありがとうございました。\n\n鈴木様") is None


def test_the_salutation_lines_are_kept_as_written_for_highlighting() -> None:
    salutation = find_salutation("株式会社ABC\n  鈴木 一郎 様  \n本文")
    assert salutation is not None
    assert salutation.lines == ("鈴木 一郎 様",)


_LINE = st.sampled_from(
    ["鈴木 一郎 様", "Dear Mr. Suzuki,", "株式会社ABC", "> quoted", "各位", "本文です。", "", "様"]
)


@given(st.lists(st.one_of(_LINE, st.text(max_size=30)), max_size=12))
def test_any_text_yields_none_or_people_with_keys_and_never_raises(lines: list[str]) -> None:
    salutation = find_salutation("\n".join(lines))
    if salutation is not None:
        assert salutation.lines
        assert all(person.keys for person in salutation.people)
