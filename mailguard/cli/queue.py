"""``mailguard queue list|show|release|reject``: the held queue for operators at a shell.

Decisions taken here are the same conditional transitions the approval page makes, recorded
in the audit trail as ``operator:<login name>``; the sender is told as usual (the mail is
queued in the store and sent by the running relay). Everything printed from a message is
flattened to one line without control characters, so a hostile subject cannot drive the
operator's terminal.
"""

from __future__ import annotations

import argparse
import getpass
from datetime import UTC, datetime
from typing import Any

from mailguard.cli.storeaccess import add_config_argument, run_with_store
from mailguard.core.clock import system_clock
from mailguard.core.config import Config
from mailguard.core.errors import UnknownMessage
from mailguard.core.lifecycle import State
from mailguard.inspection.message.parse import parse_message
from mailguard.workflow.approval.decisions import Actor, Verdict
from mailguard.workflow.approval.workflow import Workflow
from mailguard.workflow.notify.headers import one_line
from mailguard.workflow.ports.store import Store, StoredMessage


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "queue", help="list, show, release or reject held messages"
    )
    actions = parser.add_subparsers(dest="queue_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list messages, newest first")
    add_config_argument(listing)
    listing.add_argument("--state", default="held", help="a state, or 'all' (default: held)")
    listing.add_argument("--sender", help="only this envelope sender")
    listing.add_argument("--limit", type=int, default=50)
    show = actions.add_parser("show", help="one message: envelope, findings, audit trail")
    show.add_argument("id")
    add_config_argument(show)
    for name in ("release", "reject"):
        decide = actions.add_parser(name, help=f"{name} a held message as an operator")
        decide.add_argument("id")
        decide.add_argument("--comment", default="", help="shown to the sender")
        add_config_argument(decide)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    async def work(config: Config, store: Store) -> int:
        if args.queue_action == "list":
            return await _list(store, args)
        if args.queue_action == "show":
            return await _show(store, args.id)
        return await _decide(config, store, args)

    return run_with_store(args, f"queue {args.queue_action}", work)


def _when(timestamp: float | None) -> str:
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


async def _list(store: Store, args: argparse.Namespace) -> int:
    states = [] if args.state == "all" else [State(args.state)]
    rows = await store.list_messages(states, sender=args.sender, limit=max(1, args.limit))
    for m in rows:
        kinds = ",".join(sorted({f.kind for f in m.decision.findings})) or "-"
        sender = one_line(m.envelope.mail_from, 80)
        print(
            f"{m.id}  {m.state.value:<10} {_when(m.received_at)}  {sender}"
            f"  rcpts={len(m.envelope.rcpt_tos)}  {kinds}"
        )
    return 0


async def _show(store: Store, message_id: str) -> int:
    message = await store.get(message_id, with_raw=True)
    if message is None:
        raise UnknownMessage(message_id)
    for line in _describe(message):
        print(line)
    print("audit:")
    for event in await store.audit_events(message_id=message_id):
        move = f" {event.from_state or '-'} -> {event.to_state}" if event.to_state else ""
        note = f"  {one_line(event.comment, 200)}" if event.comment else ""
        print(f"  {_when(event.at)}  {event.actor}  {event.event}{move}{note}")
    return 0


def _describe(message: StoredMessage) -> list[str]:
    parsed = parse_message(message.raw or b"")
    decision = message.decision
    lines = [
        f"id:         {message.id}",
        f"state:      {message.state.value}",
        f"received:   {_when(message.received_at)}",
        f"from:       {one_line(message.envelope.mail_from, 200)}",
        f"to:         {', '.join(one_line(r, 200) for r in message.envelope.rcpt_tos)}",
        f"subject:    {one_line(parsed.subject, 200)}",
        f"rules:      {', '.join(decision.rules) or '-'}",
        f"approvers:  {', '.join(decision.approvers) or '(nobody: admins alerted)'}",
        f"hold until: {_when(message.hold_until)} (then {decision.on_timeout})",
    ]
    if message.decided_by:
        lines.append(f"decided:    {message.decided_by} at {_when(message.decided_at)}")
    lines.append("findings:")
    lines.extend(f"  - {f.kind}: {one_line(f.message, 300)}" for f in decision.findings)
    return lines


async def _decide(config: Config, store: Store, args: argparse.Namespace) -> int:
    workflow = Workflow(config, store, clock=system_clock, wake=lambda: None, policy=lambda: None)
    actor = Actor("operator", getpass.getuser())
    verdict: Verdict = "released" if args.queue_action == "release" else "rejected"
    result = await workflow.decisions.moderate(args.id, actor, verdict, args.comment)
    if result.won:
        print(f"{args.queue_action}d {args.id} as {actor.label}")
        return 0
    decided = result.message.decided_by or "nobody"
    print(
        f"not {args.queue_action}d: {args.id} is {result.message.state.value} "
        f"(decided by {decided} at {_when(result.message.decided_at)})"
    )
    return 1
