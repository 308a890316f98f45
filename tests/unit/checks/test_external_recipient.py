from __future__ import annotations

from mailguard.inspection.checks.external_recipient import make
from mailguard.inspection.checks.settings import CheckSettings
from tests.unit.checks.build import context

CHECK = make(CheckSettings(internal_domains=("example.co.jp", "*.example.co.jp")))


def test_each_external_recipient_is_named_once_in_envelope_order() -> None:
    findings = CHECK(
        context(
            rcpt=[
                "a@partner.example",
                "me2@example.co.jp",
                "hr@hr.example.co.jp",
                "A@Partner.example",
                "b@newexample.co.jp",
            ]
        )
    )
    assert [(f.kind, f.recipient) for f in findings] == [
        ("external_recipient", "a@partner.example"),
        ("external_recipient", "b@newexample.co.jp"),
    ]
    assert findings[1].message == (
        "b@newexample.co.jp is outside the organisation "
        "(newexample.co.jp is not an internal domain)."
    )
    assert findings[1].attachment is None


def test_only_the_recipients_being_decided_count_not_the_headers() -> None:
    ctx = context(to=["x@partner.example"], rcpt=["colleague@example.co.jp"])
    assert CHECK(ctx) == []


def test_idn_recipients_match_internal_domains_in_either_form() -> None:
    check = make(CheckSettings(internal_domains=("xn--eckwd4c7c.jp",)))
    assert check(context(rcpt=["user@ドメイン.jp", "user@XN--ECKWD4C7C.JP"])) == []
