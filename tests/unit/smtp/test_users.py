"""The users file: salted scrypt hashes, atomic rewrite, reload on change, clear refusals."""

from __future__ import annotations

import os
import stat

import pytest

from mailguard.adapters.smtp.users import (
    Users,
    hash_password,
    read_users,
    verify_password,
    write_users,
)
from mailguard.core.errors import UserFileError


def test_a_hash_verifies_its_password_only() -> None:
    encoded = hash_password("correct horse")
    assert encoded.startswith("scrypt$")
    assert verify_password(b"correct horse", encoded)
    assert not verify_password(b"correct hors", encoded)


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password("same") != hash_password("same")


def test_a_garbled_hash_never_verifies() -> None:
    assert not verify_password(b"x", "scrypt$notanumber$8$1$AAAA$AAAA")
    assert not verify_password(b"x", "md5$abc")


def test_written_users_read_back_and_the_file_is_private(tmp_path) -> None:
    path = str(tmp_path / "sub" / "users")
    write_users(path, {"taro@example.co.jp": hash_password("pw")})
    assert list(read_users(path)) == ["taro@example.co.jp"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_users_are_reloaded_when_the_file_changes(tmp_path) -> None:
    path = str(tmp_path / "users")
    users = Users(path)
    assert not users.verify("hanako@example.co.jp", b"pw")
    write_users(path, {"hanako@example.co.jp": hash_password("pw")})
    os.utime(path, (1, 1))  # an mtime surely different from the (missing) one seen before
    assert users.verify("hanako@example.co.jp", b"pw")
    assert not users.verify("hanako@example.co.jp", b"wrong")


def test_a_malformed_line_is_refused_with_its_line_number(tmp_path) -> None:
    path = tmp_path / "users"
    path.write_text("# users\nbob:plaintext\n", encoding="utf-8")
    with pytest.raises(UserFileError, match=r"users:2: expected"):
        read_users(str(path))
