from __future__ import annotations

from pathlib import Path

import pytest

from mailguard.core.errors import DirectoryError
from mailguard.inspection.contacts import HEADER, Directory, load_directory
from tests.unit.names.people import japanese_people

HEAD = ",".join(HEADER)


def write(tmp_path: Path, name: str, text: str, *, bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_a_file_with_a_bom_loads_and_lookups_ignore_case(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.csv",
        f"{HEAD}\nIchiro@A.example,鈴木,一郎,スズキ,イチロウ,A社\nhanako@b.example,佐藤,花子,,,\n",
        bom=True,
    )
    directory = load_directory([path])
    contact = directory.by_address("ICHIRO@a.EXAMPLE")
    assert contact is not None
    assert (contact.email, contact.display, contact.organization) == (
        "ichiro@a.example",
        "鈴木 一郎",
        "A社",
    )
    assert directory.by_address("nobody@a.example") is None
    assert directory.domains == {"a.example", "b.example"}
    assert len(directory) == 2


def test_several_files_merge_and_namesakes_are_found_across_variants_and_readings(
    tmp_path: Path,
) -> None:
    first = write(tmp_path, "a.csv", f"{HEAD}\nkeiko@a.example,齋藤,恵子,サイトウ,ケイコ,\n")
    second = write(
        tmp_path,
        "b.csv",
        f"{HEAD}\nsaito@b.example,斉藤,健,,,\njohn@c.example,Saitoh,John,,,\n"
        "other@d.example,伊藤,健,イトウ,ケン,\n",
    )
    directory = load_directory([first, second])
    keiko = directory.by_address("keiko@a.example")
    assert keiko is not None
    assert {c.email for c in directory.namesakes(keiko)} == {"saito@b.example", "john@c.example"}
    assert {c.email for c in directory.by_family_name("斎藤")} == {
        "keiko@a.example",
        "saito@b.example",
    }
    assert {c.email for c in directory.by_family_name("サイトウ")} == {
        "keiko@a.example",
        "john@c.example",
    }


def test_long_vowels_do_not_make_namesakes_unless_a_name_is_only_known_in_romaji(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "a.csv",
        f"{HEAD}\nbig@a.example,大野,健,オオノ,ケン,\nsmall@b.example,小野,健,オノ,ケン,\n"
        "latin@c.example,Ohno,Ken,,,\n",
    )
    directory = load_directory([path])
    big = directory.by_address("big@a.example")
    latin = directory.by_address("latin@c.example")
    assert big is not None and latin is not None
    assert {c.email for c in directory.namesakes(big)} == {"latin@c.example"}
    assert {c.email for c in directory.namesakes(latin)} == {"big@a.example", "small@b.example"}


def test_the_same_person_in_two_files_is_accepted_once(tmp_path: Path) -> None:
    row = "ichiro@a.example,鈴木,一郎,,,\n"
    a = write(tmp_path, "a.csv", HEAD + "\n" + row)
    b = write(tmp_path, "b.csv", HEAD + "\n" + row.replace("鈴木", "鈴木 "))
    assert len(load_directory([a, b])) == 1


def test_blank_lines_and_hiragana_readings_are_fine(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", f"{HEAD}\n\nichiro@a.example,鈴木,一郎,すずき,いちろう,\n\n")
    contact = load_directory([path]).by_address("ichiro@a.example")
    assert contact is not None
    assert "スズキ" in contact.name.family


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        (",鈴木,一郎,,,\n", 2, "email column is empty"),
        ("not-an-address,鈴木,一郎,,,\n", 2, "is not an email address"),
        ("a@nodot,鈴木,一郎,,,\n", 2, "is not an email address"),
        ("a@b.example,,,,,\n", 2, "neither a family nor a given name"),
        ("a@b.example,鈴木,一郎\n", 2, "expected 6 columns, found 3"),
        ("a@b.example,鈴木,一郎,鈴木,,\n", 2, "family_reading '鈴木' must be katakana"),
        (
            "a@b.example,鈴木,一郎,,,\nA@b.example,鈴木,太郎,,,\n",
            3,
            "a@b.example is already 鈴木 一郎",
        ),
    ],
)
def test_bad_rows_name_the_file_the_line_and_the_problem(
    tmp_path: Path, body: str, line: int, reason: str
) -> None:
    path = write(tmp_path, "bad.csv", HEAD + "\n" + body)
    with pytest.raises(DirectoryError) as caught:
        load_directory([path])
    assert caught.value.file == str(path)
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert f"bad.csv:{line}" in str(caught.value)


def test_a_conflict_across_files_points_at_both(tmp_path: Path) -> None:
    a = write(tmp_path, "a.csv", f"{HEAD}\nx@a.example,鈴木,一郎,,,\n")
    b = write(tmp_path, "b.csv", f"{HEAD}\nx@a.example,田中,一郎,,,\n")
    with pytest.raises(DirectoryError, match=r"b\.csv:2: .*a\.csv:2"):
        load_directory([a, b])


@pytest.mark.parametrize(
    "header", ["email,family,given", "family_name,email,given_name,family_reading,given_reading"]
)
def test_a_wrong_header_is_refused(tmp_path: Path, header: str) -> None:
    path = write(tmp_path, "a.csv", header + "\nx@a.example,鈴木,一郎,,,\n")
    with pytest.raises(DirectoryError, match="header must be exactly"):
        load_directory([path])


def test_unreadable_files_are_directory_errors(tmp_path: Path) -> None:
    with pytest.raises(DirectoryError, match="file not found"):
        load_directory([tmp_path / "missing.csv"])
    sjis = tmp_path / "sjis.csv"
    sjis.write_bytes(f"{HEAD}\nx@a.example,鈴木,一郎,,,\n".encode("shift_jis"))
    with pytest.raises(DirectoryError, match="not UTF-8"):
        load_directory([sjis])


def test_a_generated_directory_of_a_thousand_loads_and_indexes_everyone(tmp_path: Path) -> None:
    people = japanese_people(seed=5, count=1000)
    rows = [
        f"p{i}@corp{i % 7}.example,{p.family},{p.given},{p.family_kana},{p.given_kana},"
        for i, p in enumerate(people)
    ]
    directory = load_directory([write(tmp_path, "big.csv", HEAD + "\n" + "\n".join(rows))])
    assert len(directory) == 1000
    first = people[0]
    assert "p0@corp0.example" in {c.email for c in directory.by_family_name(first.family_kana)}


def test_an_empty_directory_knows_nobody() -> None:
    empty = Directory()
    assert empty.by_address("a@b.example") is None
    assert empty.by_family_name("鈴木") == ()
    assert empty.domains == frozenset()
