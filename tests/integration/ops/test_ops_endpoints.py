"""/healthz, /readyz and /metrics over real HTTP, against a real SQLite store.

The relay here is a stand-in holding a real store and the two flags ``/readyz`` reads; the
end-to-end tests (``test_relay_metrics``) run the same routes inside the real relay.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from mailguard import __version__
from mailguard.adapters.store.sqlite import SqliteStore
from mailguard.adapters.web import ops
from mailguard.core.config import Config
from mailguard.core.lifecycle import State
from mailguard.runtime.metrics_share import exposition, share_dir
from mailguard.workflow import metrics
from mailguard.workflow.ports.store import Store
from tests.integration.ops.exposition import value
from tests.store.messages import new_message, received
from tests.support.clock import FakeClock


@dataclass
class StandIn:
    store: Store
    config: Config
    policy_loaded: bool = True
    listening: bool = True


Served = tuple[TestClient[web.Request, web.Application], StandIn]


def sample(name: str, **labels: str) -> float | None:
    return metrics.REGISTRY.get_sample_value(name, labels)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "store.sqlite3", fsync=False)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def client(store: SqliteStore, tmp_path: Path) -> AsyncIterator[Served]:
    relay = StandIn(store, Config(var_dir=str(tmp_path / "var")))
    app = web.Application()
    ops.register(app, relay, lambda: exposition(share_dir(relay.config.var_dir)))
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client, relay


async def hold_one(store: Store) -> None:
    message = new_message(State.HELD, hold_until=2e9)
    await store.add(message, received(message))


async def test_store_gauges_follow_the_store_but_reuse_a_fresh_count(store: SqliteStore) -> None:
    clock = FakeClock()
    gauges = ops.StoreGauges(ttl=2.0, clock=clock)
    await hold_one(store)
    await gauges.refresh(store)
    assert sample("mailguard_held_messages") == 1
    assert sample("mailguard_queue_depth", state="held") == 1
    assert sample("mailguard_queue_depth", state="queued") == 0

    await hold_one(store)
    clock.advance(1.0)
    await gauges.refresh(store)
    assert sample("mailguard_held_messages") == 1, "a count younger than the TTL is reused"

    clock.advance(1.5)
    await gauges.refresh(store)
    assert sample("mailguard_held_messages") == 2
    assert sample("mailguard_store_up") == 1


async def test_an_unreadable_store_keeps_the_last_counts_and_reports_store_down(
    store: SqliteStore,
) -> None:
    clock = FakeClock()
    gauges = ops.StoreGauges(ttl=2.0, clock=clock)
    await hold_one(store)
    await gauges.refresh(store)
    await store.close()
    clock.advance(5)
    await gauges.refresh(store)
    assert sample("mailguard_store_up") == 0
    assert sample("mailguard_held_messages") == 1


async def test_healthz_answers_ok(client: Served) -> None:
    http, _ = client
    response = await http.get("/healthz")
    assert response.status == 200
    assert await response.text() == "ok\n"


async def test_readyz_is_ready_with_store_policy_and_listeners(
    client: Served,
) -> None:
    http, _ = client
    response = await http.get("/readyz")
    assert response.status == 200
    assert await response.text() == "ready\n"


async def test_readyz_names_every_failed_check_with_503(client: Served, store: SqliteStore) -> None:
    http, relay = client
    relay.policy_loaded = False
    relay.listening = False
    await store.close()
    response = await http.get("/readyz")
    assert response.status == 503
    lines = (await response.text()).splitlines()
    assert [line.split(":")[0] for line in lines] == ["store", "policy", "smtp"]
    assert "not open" in lines[0]
    health = await http.get("/healthz")
    assert health.status == 200, "liveness does not depend on the store"


async def test_metrics_is_prometheus_text_with_help_and_no_addresses(
    client: Served, store: SqliteStore
) -> None:
    http, _ = client
    await hold_one(store)
    response = await http.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = await response.text()
    families = list(text_string_to_metric_families(text))
    assert {f.name for f in families} >= {"mailguard_held_messages", "mailguard_queue_depth"}
    for family in families:
        assert family.name.startswith("mailguard_"), family.name
        assert family.documentation.strip(), f"{family.name} has no HELP"
        for exported in family.samples:
            for label, label_value in exported.labels.items():
                assert not re.search(r"[^@\s]+@[^@\s]+", label_value), (family.name, label)
    assert value(text, "mailguard_held_messages") >= 1
    assert value(text, "mailguard_store_up") == 1
    (build,) = (f for f in families if f.name == "mailguard_build_info")
    assert build.samples[0].labels["version"] == __version__
