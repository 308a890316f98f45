"""The folders are the layers, and imports only point inward.

``mailguard/`` has one folder per layer, innermost first::

    core  <-  inspection  <-  workflow  <-  adapters  <-  runtime  <-  cli

A module may import its own layer and any layer inside it, never one outside. The two inner
layers are pure as well: no event loop, socket, database driver or web/SMTP framework, so the
same code runs in the relay, in an inspection process, in ``mailguard check`` and in a unit
test. The workflow may await (it runs on the event loop) but reaches the outside world only
through its ports (``workflow.ports``), never through a driver. A grep finds a violation today;
this test keeps it found when someone adds one tomorrow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LAYERS = ("core", "inspection", "workflow", "adapters", "runtime", "cli")
"""Innermost first: a layer may import itself and every layer before it."""

DRIVERS = ("socket", "aiohttp", "aiosmtpd", "aiosmtplib", "asyncpg", "sqlite3", "ssl")
FORBIDDEN_LIBRARIES = {
    "core": ("asyncio", *DRIVERS),
    "inspection": ("asyncio", *DRIVERS),
    "workflow": DRIVERS,
}
"""Libraries a layer may not import, whatever mailguard module it goes through."""

TOP_LEVEL = {"__init__.py", "__main__.py", "py.typed"}
"""The only files beside the layer folders: the package marker, ``python -m mailguard`` and
the typing marker."""


def layer_files(package: Path, layer: str) -> list[Path]:
    return sorted((package / layer).rglob("*.py"))


def imported_modules(tree: ast.AST, module: str = "") -> list[str]:
    """Every module an import statement names, ``from mailguard import web`` as
    ``mailguard.web`` so that spelling cannot slip past, and relative imports resolved
    against ``module`` (the importing module's dotted name)."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")[: -node.level]
                base = ".".join([*parent, base] if base else parent)
            names.append(base)
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "mailguard" and parts[1] in LAYERS:
        return parts[1]
    return None


def violations_of(layer: str, module: str, imported: str) -> str | None:
    """Why ``imported`` may not be imported from ``layer``, or None when it may."""
    target = layer_of(imported)
    if target is not None and LAYERS.index(target) > LAYERS.index(layer):
        return f"points outward to {target}"
    if imported.startswith("mailguard.") and target is None and imported != "mailguard.__version__":
        return "names no layer"
    for lib in FORBIDDEN_LIBRARIES.get(layer, ()):
        if imported == lib or imported.startswith(f"{lib}."):
            return f"{layer} may not use {lib}"
    return None


def test_the_top_of_the_package_is_only_the_layers(repo_root: Path) -> None:
    entries = {p.name for p in (repo_root / "mailguard").iterdir() if p.name != "__pycache__"}
    assert entries == set(LAYERS) | TOP_LEVEL


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_imports_only_inward(repo_root: Path, layer: str) -> None:
    files = layer_files(repo_root / "mailguard", layer)
    assert files, f"no modules found in mailguard/{layer}"
    found = []
    for path in files:
        module = ".".join(path.relative_to(repo_root).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        for imported in imported_modules(ast.parse(path.read_text(encoding="utf-8")), module):
            why = violations_of(layer, module, imported)
            if why:
                found.append(f"{path.relative_to(repo_root)}: {imported} ({why})")
    assert found == []


@pytest.mark.parametrize(
    ("layer", "source", "bad"),
    [
        ("inspection", "import asyncio", True),
        ("core", "from aiosmtpd.smtp import SMTP", True),
        ("inspection", "from mailguard import workflow", True),
        ("workflow", "from mailguard.adapters.web import pages", True),
        ("workflow", "import sqlite3 as db", True),
        ("workflow", "import asyncio", False),
        ("adapters", "from mailguard.workflow import metrics", False),
        ("core", "from mailguard.core.model import Finding", False),
        ("core", "from mailguard.inspection.names import normalize", True),
        ("runtime", "from mailguard.cli import main", True),
        ("inspection", "import asyncio_compat_lookalike", False),
        ("workflow", "from mailguard.store import base", True),
    ],
)
def test_the_check_itself_catches_each_spelling(layer: str, source: str, bad: bool) -> None:
    module = f"mailguard.{layer}.example"
    found = [
        m for m in imported_modules(ast.parse(source), module) if violations_of(layer, module, m)
    ]
    assert bool(found) is bad


def test_relative_imports_are_resolved() -> None:
    tree = ast.parse("from ..adapters import web")
    assert "mailguard.adapters.web" in imported_modules(tree, "mailguard.workflow.intake")
