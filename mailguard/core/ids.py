"""Message ids: sortable by time, unguessable, safe in URLs, file names and headers."""

from __future__ import annotations

import secrets
import time


def new_message_id() -> str:
    """12 hex digits of milliseconds, then 16 random hex digits."""
    return f"{int(time.time() * 1000):012x}{secrets.token_hex(8)}"
