"""Does an encrypted PDF open without a password? (Standard security handler, R2-R6.)

Many PDFs carry an ``/Encrypt`` dictionary only to restrict printing or copying: the user
password is empty and any reader opens them silently. Such a file protects nothing in transit,
so the formats layer must not call it encrypted. We try the empty user password exactly as a
reader does: ISO 32000-1 algorithms 2, 4 and 5 (RC4/MD5, revisions 2-4), Adobe's SHA-256 check
(revision 5) and ISO 32000-2 algorithm 2.B (revision 6, AES via ``cryptography``).
"""

from __future__ import annotations

import hashlib
import re
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
_INT = {key: re.compile(rb"/" + key + rb"\s+(-?\d{1,12})\b") for key in (b"R", b"P", b"Length")}
_STRING_KEY = {key: re.compile(rb"/" + key + rb"\s*(?=[<(])") for key in (b"O", b"U")}
_ID = re.compile(rb"/ID\s*\[\s*(?=[<(])")
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}


def opens_without_password(encrypt_dict: bytes, trailer: bytes) -> bool:
    """``encrypt_dict``: the encryption dictionary's bytes; ``trailer``: the trailer (for
    ``/ID``). False whenever anything is missing or unknown: then the file stays encrypted."""
    top = _top_level(encrypt_dict)
    if b"/Standard" not in top:
        return False  # certificate or third-party handler: really encrypted for someone
    ints = {k: int(m.group(1)) for k, rx in _INT.items() if (m := rx.search(top))}
    owner, user = _string_at(top, _STRING_KEY[b"O"]), _string_at(top, _STRING_KEY[b"U"])
    revision = ints.get(b"R", 0)
    if owner is None or user is None:
        return False
    if revision == 5:
        return hashlib.sha256(user[32:40]).digest() == user[:32]
    if revision == 6:
        return _hash_r6(b"", user[32:40], b"") == user[:32]
    if revision not in (2, 3, 4) or b"P" not in ints:
        return False
    doc_id = _string_at(trailer, _ID) or b""
    length = min(16, max(5, ints.get(b"Length", 40) // 8)) if revision > 2 else 5
    metadata = b"/EncryptMetadata false" not in top
    key = _key_r2_r4(owner, ints[b"P"], doc_id, revision, length, metadata)
    if revision == 2:
        return _rc4(key, _PAD) == user[:32]
    check = _rc4(key, hashlib.md5(_PAD + doc_id).digest())  # noqa: S324 (the PDF spec's hash)
    for i in range(1, 20):
        check = _rc4(bytes(b ^ i for b in key), check)
    return check == user[:16]


def _key_r2_r4(owner: bytes, p: int, doc_id: bytes, revision: int, n: int, meta: bool) -> bytes:
    h = hashlib.md5(_PAD + owner[:32] + struct.pack("<I", p & 0xFFFFFFFF) + doc_id)  # noqa: S324
    if revision >= 4 and not meta:
        h.update(b"\xff\xff\xff\xff")
    key = h.digest()
    if revision >= 3:
        for _ in range(50):
            key = hashlib.md5(key[:n]).digest()  # noqa: S324
    return key[:n]


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) & 0xFF
        state[i], state[j] = state[j], state[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) & 0xFF
        j = (j + state[i]) & 0xFF
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) & 0xFF])
    return bytes(out)


def _hash_r6(password: bytes, salt: bytes, udata: bytes) -> bytes:
    k = hashlib.sha256(password + salt + udata).digest()
    rounds = 0
    while True:
        k1 = (password + k + udata) * 64
        encryptor = Cipher(algorithms.AES128(k[:16]), modes.CBC(k[16:32])).encryptor()
        e = encryptor.update(k1) + encryptor.finalize()
        k = (hashlib.sha256, hashlib.sha384, hashlib.sha512)[sum(e[:16]) % 3](e).digest()
        rounds += 1
        if rounds >= 64 and e[-1] <= rounds - 32:
            return k[:32]


def _top_level(dictionary: bytes) -> bytes:
    """The dictionary without its nested dictionaries (``/CF << ... /Length 16 >>`` must not
    answer for the top-level ``/Length``)."""
    inner = dictionary[2:] if dictionary.startswith(b"<<") else dictionary
    out, depth, i = bytearray(), 0, 0
    while i < len(inner):
        pair = inner[i : i + 2]
        if pair == b"<<":
            depth, i = depth + 1, i + 2
        elif pair == b">>":
            depth, i = depth - 1, i + 2
        else:
            if depth == 0:
                out.append(inner[i])
            i += 1
    return bytes(out)


def _string_at(data: bytes, key: re.Pattern[bytes]) -> bytes | None:
    match = key.search(data)
    if match is None:
        return None
    start = match.end()
    if data[start : start + 1] == b"<":
        end = data.find(b">", start)
        digits = re.sub(rb"[^0-9A-Fa-f]", b"", data[start + 1 : end if end >= 0 else None])
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())
    return _literal(data, start + 1)


def _literal(data: bytes, i: int) -> bytes:
    """A PDF literal string body starting after ``(``: escapes and balanced parentheses."""
    out, depth = bytearray(), 1
    while i < len(data):
        c = data[i]
        if c == 0x5C and i + 1 < len(data):  # backslash
            nxt = data[i + 1]
            if 0x30 <= nxt <= 0x37:  # up to three octal digits
                j = i + 1
                while j < min(i + 4, len(data)) and 0x30 <= data[j] <= 0x37:
                    j += 1
                out.append(int(data[i + 1 : j], 8) & 0xFF)
                i = j
                continue
            if nxt not in (0x0A, 0x0D):
                out += _ESCAPES.get(nxt, bytes([nxt]))
            i += 2
            continue
        depth += (c == 0x28) - (c == 0x29)
        if depth == 0:
            break
        out.append(c)
        i += 1
    return bytes(out)
