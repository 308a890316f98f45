"""Mail through a running relay moves the metrics it should, as Prometheus would read them:
over HTTP from ``/metrics``, parsed by prometheus-client's parser. Also ``/readyz`` on the real
relay, and the decision log event.

The metric objects are process-global, so the values are compared with what they were before
the test's mail (taken from the registry in-process), not with absolutes; the store-backed
gauges are absolute because each test has its own store.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import time
from collections.abc import Awaitable, Callable

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from mailguard.core.lifecycle import State
from mailguard.runtime.relay import Relay
from mailguard.workflow.metrics import REGISTRY
from tests.integration.ops.conftest import send, web_url
from tests.integration.ops.exposition import value
from tests.support.upstream import Upstream

WATCHED = [
    ("mailguard_messages_received_total", {}),
    ("mailguard_smtp_sessions_total", {}),
    ("mailguard_verdicts_total", {"action": "pass"}),
    ("mailguard_verdicts_total", {"action": "hold"}),
    ("mailguard_verdicts_total", {"action": "reject"}),
    ("mailguard_findings_total", {"kind": "external_recipient"}),
    ("mailguard_rule_matches_total", {"rule": "watch-external", "mode": "monitor"}),
    ("mailguard_rule_matches_total", {"rule": "hold-partner", "mode": "enforced"}),
    ("mailguard_rule_matches_total", {"rule": "reject-blocked", "mode": "enforced"}),
    ("mailguard_deliveries_total", {"result": "delivered"}),
    ("mailguard_inspection_seconds_count", {}),
]


def snapshot() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (name, tuple(sorted(labels.items()))): REGISTRY.get_sample_value(name, labels) or 0.0
        for name, labels in WATCHED
    }


async def until(condition: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    """Poll an async predicate; fail the test if it never holds."""
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition never held")
        await asyncio.sleep(0.02)


async def scrape(relay: Relay) -> str:
    async with aiohttp.ClientSession() as http, http.get(web_url(relay, "/metrics")) as response:
        assert response.status == 200
        return await response.text()


async def test_metrics_follow_a_pass_a_hold_and_a_reject(relay: Relay, upstream: Upstream) -> None:
    before = snapshot()

    assert (await send(relay, "sato@example.co.jp")).startswith("250")
    assert (await send(relay, "tanaka@hold.example")).startswith("250")
    assert (await send(relay, "kimura@blocked.example")).startswith("550")
    # The pass, plus the hold's two notices (approver and sender) sent through the same queue.
    await upstream.wait_for(3)

    async def delivered() -> bool:
        counts = await relay.store.count_by_state()
        return counts[State.DELIVERED] == 3

    await until(delivered)
    text = await scrape(relay)
    moved = {
        key[0] + str(dict(key[1])): value(text, key[0], **dict(key[1])) - before[key]
        for key in before
    }
    assert moved == {
        "mailguard_messages_received_total{}": 2,
        "mailguard_smtp_sessions_total{}": 3,
        "mailguard_verdicts_total{'action': 'pass'}": 1,
        "mailguard_verdicts_total{'action': 'hold'}": 1,
        "mailguard_verdicts_total{'action': 'reject'}": 1,
        "mailguard_findings_total{'kind': 'external_recipient'}": 2,
        "mailguard_rule_matches_total{'mode': 'monitor', 'rule': 'watch-external'}": 2,
        "mailguard_rule_matches_total{'mode': 'enforced', 'rule': 'hold-partner'}": 1,
        "mailguard_rule_matches_total{'mode': 'enforced', 'rule': 'reject-blocked'}": 1,
        "mailguard_deliveries_total{'result': 'delivered'}": 3,
        "mailguard_inspection_seconds_count{}": 3,
    }
    # The store-backed gauges: this test's store holds exactly these.
    assert value(text, "mailguard_held_messages") == 1
    assert value(text, "mailguard_queue_depth", state="held") == 1
    assert value(text, "mailguard_queue_depth", state="rejected") == 1
    assert value(text, "mailguard_queue_depth", state="delivered") == 3
    assert value(text, "mailguard_queue_depth", state="queued") == 0
    assert value(text, "mailguard_store_up") == 1
    policy = {"file": relay.config.policy, "hash": relay.policy.policy_hash}
    assert value(text, "mailguard_policy_info", **policy) == 1


async def test_every_metric_has_help_and_no_label_holds_an_address(
    relay: Relay, upstream: Upstream
) -> None:
    for rcpt in ("sato@example.co.jp", "tanaka@hold.example", "kimura@blocked.example"):
        await send(relay, rcpt)
    families = list(text_string_to_metric_families(await scrape(relay)))
    assert len(families) >= 15
    for family in families:
        assert family.name.startswith("mailguard_")
        assert family.documentation.strip(), f"{family.name} has no HELP"
        for sample in family.samples:
            for label, label_value in sample.labels.items():
                assert "@" not in label_value, (sample.name, label, label_value)


async def test_readyz_is_200_on_a_running_relay_and_503_naming_the_store_once_it_closes(
    relay: Relay,
) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(web_url(relay, "/readyz")) as response:
            assert response.status == 200
        async with http.get(web_url(relay, "/healthz")) as response:
            assert response.status == 200
        await relay.store.close()
        async with http.get(web_url(relay, "/readyz")) as response:
            assert response.status == 503
            assert (await response.text()).startswith("store: ")
        async with http.get(web_url(relay, "/healthz")) as response:
            assert response.status == 200


async def test_one_log_event_per_decision_with_domains_and_never_the_body(
    relay: Relay, log_output: io.StringIO
) -> None:
    reply = await send(
        relay,
        "tanaka@hold.example",
        subject="内定通知 SUBJECT-MARKER",
        body="BODY-MARKER 鈴木一郎様の給与は…",
    )
    message_id = reply.rsplit(" ", 1)[-1]
    events = [json.loads(line) for line in log_output.getvalue().splitlines()]
    decided = [e for e in events if e["event"] == "message decided"]
    assert len(decided) == 1
    (event,) = decided
    assert event["id"] == message_id
    assert event["action"] == "hold"
    assert event["rules"] == ["hold-partner", "watch-external"]
    assert event["findings"] == ["external_recipient"]
    assert event["rcpt_domains"] == ["hold.example"]
    assert event["sender"] == "y***@example.co.jp"
    raw_log = log_output.getvalue()
    for secret in ("BODY-MARKER", "SUBJECT-MARKER", "給与", "tanaka@", "yamada.taro@"):
        assert secret not in raw_log
    assert not re.search(r"[^\s\"*]{2,}@hold\.example", raw_log)
