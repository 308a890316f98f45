"""``mailguard version``: which mailguard and which Python, for bug reports."""

from __future__ import annotations

import argparse
import platform
from typing import Any

from mailguard import __version__


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("version", help="print the version")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(f"mailguard {__version__} (Python {platform.python_version()})")
    return 0
