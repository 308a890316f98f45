"""``mailguard policy validate FILE``: check a policy before the relay loads it.

Exit 0 with a one-line summary (and warnings for valid but doubtful settings), or 2 with
``file:line: key: reason`` on stderr — the same message the relay logs when a reload is
refused, so an admin can fix it before deploying.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mailguard.core.errors import PolicyError
from mailguard.inspection.policy import Policy, load_policy
from mailguard.inspection.policy.warnings import policy_warnings


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("policy", help="work with policy files")
    actions = parser.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    validate = actions.add_parser("validate", help="check a policy file and its directory")
    validate.add_argument("file", metavar="FILE")
    validate.set_defaults(func=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    try:
        policy = load_policy(args.file)
    except PolicyError as exc:
        print(f"invalid policy: {exc}", file=sys.stderr)
        return 2
    print(summary(policy))
    for warning in policy_warnings(policy):
        print(f"warning: {warning}")
    return 0


def summary(policy: Policy) -> str:
    monitor = sum(1 for rule in policy.rules if not rule.enforced)
    return (
        f"{policy.source}: OK, policy {policy.policy_hash}: "
        f"{len(policy.rules)} rules ({monitor} monitor), "
        f"{len(policy.approver_groups)} approver groups, "
        f"{len(policy.sender_groups)} sender groups, "
        f"{len(policy.directory_files)} directory files ({policy.directory_size} contacts)"
    )
