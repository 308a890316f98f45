"""Every Prometheus metric mailguard exports, declared once.

Names are prefixed ``mailguard_``; counters end in ``_total`` (prometheus-client adds it);
durations are in seconds. Labels have bounded cardinality: never an address, a subject or a
message id. The shell increments these; the core never imports this module.

Labelled counters whose label values are known in advance (actions, finding kinds, results,
outcomes) are created at zero here: a series that only appears after its first event makes
``rate()`` and alerts blind until then. The store-backed gauges (``held_messages``,
``queue_depth``) are set from the store when ``/metrics`` is scraped
(``mailguard.adapters.web.ops``), so every replica reports the same shared truth instead of
its own increments.
"""

from __future__ import annotations

import platform

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    disable_created_metrics,
)

from mailguard import __version__
from mailguard.core.lifecycle import State
from mailguard.core.model import Action, FindingKind

# ``*_created`` timestamps double the exposition for no use: Prometheus detects counter resets
# from the values themselves.
disable_created_metrics()  # type: ignore[no-untyped-call]  # untyped upstream
REGISTRY = CollectorRegistry(auto_describe=True)

smtp_sessions = Counter(
    "mailguard_smtp_sessions", "SMTP sessions opened by clients.", registry=REGISTRY
)
smtp_rejections = Counter(
    "mailguard_smtp_rejections",
    "SMTP commands refused, by reason (auth, relay, sender, size, recipients, policy, "
    "inspection, store, busy, timeout, smtputf8).",
    ["reason"],
    registry=REGISTRY,
)
messages_received = Counter(
    "mailguard_messages_received", "Messages accepted with 250 (stored).", registry=REGISTRY
)
verdicts = Counter(
    "mailguard_verdicts", "Policy decisions, by action.", ["action"], registry=REGISTRY
)
findings = Counter(
    "mailguard_findings", "Findings produced by the checks, by kind.", ["kind"], registry=REGISTRY
)
rule_matches = Counter(
    "mailguard_rule_matches",
    "Policy rule matches, by rule id and mode (enforced or monitor).",
    ["rule", "mode"],
    registry=REGISTRY,
)
held_messages = Gauge(
    "mailguard_held_messages", "Messages held for approval right now.", registry=REGISTRY
)
decisions = Counter(
    "mailguard_decisions",
    "Outcomes of held and delayed messages (released, rejected, withdrawn, timed_out, sent_now); "
    "quick is yes when the decision came within seconds of opening the page (hardly read).",
    ["outcome", "quick"],
    registry=REGISTRY,
)
decision_latency = Histogram(
    "mailguard_decision_latency_seconds",
    "Time from hold to decision.",
    buckets=(60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800),
    registry=REGISTRY,
)
approval_views_without_decision = Counter(
    "mailguard_approval_page_views_without_decision",
    "Approval page views (GET) that did not lead to a decision in the same visit; link "
    "scanners show up here.",
    registry=REGISTRY,
)
deliveries = Counter(
    "mailguard_deliveries",
    "Delivery attempts per message, by result (delivered, deferred, bounced).",
    ["result"],
    registry=REGISTRY,
)
queue_depth = Gauge(
    "mailguard_queue_depth", "Messages in the store, by state.", ["state"], registry=REGISTRY
)
inspection_seconds = Histogram(
    "mailguard_inspection_seconds",
    "Time to parse, check and decide one message.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
    registry=REGISTRY,
)
policy_reloads = Counter(
    "mailguard_policy_reloads",
    "Policy (re)loads, by result (ok, failed).",
    ["result"],
    registry=REGISTRY,
)
policy_info = Info(
    "mailguard_policy", "The policy in force: its file and content hash.", registry=REGISTRY
)
build_info = Info(
    "mailguard_build",
    "The running mailguard: its version and the Python it runs on.",
    registry=REGISTRY,
)
store_up = Gauge(
    "mailguard_store_up",
    "1 when the last scrape-time read of the store succeeded, 0 when it failed.",
    registry=REGISTRY,
)

build_info.info({"version": __version__, "python": platform.python_version()})
for _action in Action:
    verdicts.labels(_action.value)
for _kind in FindingKind:
    findings.labels(_kind.value)
for _result in ("delivered", "deferred", "bounced"):
    deliveries.labels(_result)
for _result in ("ok", "failed"):
    policy_reloads.labels(_result)
for _outcome in ("released", "rejected", "withdrawn", "timed_out", "sent_now"):
    for _quick in ("yes", "no"):
        decisions.labels(_outcome, _quick)
for _state in State:
    queue_depth.labels(_state.value)
