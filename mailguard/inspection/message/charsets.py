"""Bytes -> text for the charsets Japanese mail really arrives in, never raising.

Mail labels lie: "Shift_JIS" text contains NEC/IBM extensions (①, ㈱, 髙) that only CP932
has, and "ISO-2022-JP" text contains half-width kana and JIS X 0212 that only the
``iso2022_jp_ext``/``iso2022_jp_2`` supersets accept. So each declared charset maps to the
superset real clients produce, and when the label is missing, unknown or wrong we try UTF-8,
then the Japanese encodings, and finally decode with replacement characters: checks prefer a
best-effort string to nothing.
"""

from __future__ import annotations

import codecs

_SUPERSETS: dict[str, tuple[str, ...]] = {
    "shift_jis": ("cp932",),
    "cp932": ("cp932",),
    "ms932": ("cp932",),
    "windows-31j": ("cp932",),
    "sjis": ("cp932",),
    "x-sjis": ("cp932",),
    "shift-jis": ("cp932",),
    "iso-2022-jp": ("iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_3"),
    "iso2022_jp": ("iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_3"),
    "csiso2022jp": ("iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_3"),
    "iso-2022-jp-2": ("iso2022_jp_2", "iso2022_jp_ext"),
    "euc-jp": ("euc_jis_2004", "euc_jp"),
    "x-euc-jp": ("euc_jis_2004", "euc_jp"),
    "us-ascii": ("utf-8",),
    "ascii": ("utf-8",),
    "utf8": ("utf-8",),
}
"""Declared label -> codecs to try, most likely first. US-ASCII is read as UTF-8 because
clients that declare it routinely send UTF-8 anyway."""

_GUESSES = ("utf-8", "cp932", "euc_jp")
"""Tried in order when the declared charset is absent or fails."""

_ESC = 0x1B


def _codecs_for(charset: str) -> tuple[str, ...]:
    label = charset.strip().strip('"').lower()
    if not label or label in ("unknown-8bit", "x-unknown", "8bit", "binary"):
        return ()
    mapped = _SUPERSETS.get(label)
    if mapped is not None:
        return mapped
    try:
        codecs.lookup(label)
    except (LookupError, ValueError):
        return ()
    return (label,)


def decode_bytes(data: bytes, charset: str | None = None) -> tuple[str, bool]:
    """Decode ``data`` as best we can. Returns ``(text, exact)``; ``exact`` is False when the
    declared charset was unusable and a guess or replacement characters were needed."""
    tried: set[str] = set()
    for name in _codecs_for(charset or ""):
        tried.add(name)
        try:
            return data.decode(name), True
        except (UnicodeError, LookupError, ValueError, TypeError):
            continue  # codecs for non-text (rot13, zlib...) raise LookupError or TypeError
    guesses: tuple[str, ...] = _GUESSES
    if data.isascii() and _ESC in data:
        guesses = ("iso2022_jp_ext", "iso2022_jp_2")
    elif data.isascii():
        return data.decode("ascii"), True
    for name in guesses:
        if name in tried:
            continue
        try:
            return data.decode(name), False
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace"), False


def to_bytes(text: str) -> bytes:
    """Text that may hold surrogate-escaped raw bytes -> bytes, whatever else it holds."""
    for codec, errors in (("ascii", "surrogateescape"), ("utf-8", "surrogateescape")):
        try:
            return text.encode(codec, errors)
        except UnicodeEncodeError:
            continue
    return text.encode("utf-8", "replace")


def decode_str_bytes(value: str) -> str:
    """Undo the ``surrogateescape`` the stdlib parser uses for raw 8-bit header bytes."""
    if value.isascii():
        return value
    try:
        raw = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value
    return decode_bytes(raw)[0]
