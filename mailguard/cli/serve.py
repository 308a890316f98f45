"""``mailguard serve [--config FILE]``: run the relay until SIGTERM/SIGINT (SIGHUP reloads).

A config, policy, store, users file or link signing key that cannot be used stops it at start
with the file, key and reason on stderr and exit status 2 (1 for an address already in use or
another OS error), so a supervisor's log says what to fix.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mailguard.core.config import Config
from mailguard.core.config_load import load_config
from mailguard.core.errors import ConfigError, MailguardError
from mailguard.runtime import metrics_share
from mailguard.runtime.logs import configure_logging
from mailguard.runtime.relay import Relay
from mailguard.runtime.workers import (
    Workers,
    as_worker,
    stop_when_orphaned,
    supervisor_pid,
    worker_ports,
)


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
    try:
        relay, on_started = _relay(args.config, config)
        asyncio.run(relay.run(on_started=on_started))
    except MailguardError as exc:
        # Whatever cannot be used at start (policy, store, users file, the link signing key)
        # names its file, key and reason; a traceback would bury them.
        print(f"mailguard serve: cannot start: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"mailguard serve: cannot start: {exc}", file=sys.stderr)
        return 1
    return 0


def _relay(config_path: str | None, config: Config) -> tuple[Relay, Callable[[Relay], None]]:
    """This process's relay: the only one, the supervisor of workers, or a worker."""
    ports = worker_ports()
    if ports is not None:
        relay = Relay(as_worker(config, ports), reuse_port=True, serve_web=False)
        return relay, _watch_supervisor(supervisor_pid(), metrics_share.share_dir(config.var_dir))
    # Snapshots left by an earlier run's workers counted that run's traffic, not this one's.
    metrics_share.clear(metrics_share.share_dir(config.var_dir))
    if config.processes > 1:
        return Relay(config, reuse_port=True), _with_workers(config_path, config)
    return Relay(config), _announce


def _watch_supervisor(parent: int, metrics_dir: Path) -> Callable[[Relay], None]:
    def started(relay: Relay) -> None:
        relay.spawn(stop_when_orphaned(parent))
        relay.spawn(metrics_share.publish(metrics_dir))  # the supervisor serves /metrics

    return started


def _with_workers(config_path: str | None, config: Config) -> Callable[[Relay], None]:
    workers = Workers(config_path, config.processes - 1, config.smtp.shutdown_grace_seconds + 15)

    def started(relay: Relay) -> None:
        relay.on_reload.append(lambda: workers.forward(signal.SIGHUP))
        relay.on_stopping.append(workers.stop)
        workers.start([port for _, port in relay.smtp_addresses])
        _announce(relay)

    return started


def _announce(relay: Relay) -> None:
    config = relay.config
    smtp = ", ".join(f"{host}:{port}" for host, port in relay.smtp_addresses)
    web = ", ".join(f"http://{host}:{port}" for host, port in relay.web_addresses)
    if config.upstream.kind == "smtp":
        out = f"SMTP to {config.upstream.host}:{config.upstream.port}"
    else:
        out = f"the Maildir {config.upstream.maildir}"
    procs = f" ({config.processes} processes)" if config.processes > 1 else ""
    print(f"mailguard: SMTP on {smtp}{procs}; web on {web}; delivering to {out}", flush=True)
