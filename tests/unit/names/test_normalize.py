from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailguard.inspection.names.normalize import (
    display_name,
    fold_name,
    name_tokens,
    normalize_name,
)
from tests.unit.names.people import japanese_people


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("鈴木 一郎 様", "鈴木一郎"),
        ("鈴木一郎さま", "鈴木一郎"),
        ("鈴木\u3000一郎\u3000様", "鈴木一郎"),
        ("鈴木\u00a0一郎\u2003殿", "鈴木一郎"),
        ("ｽｽﾞｷ ｲﾁﾛｳ 様", "スズキイチロウ"),
        ("すずき いちろう さん", "スズキイチロウ"),
        ("スズキ・イチロウ様", "スズキイチロウ"),
        ("田中先生", "田中"),
        ("田中先生様", "田中"),
        ("中村 亮 殿", "中村亮"),
        ("山田くん", "山田"),
        ("花子ちゃん", "花子"),
        ("鈴木氏", "鈴木"),
        ("鈴木さんへ", "鈴木"),
        ("齋藤 様", "斎藤"),
        ("斉藤さん", "斎藤"),
        ("髙橋 健太郎 様", "高橋健太郎"),
        ("Dear Mr. Suzuki", "suzuki"),
        ("Dear Mrs. Tanaka,", "tanaka"),
        ("Hi Yuki,", "yuki"),
        ("Ms Sato", "sato"),
        ("Dr. Ｙａｍａｄａ", "yamada"),
        ("Tanaka-san", "tanaka"),
        ("Tanaka san", "tanaka"),
        ("Suzuki-sensei", "suzuki"),
        ("TANAKA-SAMA", "tanaka"),
        ("様", ""),
        ("", ""),
    ],
)
def test_salutation_forms_reduce_to_one_key(written: str, key: str) -> None:
    assert normalize_name(written) == key


def test_hiragana_katakana_and_half_width_readings_agree_for_generated_names() -> None:
    for person in japanese_people(seed=7, count=100):
        reading = person.family_kana + person.given_kana
        assert normalize_name(f"{person.family_hiragana} {person.given_hiragana} 様") == reading
        assert normalize_name(f"{person.family} {person.given}さん") == normalize_name(
            person.family + person.given
        )


def test_display_keeps_the_writers_case_and_drops_honorifics() -> None:
    assert display_name("Dear Mr. Ichiro Suzuki,") == "Ichiro Suzuki"
    assert display_name("鈴木　一郎　様") == "鈴木 一郎"
    assert name_tokens("Dear Ms. Kyoko TANAKA") == ["kyoko", "tanaka"]


def test_registered_names_are_not_stripped_of_honorific_lookalikes() -> None:
    # A directory name is taken as registered: only the salutation side strips 君, 氏 ...
    assert fold_name("氏家") == "氏家"
    assert fold_name("直君") == "直君"
    assert normalize_name("直君") == "直"


@given(st.text(max_size=40))
def test_normalize_never_raises_and_is_idempotent(text: str) -> None:
    key = normalize_name(text)
    assert normalize_name(key) == key


@given(st.text(alphabet="様さまんサン殿先生御中各位 鈴木一郎すずきイチロウ　ｱｲｳ-san.", max_size=30))
def test_honorific_heavy_text_is_idempotent(text: str) -> None:
    key = normalize_name(text)
    assert normalize_name(key) == key
    assert " " not in key
