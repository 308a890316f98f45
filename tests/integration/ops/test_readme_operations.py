"""The README's Operations section documents every metric and every alert that exists."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from mailguard.workflow.metrics import REGISTRY

_EXPOSED_NAME = {"counter": "{}_total", "info": "{}_info"}


def operations_section(repo_root: Path) -> str:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Operations")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end != -1 else None]


def test_every_metric_is_in_the_operations_table(repo_root: Path) -> None:
    section = operations_section(repo_root)
    documented = set(re.findall(r"^\| `(mailguard_\w+)` \|", section, flags=re.MULTILINE))
    exported = {_EXPOSED_NAME.get(m.type, "{}").format(m.name) for m in REGISTRY.collect()}
    assert documented == exported, (exported - documented, documented - exported)


def test_every_alert_is_in_the_operations_table(repo_root: Path) -> None:
    section = operations_section(repo_root)
    alerts = yaml.safe_load((repo_root / "deploy/prometheus/alerts.yaml").read_text("utf-8"))
    names = {rule["alert"] for group in alerts["groups"] for rule in group["rules"]}
    documented = set(re.findall(r"^\| `(Mailguard\w+)` \|", section, flags=re.MULTILINE))
    assert documented == names
