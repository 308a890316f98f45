"""With ``processes`` > 1, ``/metrics`` counts every process's mail, not the supervisor's only:
the merge of worker snapshots in-process, then a real ``mailguard serve`` with two processes."""

from __future__ import annotations

import asyncio
import smtplib
import time
import urllib.request
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, generate_latest

from mailguard.runtime import metrics_share
from mailguard.workflow import metrics
from tests.integration.ops.exposition import value
from tests.mailmaker import make_mail
from tests.support.serve import ServeProcess


def merged_text(directory: Path) -> str:
    return metrics_share.exposition(directory).decode()


def test_a_workers_counters_and_histograms_are_added_and_its_gauges_are_not(
    tmp_path: Path,
) -> None:
    own = generate_latest(metrics.REGISTRY).decode()
    (tmp_path / "4242.prom").write_text(own, encoding="utf-8")
    merged = merged_text(tmp_path)
    for name, labels in [
        ("mailguard_verdicts_total", {"action": "pass"}),
        ("mailguard_smtp_sessions_total", {}),
        ("mailguard_inspection_seconds_count", {}),
        ("mailguard_inspection_seconds_bucket", {"le": "+Inf"}),
    ]:
        assert value(merged, name, **labels) == 2 * value(own, name, **labels), name
    metrics.held_messages.set(3)
    (tmp_path / "4242.prom").write_text(generate_latest(metrics.REGISTRY).decode(), "utf-8")
    merged = merged_text(tmp_path)
    assert value(merged, "mailguard_held_messages") == 3, "a store gauge is not summed"
    assert value(merged, "mailguard_build_info", **_build_labels(own)) == 1


def _build_labels(text: str) -> dict[str, str]:
    line = next(ln for ln in text.splitlines() if ln.startswith("mailguard_build_info{"))
    inside = line[line.index("{") + 1 : line.index("}")]
    return dict(pair.split("=") for pair in inside.replace('"', "").split(","))


def test_label_sets_only_a_worker_has_seen_appear(tmp_path: Path) -> None:
    worker = CollectorRegistry()
    matches = Counter("mailguard_rule_matches", "h", ["rule", "mode"], registry=worker)
    matches.labels("only-in-the-worker", "monitor").inc(7)
    (tmp_path / "4242.prom").write_bytes(generate_latest(worker))
    merged = merged_text(tmp_path)
    labels = {"rule": "only-in-the-worker", "mode": "monitor"}
    assert value(merged, "mailguard_rule_matches_total", **labels) == 7


def test_the_serving_process_does_not_add_its_own_snapshot(tmp_path: Path) -> None:
    metrics_share.write_snapshot(tmp_path)
    own = generate_latest(metrics.REGISTRY).decode()
    merged = merged_text(tmp_path)
    assert value(merged, "mailguard_verdicts_total", action="pass") == value(
        own, "mailguard_verdicts_total", action="pass"
    )


async def test_a_stopping_worker_publishes_a_last_snapshot_with_its_latest_counts(
    tmp_path: Path,
) -> None:
    task = asyncio.create_task(metrics_share.publish(tmp_path, interval=60))
    await asyncio.sleep(0)
    metrics.approval_views_without_decision.inc()
    expected = metrics.REGISTRY.get_sample_value(
        "mailguard_approval_page_views_without_decision_total"
    )
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    snapshot = await asyncio.to_thread(only_snapshot, tmp_path)
    assert value(snapshot, "mailguard_approval_page_views_without_decision_total") == expected


def only_snapshot(directory: Path) -> str:
    (snapshot,) = directory.glob("*.prom")
    return snapshot.read_text(encoding="utf-8")


def test_clear_forgets_every_snapshot(tmp_path: Path) -> None:
    metrics_share.write_snapshot(tmp_path)
    (tmp_path / "4242.prom").write_text("", "utf-8")
    metrics_share.clear(tmp_path)
    assert not list(tmp_path.glob("*.prom"))


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        return str(response.read().decode())


def test_two_relay_processes_report_every_message_on_one_metrics_endpoint(
    repo_root: Path, tmp_path: Path
) -> None:
    config = tmp_path / "mailguard.yaml"
    config.write_text(
        "smtp: {listeners: [{port: 0}]}\nweb: {port: 0}\n"
        "processes: 2\nrun_without_policy: true\npolicy: none.yaml\n",
        encoding="utf-8",
    )
    # A snapshot from an earlier run must not be counted in this one.
    stale = tmp_path / "var" / "metrics"
    stale.mkdir(parents=True)
    (stale / "1.prom").write_text("mailguard_messages_received_total 1000\n", "utf-8")
    relay = ServeProcess(repo_root, tmp_path, config).start()
    try:
        snapshot = wait_for_worker_snapshot(stale, relay)
        for n in range(20):  # new connections: the kernel spreads them over both processes
            with smtplib.SMTP("127.0.0.1", relay.smtp_port, timeout=30) as client:
                client.sendmail("a@example.co.jp", ["b@example.co.jp"], make_mail(subject=f"{n}"))
        deadline = time.monotonic() + 30
        while (received := value(scrape(relay.web_port), "mailguard_messages_received_total")) < 20:
            assert time.monotonic() < deadline, f"only {received} of 20 counted\n{relay.stderr}"
            time.sleep(0.1)
        text = scrape(relay.web_port)
        assert received == 20
        assert value(text, "mailguard_smtp_sessions_total") == 20
        assert value(text, "mailguard_verdicts_total", action="pass") == 20
        by_worker = value(snapshot.read_text("utf-8"), "mailguard_messages_received_total")
        assert 0 < by_worker < 20, "both processes took mail, and both are counted"
    finally:
        relay.kill()


def wait_for_worker_snapshot(directory: Path, relay: ServeProcess) -> Path:
    """The worker's first snapshot: it is listening (and the stale one is gone)."""
    deadline = time.monotonic() + 30
    while not (snapshots := list(directory.glob("*.prom"))) or snapshots[0].name == "1.prom":
        assert time.monotonic() < deadline, f"no worker snapshot\n{relay.stderr}"
        time.sleep(0.05)
    (snapshot,) = snapshots
    return snapshot
