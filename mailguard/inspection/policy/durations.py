"""Durations as admins write them: ``90`` (seconds), ``30s``, ``5m``, ``2h``, ``1d``, ``1h30m``.

A bare number is seconds because that is what every other tool means by it; units are one
letter so that ``5m`` can never be read as months.
"""

from __future__ import annotations

import re

from mailguard.inspection.policy.yamltree import PolicyNode

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_WHOLE = re.compile(r"(?:\d+[smhd])+")
_PART = re.compile(r"(\d+)([smhd])")


def parse_duration(text: str) -> float | None:
    """Seconds, or None when ``text`` is not a duration."""
    text = text.strip().lower()
    if text.isdigit():
        return float(text)
    if not _WHOLE.fullmatch(text):
        return None
    return float(sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(text)))


def duration(node: PolicyNode) -> float:
    """A positive duration from a policy value, or a ``PolicyError`` at its line."""
    text = node.scalar_text()
    seconds = None if text is None else parse_duration(text)
    if seconds is None:
        raise node.error("expected a duration such as 90s, 5m, 2h or 1d")
    if seconds <= 0:
        raise node.error("a duration must be longer than zero")
    return seconds
