from __future__ import annotations

from mailguard.checks.settings import CheckSettings, build_checks
from tests.unit.checks.build import context


def test_the_aggregate_runs_every_check_in_a_stable_order() -> None:
    check = build_checks(CheckSettings(internal_domains=("example.co.jp",), bulk_min_recipients=2))
    ctx = context(to=["a@one.example", "b@two.example"])
    kinds = [f.kind for f in check(ctx)]
    assert kinds == ["external_recipient", "external_recipient", "bulk_visible_recipients"]
    assert check(ctx) == check(ctx)


def test_defaults_are_the_documented_ones() -> None:
    settings = CheckSettings(internal_domains=())
    assert (settings.bulk_min_recipients, settings.bulk_min_domains) == (10, 2)
    assert settings.known_domains == ()
    assert len(settings.directory) == 0
