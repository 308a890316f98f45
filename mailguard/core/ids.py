"""Ids: message ids (sortable by time, unguessable, safe in URLs, file names and headers) and
lease owners."""

from __future__ import annotations

import os
import platform
import secrets
import time


def new_message_id() -> str:
    """12 hex digits of milliseconds, then 16 random hex digits."""
    return f"{int(time.time() * 1000):012x}{secrets.token_hex(8)}"


def lease_owner() -> str:
    """Who holds a delivery lease: host and process, plus a random part, so a relay restarted
    with the same pid (a container's pid 1) does not inherit its old leases."""
    return f"{platform.node()}:{os.getpid()}:{secrets.token_hex(3)}"
