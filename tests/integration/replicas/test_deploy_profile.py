"""The compose ``replicas`` profile: HAProxy in front of two replicas on one PostgreSQL."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from mailguard.core.config_load import load_config

REPLICAS = ("mailguard-1", "mailguard-2")


@pytest.fixture
def deploy(repo_root: Path) -> Path:
    return repo_root / "deploy"


@pytest.fixture
def services(deploy: Path) -> dict[str, Any]:
    compose = yaml.safe_load((deploy / "compose.yaml").read_text(encoding="utf-8"))
    found: dict[str, Any] = compose["services"]
    return found


def test_the_profile_has_two_replicas_postgres_and_haproxy(services: dict[str, Any]) -> None:
    profile = {n for n, s in services.items() if "replicas" in s.get("profiles", ())}
    assert profile == {*REPLICAS, "postgres", "haproxy"}
    dsns = {services[r]["environment"]["MAILGUARD_STORE_DSN"] for r in REPLICAS}
    keys = {services[r]["environment"]["MAILGUARD_SECRET_KEY"] for r in REPLICAS}
    assert len(dsns) == 1 and len(keys) == 1, "replicas must share the database and the key"
    assert "@postgres:5432/" in dsns.pop()
    for replica in REPLICAS:
        assert services[replica]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_haproxy_balances_both_replicas_ports_and_checks_readiness(
    services: dict[str, Any], deploy: Path
) -> None:
    config_file = deploy / "haproxy" / "haproxy.cfg"
    mounted = [v for v in services["haproxy"]["volumes"] if v.startswith("./haproxy/")]
    assert mounted and mounted[0].split(":")[0] == "./haproxy/haproxy.cfg"
    text = config_file.read_text(encoding="utf-8")
    assert re.search(r"^\s*mode tcp", text, re.M)
    replica_config = load_config(str(deploy / "mailguard-replica.yaml"), environ={})
    smtp_port = replica_config.smtp.listeners[0].port
    web_port = replica_config.web.port
    for replica in REPLICAS:
        assert f"server {replica} {replica}:{smtp_port}" in text
        assert f"server {replica} {replica}:{web_port}" in text
    assert text.count("option httpchk GET /readyz") == 2
    assert f"check port {web_port}" in text
    published = {p.rsplit(":", 1)[1] for p in services["haproxy"]["ports"]}
    assert published == {str(smtp_port), str(web_port)}


def test_the_replica_config_selects_postgres_from_the_environment(deploy: Path) -> None:
    dsn = "postgresql://mailguard:secret@postgres:5432/mailguard"
    config = load_config(str(deploy / "mailguard-replica.yaml"), {"MAILGUARD_STORE_DSN": dsn})
    assert config.store.dsn == dsn


@pytest.mark.skipif(
    shutil.which("haproxy") is None,
    reason="haproxy is not installed (scripts/setup --test installs it); structure checked above",
)
def test_haproxy_accepts_the_config(deploy: Path) -> None:
    result = subprocess.run(
        ["haproxy", "-c", "-f", str(deploy / "haproxy" / "haproxy.cfg")],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert result.returncode == 0, result.stdout + result.stderr
