"""``mailguard user add/remove/list``: manage who may AUTH to the relay.

The password is read from a prompt (twice, not echoed) or, for scripts, from standard input
with ``--password-stdin``: never from the command line, where ``ps`` and shell history see it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from mailguard.adapters.smtp.users import hash_password, read_users, valid_name, write_users
from mailguard.core.config_load import load_config
from mailguard.core.errors import ConfigError, UserFileError


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "user", help="add, remove or list the users who may authenticate"
    )
    parser.add_argument("--config", help="the relay's config file (for smtp.users_file)")
    parser.add_argument("--users-file", help="the users file (overrides the config)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a user or change a password")
    add.add_argument("name", help="the user name: the address the user sends as")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    remove = actions.add_parser("remove", help="remove a user")
    remove.add_argument("name")
    actions.add_parser("list", help="list the user names")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        path = _users_file(args)
        users = read_users(path)
        if args.action == "list":
            for name in sorted(users):
                print(name)
            return 0
        if args.action == "remove":
            if users.pop(args.name, None) is None:
                print(f"mailguard user: no user {args.name!r} in {path}", file=sys.stderr)
                return 1
            write_users(path, users)
            print(f"removed {args.name}")
            return 0
        if not valid_name(args.name):
            print("mailguard user: a name has no spaces and no ':'", file=sys.stderr)
            return 2
        password = _read_password(args.password_stdin)
        if not password:
            print("mailguard user: the password is empty or did not match", file=sys.stderr)
            return 2
        users[args.name] = hash_password(password)
        write_users(path, users)
        print(f"saved {args.name} in {path}")
        return 0
    except (ConfigError, UserFileError) as exc:
        print(f"mailguard user: {exc}", file=sys.stderr)
        return 2


def _users_file(args: argparse.Namespace) -> str:
    if args.users_file:
        return str(args.users_file)
    config = load_config(args.config)
    if config.smtp.users_file is None:
        raise ConfigError(config.source, "smtp.users_file", "not set: pass --users-file")
    return config.smtp.users_file


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    return first if getpass.getpass("Again: ") == first else ""
