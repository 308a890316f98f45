"""``mailguard check``: what would the policy do with this message? (a contract)

    mailguard check --policy POLICY.yaml [--mail-from ADDR] [--rcpt ADDR]...
                    [--format json|text] MESSAGE.eml [MESSAGE.eml ...]

One JSON object per message and line: ``{"action", "findings", "rules", ...}``. Exit 0 for
every message it could read, whatever the action (a malformed message is inspected as far as
it goes); exit 2 with a message on stderr for an unreadable file or an invalid policy. The
text format, the default on a terminal, is for people trying out a policy.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from mailguard.core.errors import PolicyError
from mailguard.core.model import Decision, Envelope
from mailguard.inspection.inspector import Inspector
from mailguard.inspection.message.parse import parse_message
from mailguard.inspection.policy import load_policy


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "check", help="show what a policy decides for a message"
    )
    parser.add_argument("--policy", required=True, metavar="POLICY.yaml")
    parser.add_argument("--mail-from", default="", metavar="ADDR", help="default: From")
    parser.add_argument(
        "--rcpt", action="append", default=[], metavar="ADDR", help="default: To+Cc+Bcc"
    )
    parser.add_argument(
        "--format", choices=("json", "text"), help="default: text on a terminal, else json"
    )
    parser.add_argument("messages", nargs="+", metavar="MESSAGE.eml")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        inspector = Inspector(load_policy(args.policy))
    except PolicyError as exc:
        print(f"mailguard check: invalid policy: {exc}", file=sys.stderr)
        return 2
    text = args.format == "text" or (args.format is None and sys.stdout.isatty())
    status = 0
    for name in args.messages:
        try:
            raw = Path(name).read_bytes()
        except OSError as exc:
            print(f"mailguard check: cannot read {name}: {exc.strerror}", file=sys.stderr)
            status = 2
            continue
        message = parse_message(raw)
        rcpts = tuple(args.rcpt) or tuple(a.addr for a in (*message.to, *message.cc, *message.bcc))
        envelope = Envelope(mail_from=args.mail_from, rcpt_tos=rcpts)
        decision = inspector.decide_parsed(envelope, message)
        if text:
            print(render_text(name, envelope, decision))
        else:
            print(json.dumps(contract_json(name, decision), ensure_ascii=False))
    return status


def contract_json(name: str, decision: Decision) -> dict[str, Any]:
    """The contract keys first, then what helps an admin read the result."""
    result = decision.to_json()
    result["approvers"] = list(decision.approvers)
    if decision.reply is not None:
        result["reply"] = decision.reply
    if decision.delay_seconds:
        result["delay_seconds"] = decision.delay_seconds
    result["policy_hash"] = decision.policy_hash
    result["file"] = name
    return result


def render_text(name: str, envelope: Envelope, decision: Decision) -> str:
    lines = [f"{name}: {decision.action.value.upper()}"]
    lines.append(f"  recipients: {', '.join(envelope.rcpt_tos) or '(none)'}")
    for finding in decision.findings:
        about = " ".join(x for x in (finding.recipient, finding.attachment) if x)
        lines.append(f"  - {finding.kind}{f' [{about}]' if about else ''}: {finding.message}")
    for rule in decision.rules:
        monitor = " (monitor: not enforced)" if rule in decision.monitor_rules else ""
        lines.append(f"  rule {rule}{monitor}")
    if decision.reply:
        lines.append(f"  reply: {decision.reply}")
    if decision.delay_seconds:
        lines.append(f"  delay: {decision.delay_seconds:g}s")
    if decision.action.value == "hold":
        who = ", ".join(decision.approvers) or "nobody: stays held, admins alerted"
        lines.append(f"  approvers: {who}")
    return "\n".join(lines)
