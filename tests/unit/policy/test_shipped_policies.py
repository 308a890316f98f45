"""The policies we ship validate, and say what they claim to."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailguard.core.model import Action
from mailguard.inspection.policy import load_policy
from tests.conftest import REPO

EXAMPLES = sorted(p.name for p in (REPO / "policies/examples").glob("*.yaml"))
SHIPPED = ["policies/default.yaml", *(f"policies/examples/{name}" for name in EXAMPLES)]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_policy_validates(repo_root: Path, name: str) -> None:
    policy = load_policy(repo_root / name)
    assert policy.rules
    assert policy.directory_files


def test_the_default_policy_holds_rejects_and_delays_what_it_says(repo_root: Path) -> None:
    policy = load_policy(repo_root / "policies/default.yaml")
    actions = {rule.id: rule.action for rule in policy.rules}
    assert actions["wrong-person"] is Action.HOLD
    assert actions["same-surname"] is Action.HOLD
    assert actions["lookalike-domain"] is Action.HOLD
    assert actions["external-plain-attachment"] is Action.HOLD
    assert actions["visible-mass-mail"] is Action.REJECT
    assert actions["dangerous-attachment"] is Action.REJECT
    assert actions["external-grace"] is Action.DELAY
    assert all(rule.enforced for rule in policy.rules)
    assert policy.admins


def test_the_monitor_only_example_enforces_nothing(repo_root: Path) -> None:
    policy = load_policy(repo_root / "policies/examples/monitor-only.yaml")
    assert {rule.mode for rule in policy.rules} == {"monitor"}
