"""The ``mailguard`` command: one module per subcommand, each with ``register(subparsers)``.

A subcommand module adds its parser and sets ``func`` to a callable taking the parsed
arguments and returning the exit status. Add new modules to ``_COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

_COMMANDS = (
    "mailguard.cli.version",
    "mailguard.cli.user",
    "mailguard.cli.serve",
    "mailguard.cli.db",
    "mailguard.cli.policy",
    "mailguard.cli.check",
    "mailguard.cli.queue",
    "mailguard.cli.audit",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mailguard",
        description="An SMTP relay that stops mis-sent email before it leaves the company.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMANDS:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    sys.stdout.flush()
    return status
