"""The one signature every check shares, and the settings they are built from.

A check is built once when the policy loads (``make(settings)``: precompute domain sets,
variant-kanji tables, directory indexes) and then called per message with a ``CheckContext``.
It returns findings and never raises for odd input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from mailguard.core.model import Envelope, Finding
from mailguard.inspection.formats import FileReport, inspect_file
from mailguard.inspection.message.model import Attachment, ParsedMessage

Reports = tuple[tuple[Attachment, FileReport], ...]


@dataclass(frozen=True)
class CheckContext:
    envelope: Envelope
    message: ParsedMessage
    recipients: tuple[str, ...]
    """The recipients being decided on (the envelope's RCPT TO; for ``mailguard check``
    without ``--rcpt``, To+Cc+Bcc)."""
    sender: str
    """The envelope sender, else the From address."""

    @cached_property
    def attachment_reports(self) -> Reports:
        """Each attachment with its ``FileReport``, inspected once per message however many
        checks read it (a 10 MB archive must not be read twice), and gone with the context.
        No slots: ``cached_property`` keeps its value in the instance ``__dict__``."""
        return tuple((a, inspect_file(a.filename, a.data)) for a in self.message.attachments)


Check = Callable[[CheckContext], Sequence[Finding]]
"""Built once per policy load; called once per message."""
