"""Safe accessors for one MIME part under ``compat32``: each returns plain ``str``/``bytes``
and never raises, whatever the part's headers contain.

``compat32`` hands back ``Header`` objects for 8-bit header values and RFC 2231 parameters as
``(charset, language, text)`` tuples whose text holds the raw bytes as Latin-1 code points;
both are turned into Unicode here with the charset superset rules of ``charsets``.
"""

from __future__ import annotations

from email.message import Message

from mailguard.inspection.message.charsets import decode_bytes
from mailguard.inspection.message.headers import decode_header_text, unfold

_FILENAME_SOURCES = (("filename", "content-disposition"), ("name", "content-type"))


def header_str(part: Message, name: str) -> str:
    """The first raw value of header ``name`` as text ('' when absent)."""
    for key, value in part.raw_items():
        if key.lower() == name and isinstance(value, str):
            return unfold(value)
    return ""


def content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # a Content-Type the stdlib cannot split
        return "application/octet-stream"


def part_charset(part: Message) -> str:
    value = _param(part, "charset", "content-type")
    return value if isinstance(value, str) else ""


def part_filename(part: Message) -> str:
    """Decoded file name: RFC 2231 (continuations, any charset), RFC 2047 words inside quotes
    (what most Japanese clients send), or raw 8-bit bytes."""
    for param, header in _FILENAME_SOURCES:
        value = _param(part, param, header)
        if value is None:
            continue
        if isinstance(value, tuple):
            charset, _language, text = value
            try:
                raw = text.encode("latin-1", "surrogateescape")
            except UnicodeEncodeError:  # already text (a malformed continuation mix)
                raw = text.encode("utf-8", "replace")
            name = decode_header_text(decode_bytes(raw, charset or "utf-8")[0])
        else:
            name = decode_header_text(value)
        name = " ".join(name.replace("\x00", "").split("\n"))
        if name.strip():
            return name.strip()
    return ""


def _param(part: Message, param: str, header: str) -> str | tuple[str, str, str] | None:
    """The parameter's value; the RFC 2231 form (``filename*=``) wins over the plain one
    when a client sends both, as RFC 2231 asks."""
    try:
        params = part.get_params(None, header) or []
    except Exception:  # malformed parameter syntax
        return None
    plain: str | None = None
    for key, value in params[1:]:
        if key.lower() != param:
            continue
        if isinstance(value, tuple):
            charset, language, text = value
            return (str(charset or ""), str(language or ""), str(text))
        if plain is None:
            plain = str(value).strip().strip('"')
    return plain
