"""The provisioned Grafana dashboard shows what the operations issue promised.

``test_compose.py`` proves every panel queries metrics that exist; this proves the promised
panels exist at all: held now, hold rate, matches by rule, decision latency, deliveries and
findings by kind.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PROMISED = [
    ("held now", "mailguard_held_messages"),
    ("hold rate", 'mailguard_verdicts_total{action=\\"hold\\"}'),
    ("matches by rule", "by (rule, mode) (rate(mailguard_rule_matches_total"),
    ("decision latency", "mailguard_decision_latency_seconds_bucket"),
    ("deliveries by result", "by (result) (rate(mailguard_deliveries_total"),
    ("findings by kind", "by (kind) (rate(mailguard_findings_total"),
]


@pytest.fixture
def expressions(repo_root: Path) -> str:
    path = repo_root / "deploy" / "grafana" / "dashboards" / "mailguard.json"
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    return json.dumps([t["expr"] for p in dashboard["panels"] for t in p["targets"]])


@pytest.mark.parametrize(("what", "query"), PROMISED)
def test_the_promised_panel_is_there(expressions: str, what: str, query: str) -> None:
    assert query in expressions, what
