from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mailguard.core.model import FindingKind
from mailguard.inspection.checks.settings import CheckSettings, build_checks
from mailguard.inspection.contacts import Contact, Directory
from tests.unit.checks.build import attachment, context, directory


def test_the_aggregate_runs_every_check_in_a_stable_order() -> None:
    check = build_checks(CheckSettings(internal_domains=("example.co.jp",), bulk_min_recipients=2))
    ctx = context(to=["a@one.example", "b@two.example"])
    kinds = [f.kind for f in check(ctx)]
    assert kinds == ["external_recipient", "external_recipient", "bulk_visible_recipients"]
    assert check(ctx) == check(ctx)


def test_every_finding_kind_comes_out_in_the_contract_order(tmp_path: Path) -> None:
    contacts = directory(tmp_path, ["taro@x.example,鈴木,太郎,,,", "ichiro@y.example,鈴木,一郎,,,"])
    check = build_checks(
        CheckSettings(
            internal_domains=("example.co.jp",),
            directory=contacts,
            bulk_min_recipients=2,
        )
    )
    ctx = context(
        to=["taro@x.example", "a@exampel.co.jp"],
        text="鈴木 一郎 様\n",
        attachments=[attachment("一覧.csv", b"name,tel\n"), attachment("run.bat", b"@echo off\n")],
    )
    kinds = list(dict.fromkeys(f.kind for f in check(ctx)))
    assert kinds == [kind.value for kind in FindingKind]


def test_defaults_are_the_documented_ones() -> None:
    settings = CheckSettings(internal_domains=())
    assert (settings.bulk_min_recipients, settings.bulk_min_domains) == (10, 2)
    assert settings.known_domains == ()
    assert len(settings.directory) == 0


_ADDRESS = st.one_of(
    st.sampled_from(["taro@x.example", "TARO@X.EXAMPLE", "a@exampel.co.jp", "@", "", "x@y"]),
    st.emails().map(str),
    st.text(max_size=20),
)


@settings(max_examples=60, deadline=None)
@given(
    recipients=st.lists(_ADDRESS, max_size=6),
    text=st.one_of(st.text(max_size=60), st.sampled_from(["鈴木様\n", "Dear Mr. Suzuki,"])),
    filenames=st.lists(st.text(max_size=30), max_size=3),
)
def test_the_checks_never_raise_on_odd_input(
    recipients: list[str], text: str, filenames: list[str]
) -> None:
    findings = ALL_CHECKS(
        context(to=recipients, text=text, attachments=[attachment(f) for f in filenames])
    )
    assert all(f.kind and f.message for f in findings)


ALL_CHECKS = build_checks(
    CheckSettings(
        internal_domains=("example.co.jp", "*.example.co.jp"),
        known_domains=("partner.example",),
        directory=Directory(
            [
                Contact("taro@x.example", "鈴木", "太郎", "スズキ", "タロウ"),
                Contact("ichiro@y.example", "鈴木", "一郎", "スズキ", "イチロウ"),
            ]
        ),
        bulk_min_recipients=2,
    )
)
