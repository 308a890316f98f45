"""Outlook's ``winmail.dat`` (``application/ms-tnef``): the files it carries.

Outlook wraps attachments in TNEF when it sends "rich text" mail; a relay that only looked at
MIME parts would see one opaque ``winmail.dat`` and miss a customer list inside it.
``tnefparse`` does the container; names are decoded here because tnefparse assumes UTF-8 while
Japanese Outlook writes CP932.
"""

from __future__ import annotations

from dataclasses import dataclass

from tnefparse.tnef import TNEF

from mailguard.inspection.message.charsets import decode_bytes

_LONG_FILENAME = 0x3707  # PR_ATTACH_LONG_FILENAME, a MAPI property


@dataclass(frozen=True, slots=True)
class TnefMember:
    filename: str
    data: bytes


def tnef_members(data: bytes) -> tuple[tuple[TnefMember, ...], str | None]:
    """The embedded files, and a defect note when the container is damaged."""
    try:
        tnef = TNEF(data, do_checksum=False)
    except Exception as exc:  # tnefparse raises anything from struct.error to UnboundLocalError
        return (), f"unreadable winmail.dat ({type(exc).__name__})"
    codepage = tnef.codepage or "cp932"
    members = []
    for attachment in tnef.attachments:
        payload = attachment.data if isinstance(attachment.data, bytes) else b""
        members.append(TnefMember(_name(attachment, codepage), payload))
    return tuple(members), None


def _name(attachment: object, codepage: str) -> str:
    for attr in getattr(attachment, "mapi_attrs", ()):
        if getattr(attr, "name", None) == _LONG_FILENAME:
            return _text(attr.data, codepage)
    return _text(getattr(attachment, "_name", b""), codepage)


def _text(value: object, codepage: str) -> str:
    if isinstance(value, list | tuple) and value:
        value = value[0]
    if isinstance(value, bytes):
        return decode_bytes(value, codepage)[0].strip("\x00").strip()
    return str(value).strip("\x00").strip() if value else ""
