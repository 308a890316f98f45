"""The one signature every check shares, and the settings they are built from.

A check is built once when the policy loads (``make(settings)``: precompute domain sets,
variant-kanji tables, directory indexes) and then called per message with a ``CheckContext``.
It returns findings and never raises for odd input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mailguard.message.model import ParsedMessage
from mailguard.model import Envelope, Finding


@dataclass(frozen=True, slots=True)
class CheckContext:
    envelope: Envelope
    message: ParsedMessage
    recipients: tuple[str, ...]
    """The recipients being decided on (the envelope's RCPT TO; for ``mailguard check``
    without ``--rcpt``, To+Cc+Bcc)."""
    sender: str
    """The envelope sender, else the From address."""


Check = Callable[[CheckContext], Sequence[Finding]]
"""Built once per policy load; called once per message."""
