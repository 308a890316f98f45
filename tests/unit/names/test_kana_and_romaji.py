from __future__ import annotations

import pytest

from mailguard.inspection.names.kana import katakana_to_romaji, to_katakana
from mailguard.inspection.names.romaji import romaji_key
from tests.unit.names.people import japanese_people


def test_hiragana_becomes_katakana_and_the_rest_stays() -> None:
    assert to_katakana("すずき いちろう ABC 鈴木") == "スズキ イチロウ ABC 鈴木"
    assert to_katakana("ゔぁ") == "ヴァ"


@pytest.mark.parametrize(
    ("kana", "romaji"),
    [
        ("スズキ", "suzuki"),
        ("イチロウ", "itirou"),
        ("ハットリ", "hattori"),
        ("シャチョウ", "syatyou"),
        ("ジュンイチ", "zyuniti"),
        ("コーノ", "koono"),
        ("きょうこ", "kyouko"),
        ("ヂヅ", "zizu"),
        ("ヴィ", "bi"),
    ],
)
def test_katakana_is_spelled_in_consistent_romaji(kana: str, romaji: str) -> None:
    assert katakana_to_romaji(kana) == romaji


def test_non_kana_passes_through_without_error() -> None:
    assert katakana_to_romaji("ッー鈴木x") == "鈴木x"


@pytest.mark.parametrize(
    "spellings",
    [
        ("Sato", "Satou", "Satoh", "Satō", "SATO", "サトウ"),
        ("Ono", "Ohno", "Oono", "Ōno", "オオノ"),
        ("Kono", "Kouno", "Kohno", "Kōno", "コウノ", "コーノ"),
        ("Shinichi", "Sinichi", "Shin'ichi", "シンイチ"),
        ("Tsubasa", "Tubasa", "ツバサ"),
        ("Chihiro", "Tihiro", "チヒロ"),
        ("Fujita", "Huzita", "フジタ"),
        ("Junichi", "Jun-ichi", "Zyun'iti", "ジュンイチ"),
        ("Shota", "Syota", "Shouta", "Shohta", "ショウタ"),
        ("Honma", "Homma", "ホンマ"),
        ("Nanba", "Namba", "ナンバ"),
        ("Kanpei", "Kampei", "カンペイ"),
        ("Yuki", "Yuuki", "Yūki", "ユウキ"),
        ("Ichiro", "Ichirou", "Itiro", "Ichiroh", "イチロウ"),
        ("Kyoko", "Kyouko", "Kyōko", "キョウコ"),
        ("Hattori", "ハットリ"),
    ],
)
def test_every_spelling_of_a_name_has_one_key(spellings: tuple[str, ...]) -> None:
    keys = {romaji_key(s if s.isascii() or "ō" in s else katakana_to_romaji(s)) for s in spellings}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(("a", "b"), [("Sato", "Saito"), ("Ono", "Ona"), ("Kato", "Goto")])
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert romaji_key(a) != romaji_key(b)


def test_gimei_readings_romanise_to_pure_ascii_letters() -> None:
    for person in japanese_people(seed=3, count=200):
        for kana in (person.family_kana, person.given_kana, person.given_hiragana):
            key = romaji_key(katakana_to_romaji(kana))
            assert key.isascii() and key.isalpha(), (kana, key)
