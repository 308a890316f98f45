"""What a file *name* says about danger: executable extensions, double extensions, names that
hide their real extension (right-to-left override, runs of spaces), macro-enabled Office.

Content decides the type wherever bytes allow it; names matter too because Windows runs a file
by its extension: ``invoice.pdf.js`` is a script whatever its bytes look like.
"""

from __future__ import annotations

import unicodedata

EXECUTABLE_EXTENSIONS = frozenset(
    {"exe", "com", "scr", "pif", "cpl", "dll", "sys", "msi", "msp", "mst", "jar", "lnk", "url",
     "js", "jse", "vbs", "vbe", "wsf", "wsh", "wsc", "hta", "bat", "cmd", "ps1", "psm1", "psd1",
     "ps1xml", "reg", "inf", "scf", "chm", "appref-ms", "application", "gadget", "msc",
     "iso", "img", "vhd", "vhdx", "one", "xll", "sct", "ws", "sh", "command", "app"}
)  # fmt: skip
MACRO_EXTENSIONS = frozenset(
    {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppsm", "ppam", "sldm"}
)
_DECOY_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv", "jpg", "jpeg", "png",
     "gif", "zip", "rtf", "htm", "html", "mp3", "mp4", "odt", "xml", "eml", "msg"}
)  # fmt: skip
_HIDING_CHARS = frozenset("\u202e\u202d\u202a\u202b\u202c\u2066\u2067\u2068\u2069\u200e\u200f")


def extension_chain(filename: str) -> list[str]:
    """``"Invoice.PDF .exe. "`` -> ``["pdf", "exe"]``: lower-cased, after Windows' own
    trimming of trailing dots and spaces, width-folded so ``．ｅｘｅ`` counts."""
    base = unicodedata.normalize("NFKC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch not in _HIDING_CHARS).rstrip(" .")
    parts = base.lower().split(".")[1:]
    return [p.strip() for p in parts if p.strip()]


def name_reasons(filename: str) -> tuple[str, ...]:
    """Why the name alone is dangerous; empty when it is not."""
    reasons: list[str] = []
    if any(ch in _HIDING_CHARS for ch in filename):
        reasons.append("file name hides its real extension (right-to-left override)")
    chain = extension_chain(filename)
    if not chain:
        return tuple(reasons)
    last = chain[-1]
    if last in EXECUTABLE_EXTENSIONS:
        reasons.append(f"executable or script file name .{last}")
        if len(chain) > 1 and chain[-2] in _DECOY_EXTENSIONS:
            reasons.append(f"double extension .{chain[-2]}.{last}")
        elif "  " in filename or " ." in filename:
            reasons.append("spaces pushing the real extension out of view")
    elif last in MACRO_EXTENSIONS:
        reasons.append(f"macro-enabled Office file name .{last}")
    return tuple(reasons)
