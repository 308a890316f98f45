"""``mailguard serve [--config FILE]``: run the relay until SIGTERM/SIGINT (SIGHUP reloads).

A config, policy or store that cannot be used stops it at start with the reason on stderr and
exit status 2 (1 for an address already in use or another OS error), so a supervisor's log
says what to fix.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from mailguard.app import Relay
from mailguard.config_load import load_config
from mailguard.errors import ConfigError, PolicyError, StoreUnavailable
from mailguard.logs import configure_logging


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "serve", help="run the relay (embedded defaults without --config)"
    )
    parser.add_argument("--config", help="YAML config file (see README: Configuration)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"mailguard serve: bad config: {exc}", file=sys.stderr)
        return 2
    configure_logging(config.log)
    relay = Relay(config)
    try:
        asyncio.run(relay.run(on_started=_announce))
    except (PolicyError, StoreUnavailable) as exc:
        print(f"mailguard serve: cannot start: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"mailguard serve: cannot start: {exc}", file=sys.stderr)
        return 1
    return 0


def _announce(relay: Relay) -> None:
    config = relay.config
    smtp = ", ".join(f"{host}:{port}" for host, port in relay.smtp_addresses)
    web = ", ".join(f"http://{host}:{port}" for host, port in relay.web_addresses)
    if config.upstream.kind == "smtp":
        out = f"SMTP to {config.upstream.host}:{config.upstream.port}"
    else:
        out = f"the Maildir {config.upstream.maildir}"
    print(f"mailguard: SMTP on {smtp}; web on {web}; delivering to {out}", flush=True)
