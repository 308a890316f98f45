from __future__ import annotations

import unicodedata

import pytest

from mailguard.inspection.names.variants import VARIANT_GROUPS, VARIANT_TABLE, fold_variants


def test_the_table_is_a_real_table_not_a_handful() -> None:
    assert len(VARIANT_TABLE) >= 60


def test_no_character_belongs_to_two_groups() -> None:
    seen: dict[str, str] = {}
    for group in VARIANT_GROUPS:
        for char in group:
            assert char not in seen, f"{char} is in {seen[char]} and {group}"
            seen[char] = group


def test_every_group_folds_to_an_nfkc_stable_character_that_is_not_itself_a_variant() -> None:
    for group in VARIANT_GROUPS:
        assert len(group) >= 2
        assert unicodedata.normalize("NFKC", group[0]) == group[0]
        assert ord(group[0]) not in VARIANT_TABLE


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("齋藤", "斎藤"),
        ("齊藤", "斎藤"),
        ("斉藤", "斎藤"),
        ("髙橋", "高橋"),
        ("山﨑", "山崎"),
        ("山嵜", "山崎"),
        ("渡邊", "渡辺"),
        ("渡邉", "渡辺"),
        ("澤田", "沢田"),
        ("濱田", "浜田"),
        ("廣瀬", "広瀬"),
        ("廣瀨", "広瀬"),
        ("小嶋", "小島"),
        ("大嶌", "大島"),
        ("櫻井", "桜井"),
        ("德川", "徳川"),
        ("眞鍋", "真鍋"),
        ("冨田", "富田"),
        ("國分", "国分"),
        ("大藏", "大蔵"),
        ("龍之介", "竜之介"),
        ("兒玉", "児玉"),
        ("壽", "寿"),
        ("惠子", "恵子"),
        ("榮一", "栄一"),
        ("飛驒", "飛騨"),
        ("淵上", "渕上"),
        ("檜山", "桧山"),
        ("黑田", "黒田"),
        ("增田", "増田"),
        ("曾根", "曽根"),
        ("舘野", "館野"),
        ("𠮷田", "吉田"),
        ("一郞", "一郎"),
        ("聰", "聡"),
        ("彌生", "弥生"),
        ("穗積", "穂積"),
    ],
)
def test_variant_kanji_fold_to_the_common_form(variant: str, canonical: str) -> None:
    assert fold_variants(variant) == canonical


def test_text_without_variants_is_untouched() -> None:
    assert fold_variants("佐藤 hanako スズキ") == "佐藤 hanako スズキ"
