"""Running one CLI command against the configured store: load the config, open, work, close.

Errors a user can act on (a bad config, an unreachable store, an unknown message) become one
line on stderr and exit status 2; the command's own result decides the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from mailguard.adapters.store.factory import open_store
from mailguard.core.config import Config
from mailguard.core.config_load import load_config
from mailguard.core.errors import MailguardError
from mailguard.workflow.ports.store import Store

Work = Callable[[Config, Store], Awaitable[int]]


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="YAML config file, as given to mailguard serve")


def run_with_store(args: argparse.Namespace, command: str, work: Work) -> int:
    try:
        config = load_config(args.config)
        return asyncio.run(_opened(config, work))
    except MailguardError as exc:
        print(f"mailguard {command}: {exc}", file=sys.stderr)
        return 2


async def _opened(config: Config, work: Work) -> int:
    store = open_store(config)
    await store.open()
    try:
        return await work(config, store)
    finally:
        await store.close()
