"""What the parser hands to the checks: decoded, bounded, and honest about defects."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Address:
    """A header address with its decoded display name (``"鈴木 一郎" <ichiro@a.example>``)."""

    addr: str
    """As written, with the domain lower-cased and IDNA-decoded to Unicode (U-label)."""
    name: str = ""

    @property
    def domain(self) -> str:
        return self.addr.rpartition("@")[2]


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    """Decoded (RFC 2047/2231, any charset); ``""`` when the part has none."""
    declared_type: str
    """The Content-Type the sender's client claimed, lower-cased, without parameters."""
    sniffed_type: str
    """What the bytes are, e.g. ``application/zip``, ``application/pdf``,
    ``application/x-cfb`` (OLE2), ``application/x-msdownload`` (PE),
    ``application/x-7z-compressed``, ``text/plain``, ``application/octet-stream``."""
    size: int
    data: bytes = field(repr=False)
    path: tuple[str, ...] = ()
    """Where it was found: ``("winmail.dat",)`` for a TNEF member, ``("fwd.eml",)`` for an
    attachment of a nested message."""
    inline: bool = False
    """Part of the body rather than a file the sender attached: an image in a
    ``multipart/related`` body with a ``Content-ID`` (HTML signatures, pasted screenshots) and
    no ``Content-Disposition: attachment``."""


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    from_: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    bcc: tuple[Address, ...]
    subject: str
    text: str
    """The sender's own text: the first text/plain body, else text from the HTML body with
    tags removed and entities decoded. Quoted replies are kept (checks decide what counts)."""
    attachments: tuple[Attachment, ...]
    defects: tuple[str, ...] = ()
    """Human-readable notes of what could not be parsed (bad base64, missing boundary ...)."""
    message_id: str = ""
