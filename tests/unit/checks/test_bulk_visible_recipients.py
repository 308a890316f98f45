from __future__ import annotations

from mailguard.inspection.checks.bulk_visible_recipients import make
from mailguard.inspection.checks.settings import CheckSettings
from tests.unit.checks.build import context

SETTINGS = CheckSettings(internal_domains=("example.co.jp",))
CHECK = make(SETTINGS)


def spread(count: int, domains: int) -> list[str]:
    return [f"user{i}@org{i % domains}.example" for i in range(count)]


def test_ten_external_addresses_across_two_domains_in_to_and_cc_are_flagged() -> None:
    addresses = spread(10, 2)
    findings = CHECK(context(to=addresses[:6], cc=addresses[6:]))
    assert len(findings) == 1
    assert findings[0].kind == "bulk_visible_recipients"
    assert findings[0].recipient is None
    assert findings[0].detail == {"recipients": "10", "domains": "2"}
    assert "10 external recipients from 2 organisations" in findings[0].message


def test_below_either_threshold_nothing_is_flagged() -> None:
    assert CHECK(context(to=spread(9, 5))) == []
    assert CHECK(context(to=spread(30, 1))) == []


def test_bcc_internal_and_repeated_addresses_do_not_count() -> None:
    addresses = spread(9, 3)
    assert CHECK(context(to=addresses, bcc=spread(20, 5))) == []
    assert CHECK(context(to=[*addresses, "boss@example.co.jp"], cc=[addresses[0].upper()])) == []


def test_thresholds_come_from_the_settings() -> None:
    settings = CheckSettings(
        internal_domains=("example.co.jp",), bulk_min_recipients=3, bulk_min_domains=3
    )
    check = make(settings)
    assert check(context(to=spread(3, 3)))
    assert check(context(to=spread(3, 2))) == []
