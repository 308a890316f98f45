"""Time as a parameter, so the pure parts (retry, timeouts) are testable without sleeping."""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], float]
"""Seconds since the epoch, like ``time.time``."""

system_clock: Clock = time.time
