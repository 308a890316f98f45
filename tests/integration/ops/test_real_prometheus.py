"""A real Prometheus scrapes a running mailguard on loopback: the held-messages gauge, read
back through Prometheus's HTTP API, follows a held message; the shipped alert rules load and
evaluate cleanly on real data, and every dashboard query is valid for this Prometheus."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import yaml

from mailguard.runtime.relay import Relay
from tests.integration.ops.conftest import send
from tests.integration.ops.prometheus_server import Prometheus, running_prometheus


def dashboard_queries(repo_root: Path) -> list[str]:
    dashboards = (repo_root / "deploy" / "grafana" / "dashboards").glob("*.json")
    return [
        target["expr"]
        for path in dashboards
        for panel in json.loads(path.read_text(encoding="utf-8"))["panels"]
        for target in panel["targets"]
    ]


async def wait_for_rules_evaluated(
    prometheus: Prometheus, timeout: float = 30.0
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        rules = await prometheus.rules()
        if rules and all(rule["health"] != "unknown" for rule in rules):
            return rules
        if time.monotonic() > deadline:
            raise AssertionError(f"rules never evaluated: {rules}")
        await asyncio.sleep(0.2)


async def test_prometheus_reads_the_held_gauge_of_a_running_relay(
    relay: Relay, tmp_path: Path, repo_root: Path
) -> None:
    host, port = relay.web_addresses[0]
    alerts = repo_root / "deploy" / "prometheus" / "alerts.yaml"
    async with running_prometheus(tmp_path / "prometheus", [f"{host}:{port}"], (alerts,)) as prom:
        await prom.wait_for_value('up{job="mailguard"}', 1)
        await prom.wait_for_value("mailguard_held_messages", 0)

        assert (await send(relay, "tanaka@hold.example")).startswith("250")
        await prom.wait_for_value("mailguard_held_messages", 1)
        assert await prom.value('mailguard_queue_depth{state="held"}') == 1
        assert await prom.value('mailguard_verdicts_total{action="hold"}') is not None

        rules = await wait_for_rules_evaluated(prom)
        shipped = {
            rule["alert"]
            for group in yaml.safe_load(alerts.read_text(encoding="utf-8"))["groups"]
            for rule in group["rules"]
        }
        assert {rule["name"] for rule in rules} == shipped
        assert [r for r in rules if r["health"] != "ok"] == []

        for query in dashboard_queries(repo_root):
            answer = await prom.query(query)
            assert answer["status"] == "success", (query, answer)
