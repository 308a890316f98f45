from __future__ import annotations

from pathlib import Path

import pytest

from mailguard.inspection.checks.lookalike_domain import make, skeleton, split_registrable
from mailguard.inspection.checks.settings import CheckSettings
from tests.unit.checks.build import context, directory

SETTINGS = CheckSettings(
    internal_domains=("example.co.jp", "*.example.co.jp"),
    known_domains=("partner.co.jp", "acme.com"),
)
CHECK = make(SETTINGS)


def how(domain: str) -> str | None:
    findings = CHECK(context(rcpt=[f"someone@{domain}"]))
    assert len(findings) <= 1
    return findings[0].detail["how"] if findings else None


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("exampel.co.jp", "two letters are swapped"),
        ("examples.co.jp", "it has one extra letter"),
        ("exmple.co.jp", "it is missing one letter"),
        ("exbmple.co.jp", "one letter is different"),
        ("examp1e.co.jp", "it uses look-alike characters"),
        ("exarnple.co.jp", "it uses look-alike characters"),
        ("EXAMPIE.CO.JP", "it uses look-alike characters"),
        ("ex4mp1e.co.jp", "2 letters are different"),
        ("ехample.co.jp", "it uses look-alike characters"),  # Cyrillic х
        ("example.co", "it ends in .co instead of .co.jp"),
        ("example.com", "it ends in .com instead of .co.jp"),
        ("example.ne.jp", "it ends in .ne.jp instead of .co.jp"),
        ("mail.exampel.co.jp", "two letters are swapped"),
        ("partnr.co.jp", "it is missing one letter"),
        ("acme.co.jp", "it ends in .co.jp instead of .com"),
        ("acne.com", "one letter is different"),
        ("vvidget.example", None),  # widget.example is not trusted here: see below
    ],
)
def test_lookalikes_are_found_and_explained(domain: str, expected: str | None) -> None:
    assert how(domain) == expected


@pytest.mark.parametrize(
    "domain",
    [
        "example.co.jp",
        "hr.example.co.jp",
        "a.b.example.co.jp",
        "partner.co.jp",
        "sales.partner.co.jp",
        "newexample.co.jp",  # external, but not a typo of example.co.jp
        "gmail.com",
        "ac.com",  # two letters: one edit away from everything short, so never by distance
        "xn--eckwd4c7c.jp",
    ],
)
def test_trusted_domains_their_subdomains_and_unrelated_domains_are_not_lookalikes(
    domain: str,
) -> None:
    assert how(domain) is None


def test_the_finding_names_the_recipient_and_what_it_resembles() -> None:
    (finding,) = CHECK(context(rcpt=["Taro@Exampel.co.jp"]))
    assert finding.kind == "lookalike_domain"
    assert finding.recipient == "taro@exampel.co.jp"
    assert finding.attachment is None
    assert finding.message == (
        "exampel.co.jp looks like example.co.jp, an internal domain, "
        "but is a different domain: two letters are swapped."
    )
    assert finding.detail["resembles"] == "example.co.jp"


def test_directory_domains_are_trusted_too(tmp_path: Path) -> None:
    contacts = directory(tmp_path, ["k@kaisha.co.jp,鈴木,一郎,,,"])
    check = make(CheckSettings(internal_domains=("example.co.jp",), directory=contacts))
    (finding,) = check(context(rcpt=["k@kaisya.co.jp"]))
    assert "a domain in the directory" in finding.message
    assert check(context(rcpt=["k@kaisha.co.jp"])) == []


def test_short_names_tolerate_only_one_edit_and_the_distance_is_tunable() -> None:
    settings = CheckSettings(internal_domains=("abcd.jp",))
    assert make(settings)(context(rcpt=["x@abdc.jp"]))
    assert make(settings)(context(rcpt=["x@bacd.jp"]))
    assert make(settings)(context(rcpt=["x@xycd.jp"])) == []
    strict = CheckSettings(internal_domains=("example.co.jp",), lookalike_max_distance=1)
    assert make(strict)(context(rcpt=["x@ex4mp1e.co.jp"])) == []


def test_very_short_names_are_not_compared_by_distance() -> None:
    check = make(CheckSettings(internal_domains=("ab.jp",)))
    assert check(context(rcpt=["x@ac.jp"])) == []
    assert check(context(rcpt=["x@ab.co.jp"]))  # a different ending is still caught


def test_registrable_split_and_skeleton() -> None:
    assert split_registrable("mail.example.co.jp") == ("example", "co.jp")
    assert split_registrable("example.com") == ("example", "com")
    assert split_registrable("localhost") == ("localhost", "")
    assert skeleton("rnicro-soft") == skeleton("microsoft")
    assert skeleton("vvidget") == skeleton("widget")
    assert skeleton("cl0ud") == skeleton("doud")


def test_vv_for_w_is_a_confusable_when_the_w_domain_is_trusted() -> None:
    check = make(CheckSettings(internal_domains=("widget.example",)))
    (finding,) = check(context(rcpt=["sato@vvidget.example"]))
    assert finding.kind == "lookalike_domain"
    assert finding.recipient == "sato@vvidget.example"
    assert finding.detail["resembles"] == "widget.example"
    assert finding.detail["way"] == "characters"
    assert finding.message.startswith("vvidget.example looks like widget.example")
    assert check(context(rcpt=["sato@widget.example"])) == []
