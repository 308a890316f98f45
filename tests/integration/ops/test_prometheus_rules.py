"""The Prometheus config and alert rules, checked by the real ``promtool`` (Debian's
``prometheus`` package, installed by ``scripts/setup --test``)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.integration.ops.exposition import exported_sample_names

PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"


@pytest.fixture
def prometheus_dir(repo_root: Path) -> Path:
    return repo_root / "deploy" / "prometheus"


def promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PROMTOOL, *map(str, args)], capture_output=True, text=True, timeout=60, check=False
    )


def test_promtool_accepts_the_alert_rules(prometheus_dir: Path) -> None:
    result = promtool("check", "rules", prometheus_dir / "alerts.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_accepts_the_prometheus_config(prometheus_dir: Path) -> None:
    result = promtool("check", "config", prometheus_dir / "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_fires_in_its_unit_test_and_the_tests_pass(prometheus_dir: Path) -> None:
    result = promtool("test", "rules", prometheus_dir / "alerts_test.yaml")
    assert result.returncode == 0, result.stdout + result.stderr

    alerts = yaml.safe_load((prometheus_dir / "alerts.yaml").read_text(encoding="utf-8"))
    names = {r["alert"] for g in alerts["groups"] for r in g["rules"]}
    tests = yaml.safe_load((prometheus_dir / "alerts_test.yaml").read_text(encoding="utf-8"))
    proven = {
        case["alertname"]
        for t in tests["tests"]
        for case in t["alert_rule_test"]
        if case.get("exp_alerts")
    }
    assert names == proven, f"alerts without a test that makes them fire: {names - proven}"


def test_promtool_test_rules_fails_when_an_expectation_is_wrong(
    prometheus_dir: Path, tmp_path: Path
) -> None:
    """The unit tests can fail: a wrong expected value is caught."""
    shutil.copy(prometheus_dir / "alerts.yaml", tmp_path / "alerts.yaml")
    text = (prometheus_dir / "alerts_test.yaml").read_text(encoding="utf-8")
    wrong = text.replace('"60 messages bounced', '"61 messages bounced')
    assert wrong != text
    (tmp_path / "alerts_test.yaml").write_text(wrong, encoding="utf-8")
    result = promtool("test", "rules", tmp_path / "alerts_test.yaml")
    assert result.returncode != 0
    assert "MailguardBouncing" in result.stdout + result.stderr


def test_the_alert_expressions_only_name_metrics_mailguard_exports(prometheus_dir: Path) -> None:
    """promtool checks syntax, not names: a typo in a metric name would never fire."""
    text = (prometheus_dir / "alerts.yaml").read_text(encoding="utf-8")
    rules = [r for g in yaml.safe_load(text)["groups"] for r in g["rules"]]
    used = {name for r in rules for name in re.findall(r"\bmailguard_\w+", r["expr"])}
    assert used, "the alerts should watch mailguard's metrics"
    assert used <= exported_sample_names(), used - exported_sample_names()
