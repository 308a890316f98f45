"""The users file: who may AUTH, with salted scrypt password hashes.

One user per line, ``name:scrypt$N$r$p$salt$hash`` (salt and hash in base64), ``#`` starts a
comment. The user name is the address the user sends as (aliases come from the config). The
file is re-read when it changes, so ``mailguard user add`` takes effect without a restart.
Writes go through a temporary file and a rename, so the relay never reads half a file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from mailguard.core.errors import UserFileError

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
_KEY_LEN = 32
_SALT_LEN = 16


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(_SALT_LEN)
    key = _scrypt(password.encode("utf-8"), salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: bytes, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt, key = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(key)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(password: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, dklen=_KEY_LEN, maxmem=64 << 20)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


_DUMMY_HASH = hash_password(secrets.token_hex(8))
"""Checked against for unknown users, so a wrong name costs as long as a wrong password."""


def valid_name(name: str) -> bool:
    return bool(name) and ":" not in name and not any(c.isspace() for c in name)


def read_users(path: str) -> dict[str, str]:
    """User name -> encoded hash. A missing file means no users yet."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise UserFileError(f"{path}: cannot read the users file: {exc}") from exc
    users: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, encoded = line.partition(":")
        if not sep or not valid_name(name) or not encoded.startswith("scrypt$"):
            raise UserFileError(f"{path}:{number}: expected 'name:scrypt$...'")
        users[name] = encoded
    return users


def write_users(path: str, users: dict[str, str]) -> None:
    """Replace the file atomically, readable by its owner only (it holds password hashes)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    body = "".join(f"{name}:{encoded}\n" for name, encoded in sorted(users.items()))
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("# mailguard users: edit with `mailguard user add/remove`\n" + body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        raise UserFileError(f"{path}: cannot write the users file: {exc}") from exc


@dataclass
class Users:
    """The users file as the relay sees it: reloaded when its mtime changes."""

    path: str
    _users: dict[str, str] | None = None
    _mtime: float | None = None

    def verify(self, name: str, password: bytes) -> bool:
        """Blocking (scrypt takes tens of milliseconds): call it in a thread."""
        encoded = self._current().get(name)
        if encoded is None:
            verify_password(password, _DUMMY_HASH)
            return False
        return verify_password(password, encoded)

    def _current(self) -> dict[str, str]:
        try:
            mtime: float | None = os.stat(self.path).st_mtime
        except FileNotFoundError:
            mtime = None
        if self._users is None or mtime != self._mtime:
            self._users, self._mtime = read_users(self.path), mtime
        return self._users
