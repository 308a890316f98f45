"""How both attachment checks name files to an approver, and which ones were not decoded.

The reports themselves are computed once per message by ``CheckContext.attachment_reports``.
"""

from __future__ import annotations

import unicodedata

from mailguard.inspection.message.model import Attachment


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
