"""The pure core stays pure: imports point inward, never out to I/O.

The core (parsing, checks, names, policy, the model) must run in a test, in ``mailguard check``
and in an inspection process without an event loop, a socket or a store. A grep finds a
violation today; this test keeps it found when someone adds one tomorrow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = ("message", "formats", "names", "checks", "policy", "model", "states", "retry", "explain")
"""Core packages and modules under ``mailguard/`` (a name not present yet is skipped)."""

FORBIDDEN = (
    "asyncio",
    "socket",
    "aiohttp",
    "aiosmtpd",
    "aiosmtplib",
    "asyncpg",
    "sqlite3",
    "mailguard.store",
    "mailguard.smtp",
    "mailguard.web",
    "mailguard.delivery",
    "mailguard.notify",
    "mailguard.app",
)


def core_files(package: Path) -> list[Path]:
    files: list[Path] = []
    for name in CORE:
        if (package / name).is_dir():
            files.extend(sorted((package / name).rglob("*.py")))
        elif (package / f"{name}.py").is_file():
            files.append(package / f"{name}.py")
    return files


def imported_modules(tree: ast.AST) -> list[str]:
    """Every module an import statement names, ``from mailguard import web`` as
    ``mailguard.web`` so that spelling cannot slip past."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def is_forbidden(module: str) -> bool:
    return any(module == bad or module.startswith(f"{bad}.") for bad in FORBIDDEN)


def test_core_modules_are_found(repo_root: Path) -> None:
    files = core_files(repo_root / "mailguard")
    assert len(files) > 20
    assert repo_root / "mailguard" / "model.py" in files


def test_no_core_module_imports_io(repo_root: Path) -> None:
    package = repo_root / "mailguard"
    violations = [
        f"{path.relative_to(repo_root)}: {module}"
        for path in core_files(package)
        for module in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
        if is_forbidden(module)
    ]
    assert violations == []


@pytest.mark.parametrize(
    ("source", "bad"),
    [
        ("import asyncio", True),
        ("from aiosmtpd.smtp import SMTP", True),
        ("from mailguard import store", True),
        ("from mailguard.web.app import make_app", True),
        ("import sqlite3 as db", True),
        ("from mailguard import metrics", False),
        ("from mailguard.model import Finding", False),
        ("import asyncio_compat_lookalike", False),
    ],
)
def test_the_check_itself_catches_each_spelling(source: str, bad: bool) -> None:
    assert any(is_forbidden(m) for m in imported_modules(ast.parse(source))) is bad
