"""``mailguard audit export [--since ISO-8601|DURATION] --format csv|jsonl``: the audit trail.

One record per state change, decision, notification and view, oldest first, with actor, time
(UTC, ISO 8601), client address, user agent and comment. ``--since`` takes a moment
(``2026-11-01``, ``2026-11-01T09:00:00+09:00``; without a zone, local time) or a duration back
from now (``24h``, ``7d``, ``90m``).

CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``)
get a leading apostrophe: comments come from approvers and senders, and an export is opened
in Excel more often than not.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

from mailguard.cli.storeaccess import add_config_argument, run_with_store
from mailguard.core.clock import system_clock
from mailguard.core.config import Config
from mailguard.core.errors import MailguardError
from mailguard.inspection.policy.durations import parse_duration
from mailguard.workflow.ports.store import AuditEvent, Store

FIELDS = (
    "at",
    "message_id",
    "actor",
    "event",
    "from_state",
    "to_state",
    "client_addr",
    "user_agent",
    "comment",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class BadSince(MailguardError):
    def __init__(self, text: str) -> None:
        super().__init__(
            f"--since {text!r} is neither an ISO-8601 time (2026-11-01T09:00) "
            "nor a duration (24h, 7d)"
        )


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("audit", help="export the audit trail")
    actions = parser.add_subparsers(dest="audit_action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write audit records to stdout")
    export.add_argument("--since", help="ISO-8601 time or a duration back from now (24h, 7d)")
    export.add_argument("--format", choices=("csv", "jsonl"), required=True)
    add_config_argument(export)
    parser.set_defaults(func=run)


def parse_since(text: str, now: float) -> float:
    seconds = parse_duration(text)
    if seconds is not None:
        return now - seconds
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadSince(text) from exc
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.timestamp()


def run(args: argparse.Namespace) -> int:
    async def work(config: Config, store: Store) -> int:
        since = None if args.since is None else parse_since(args.since, system_clock())
        events = await store.audit_events(since=since)
        write(events, args.format, sys.stdout)
        return 0

    return run_with_store(args, "audit export", work)


def record(event: AuditEvent) -> dict[str, str]:
    return {
        "at": datetime.fromtimestamp(event.at, UTC).isoformat(timespec="milliseconds"),
        "message_id": event.message_id,
        "actor": event.actor,
        "event": event.event,
        "from_state": event.from_state.value if event.from_state else "",
        "to_state": event.to_state.value if event.to_state else "",
        "client_addr": event.client_addr,
        "user_agent": event.user_agent,
        "comment": event.comment,
    }


def write(events: Iterable[AuditEvent], fmt: str, out: TextIO) -> None:
    if fmt == "jsonl":
        for event in events:
            out.write(json.dumps(record(event), ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for event in events:
        writer.writerow({k: _cell(v) for k, v in record(event).items()})


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
