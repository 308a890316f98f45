"""What both attachment checks need: each attachment with its ``FileReport``, computed once.

Both ``unencrypted_attachment`` and ``dangerous_attachment`` look at every attachment's report;
inspecting a 10 MB archive twice would double the cost of the largest messages. The last
message's reports are kept (one slot, keyed by identity while we hold the message, so an id
cannot be reused); a different message replaces them.
"""

from __future__ import annotations

import unicodedata

from mailguard.formats import FileReport, inspect_file
from mailguard.message.model import Attachment, ParsedMessage

Reports = tuple[tuple[Attachment, FileReport], ...]

_last: tuple[ParsedMessage, Reports] | None = None


def attachment_reports(message: ParsedMessage) -> Reports:
    global _last
    cached = _last
    if cached is not None and cached[0] is message:
        return cached[1]
    reports = tuple((a, inspect_file(a.filename, a.data)) for a in message.attachments)
    _last = (message, reports)
    return reports


def not_decoded(attachment: Attachment) -> bool:
    """Listed with its size but not decoded (over the parser's size budget)."""
    return attachment.size > 0 and not attachment.data


def shown_name(attachment: Attachment) -> str:
    """The file name as an approver should read it: invisible direction and control
    characters made visible (``[U+202E]``) so ``report[U+202E]fdp.js`` cannot pose as a PDF,
    and where it was found when it was inside another file."""
    name = visible(attachment.filename or "(unnamed)")
    if attachment.path:
        return f"{name} (inside {visible(' / '.join(attachment.path))})"
    return name


def file_detail(attachment: Attachment) -> dict[str, str]:
    """``shown_name`` in parts (``file``, and ``inside`` when nested), for explanations written
    in other languages than the English message."""
    detail = {"file": visible(attachment.filename)}
    if attachment.path:
        detail["inside"] = visible(" / ".join(attachment.path))
    return detail


def visible(text: str) -> str:
    return "".join(
        f"[U+{ord(ch):04X}]" if unicodedata.category(ch) in ("Cf", "Cc") else ch for ch in text
    )
