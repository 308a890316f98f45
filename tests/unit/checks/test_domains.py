from __future__ import annotations

import pytest

from mailguard.inspection.checks.domains import (
    DomainSet,
    check_pattern,
    is_internal,
    normalize_domain,
)

PATTERNS = ("example.co.jp", "*.example.co.jp", "*.group.example")


@pytest.mark.parametrize(
    ("domain", "internal"),
    [
        ("example.co.jp", True),
        ("EXAMPLE.CO.JP", True),
        ("example.co.jp.", True),
        ("ｅｘａｍｐｌｅ．ｃｏ．ｊｐ", True),
        ("hr.example.co.jp", True),
        ("a.b.example.co.jp", True),
        ("newexample.co.jp", False),
        ("example.co.jp.evil.example", False),
        ("example.co", False),
        ("sub.group.example", True),
        ("group.example", False),  # a wildcard matches subdomains, not the apex
        ("", False),
    ],
)
def test_internal_domains_match_exactly_or_by_whole_labels(domain: str, internal: bool) -> None:
    assert is_internal(domain, PATTERNS) is internal


def test_idn_domains_compare_in_one_form() -> None:
    assert normalize_domain("XN--ECKWD4C7C.jp.") == "ドメイン.jp"
    assert is_internal("xn--eckwd4c7c.jp", ("ドメイン.jp",))
    assert is_internal("ドメイン.jp", ("xn--eckwd4c7c.jp",))
    assert is_internal("hr.ドメイン。jp", ("*.xn--eckwd4c7c.jp",))


def test_a_malformed_a_label_is_compared_as_written() -> None:
    assert normalize_domain("xn--zz.example") == "xn--zz.example"


def test_a_domain_set_lists_its_bases_and_rejects_non_strings() -> None:
    domains = DomainSet.from_patterns(PATTERNS)
    assert domains.bases == {"example.co.jp", "group.example"}
    assert 42 not in domains


@pytest.mark.parametrize("pattern", ["*", "*.", "a@b.example", "a..example", "*.*.example", "a b"])
def test_bad_patterns_are_explained(pattern: str) -> None:
    with pytest.raises(ValueError, match="domain"):
        check_pattern(pattern)


def test_good_patterns_come_back_normalised() -> None:
    assert check_pattern("*.Example.CO.JP") == "*.example.co.jp"
