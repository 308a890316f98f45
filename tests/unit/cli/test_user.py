"""``mailguard user``: add with --password-stdin, list, remove, and the refusals."""

from __future__ import annotations

import subprocess
import sys

from mailguard.adapters.smtp.users import Users


def mailguard(repo_root, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailguard", "user", *args],
        cwd=repo_root,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_add_list_remove(repo_root, tmp_path) -> None:
    users = str(tmp_path / "users")
    added = mailguard(
        repo_root,
        "--users-file",
        users,
        "add",
        "taro@example.co.jp",
        "--password-stdin",
        stdin="s3cret\n",
    )
    assert added.returncode == 0, added.stderr
    assert Users(users).verify("taro@example.co.jp", b"s3cret")
    assert mailguard(repo_root, "--users-file", users, "list").stdout == "taro@example.co.jp\n"
    assert (
        mailguard(repo_root, "--users-file", users, "remove", "taro@example.co.jp").returncode == 0
    )
    assert mailguard(repo_root, "--users-file", users, "list").stdout == ""


def test_removing_an_unknown_user_fails(repo_root, tmp_path) -> None:
    result = mailguard(repo_root, "--users-file", str(tmp_path / "u"), "remove", "nobody@x.jp")
    assert result.returncode == 1
    assert "no user" in result.stderr


def test_an_empty_password_is_refused(repo_root, tmp_path) -> None:
    result = mailguard(
        repo_root,
        "--users-file",
        str(tmp_path / "u"),
        "add",
        "a@x.jp",
        "--password-stdin",
        stdin="\n",
    )
    assert result.returncode == 2


def test_without_a_users_file_in_the_config_it_says_so(repo_root, tmp_path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("smtp: {max_recipients: 3}\n", encoding="utf-8")
    result = mailguard(repo_root, "--config", str(config), "list")
    assert result.returncode == 2
    assert "smtp.users_file" in result.stderr
