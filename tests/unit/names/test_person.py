from __future__ import annotations

import pytest

from mailguard.inspection.names.person import Fit, NamedPerson, PersonName
from tests.unit.names.people import japanese_people

ICHIRO = PersonName.build("鈴木", "一郎", "スズキ", "イチロウ")


def fit(written: str, person: PersonName = ICHIRO) -> Fit:
    named = NamedPerson.parse(written)
    assert named is not None, written
    return person.fit(named)


@pytest.mark.parametrize(
    "written",
    [
        "鈴木 一郎 様",
        "鈴木一郎さま",
        "鈴木　一郎　殿",
        "スズキ イチロウ 様",
        "すずき いちろう さま",
        "ｽｽﾞｷ ｲﾁﾛｳ様",
        "Dear Mr. Ichiro Suzuki",
        "Dear Mr. Suzuki Ichiro",
        "Dear Mr. Ichirou Suzuki",
        "Dear Mr. Ichiroh SUZUKI",
        "Dear I. Suzuki Ichiro",
    ],
)
def test_full_names_in_any_script_and_order_fit_fully(written: str) -> None:
    assert fit(written) is Fit.FULL


@pytest.mark.parametrize("written", ["鈴木様", "すずきさん", "Suzuki-san", "Dear Mr. Suzuki"])
def test_a_family_name_alone_fits_only_the_family(written: str) -> None:
    assert fit(written) is Fit.FAMILY


@pytest.mark.parametrize("written", ["一郎さん", "Hi Ichiro,", "イチロウくん"])
def test_a_given_name_alone_fits_the_given_name(written: str) -> None:
    assert fit(written) is Fit.GIVEN


@pytest.mark.parametrize(
    "written", ["鈴木 太郎 様", "佐藤 一郎 様", "Dear Ms. Tanaka", "Hi Taro,", "スズキ タロウ 様"]
)
def test_other_people_do_not_fit(written: str) -> None:
    assert fit(written) is Fit.NONE


def test_variant_kanji_on_either_side_fit() -> None:
    saito = PersonName.build("齋藤", "惠子", "サイトウ", "ケイコ")
    assert fit("斉藤 恵子 様", saito) is Fit.FULL
    assert fit("斎藤さん", saito) is Fit.FAMILY
    assert fit("Dear Ms. Keiko Saitoh", saito) is Fit.FULL


def test_a_contact_without_readings_still_fits_its_written_name() -> None:
    person = PersonName.build("高橋", "健")
    assert fit("髙橋 健 様", person) is Fit.FULL
    assert fit("タカハシ様", person) is Fit.NONE


def test_a_western_contact_fits_in_both_orders() -> None:
    person = PersonName.build("Smith", "John")
    assert fit("Dear John Smith,", person) is Fit.FULL
    assert fit("Dear Mr. Smith", person) is Fit.FAMILY
    assert fit("Hi John", person) is Fit.GIVEN


def test_greetings_without_a_name_are_not_a_person() -> None:
    assert NamedPerson.parse("様") is None
    assert NamedPerson.parse("Dear Mr.") is None


def test_generated_people_fit_their_own_names_in_every_script() -> None:
    for p in japanese_people(seed=11, count=60):
        person = PersonName.build(p.family, p.given, p.family_kana, p.given_kana)
        assert fit(f"{p.family} {p.given} 様", person) is Fit.FULL
        assert fit(f"{p.family}{p.given}さま", person) is Fit.FULL
        assert fit(f"{p.family_kana} {p.given_kana} 様", person) is Fit.FULL
        assert fit(f"{p.family_hiragana} {p.given_hiragana} さま", person) is Fit.FULL
        assert fit(f"{p.family}様", person) >= Fit.FAMILY
