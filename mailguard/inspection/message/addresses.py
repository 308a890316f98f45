"""Address headers -> ``Address`` values, and the one normal form every check compares.

The normal form (``normalize_address``): the local part as written, the domain lower-cased
(Unicode case-folding after NFKC, so full-width ``ＥＸＡＭＰＬＥ.jp`` folds too), a trailing dot
dropped, and every ``xn--`` label decoded to Unicode. So ``ユーザー@XN--ECKWD4C7C.jp`` and
``ユーザー@例え.jp`` compare equal. The checks must put envelope recipients through the same
function.
"""

from __future__ import annotations

import unicodedata
from email.utils import getaddresses

from mailguard.inspection.message.headers import decode_header_text, unfold
from mailguard.inspection.message.model import Address


def normalize_domain(domain: str) -> str:
    labels = []
    for label in unicodedata.normalize("NFKC", domain.strip()).rstrip(".").split("."):
        labels.append(_decode_ace(label).casefold())
    return ".".join(labels)


def _decode_ace(label: str) -> str:
    if label[:4].lower() != "xn--":
        return label
    try:
        return label.lower().encode("ascii").decode("idna")
    except (UnicodeError, ValueError):
        return label  # not valid punycode: compare it as written


def normalize_address(addr: str) -> str:
    """``Local@Domain`` -> ``Local@domain`` in the normal form; strips ``<>`` and spaces."""
    addr = addr.strip().strip("<>").strip()
    local, at, domain = addr.rpartition("@")
    if not at:
        return addr
    return f"{local}@{normalize_domain(domain)}"


def parse_address_header(values: list[str]) -> tuple[Address, ...]:
    """Every address in the given raw header values (already 8-bit-decoded, still encoded-word
    encoded), with decoded display names. Garbage yields fewer addresses, never an error."""
    unfolded = [unfold(v) for v in values]
    try:
        pairs = getaddresses(unfolded)
    except Exception:  # getaddresses has raised on pathological input in past releases
        pairs = []
    found: list[Address] = []
    for name, addr in pairs:
        if not addr or "@" not in addr:
            continue
        display = " ".join(decode_header_text(name).split())
        found.append(Address(addr=normalize_address(addr), name=display))
    return tuple(found)
