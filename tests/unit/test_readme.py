"""The README keeps up with the code: dependencies, commands, config keys and docs.

A newcomer reads the README first; each of these lists drifted at least once while the project
grew, so a test names what is missing instead of a reviewer finding it later.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import typing
from pathlib import Path

from mailguard.cli import build_parser
from mailguard.core.config import Config


def section(repo_root: Path, title: str) -> str:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"\n## {title}")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end != -1 else None]


def package_name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()


def test_every_dependency_is_explained(repo_root: Path) -> None:
    project = tomllib.loads((repo_root / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    text = section(repo_root, "Dependencies and why each is there").lower()
    missing = [
        name
        for name in map(package_name, wanted)
        if not re.search(rf"(?<!\w){re.escape(name)}(?![\w-])", text)
    ]
    assert missing == []


def test_every_subcommand_is_in_the_commands_table(repo_root: Path) -> None:
    parser = build_parser()
    (subparsers,) = [a for a in parser._actions if a.choices and a.dest == "command"]
    commands = set(typing.cast(dict[str, object], subparsers.choices))
    documented = set(re.findall(r"^\| `mailguard (\w+)", section(repo_root, "Commands"), re.M))
    assert documented == commands


def config_keys(cls: type[object], prefix: str = "") -> list[str]:
    keys: list[str] = []
    hints = typing.get_type_hints(cls)
    for field in dataclasses.fields(typing.cast(typing.Any, cls)):
        if field.name == "source":  # where the config came from, not a key
            continue
        inner = typing.get_args(hints[field.name]) or (hints[field.name],)
        nested = [t for t in inner if dataclasses.is_dataclass(t)]
        if nested:
            keys.extend(config_keys(typing.cast(type[object], nested[0]), f"{field.name}."))
        keys.append(prefix + field.name)
    return keys


def test_every_config_key_is_in_the_reference(repo_root: Path) -> None:
    text = section(repo_root, "Configuration")
    quoted = " ".join(re.findall(r"`([^`]+)`", text))
    missing = [
        key
        for key in config_keys(Config)
        if not re.search(rf"(?<!\w){re.escape(key.rsplit('.', 1)[-1])}(?!\w)", quoted)
    ]
    assert len(config_keys(Config)) > 50
    assert missing == []


def test_every_doc_is_linked(repo_root: Path) -> None:
    readme = (repo_root / "README.md").read_text(encoding="utf-8")
    docs = sorted(p.name for p in (repo_root / "docs").glob("*.md"))
    assert docs
    assert [name for name in docs if f"](docs/{name})" not in readme] == []


def test_the_layout_walks_real_paths_and_names_every_layer(repo_root: Path) -> None:
    """Every path the Layout section names exists, and every layer folder is in it: the walk of
    a message through the folders must not point at a module that moved."""
    layout = section(repo_root, "Layout: where the code is")
    named = set(re.findall(r"`((?:[a-z_]+/)+[a-z_]*(?:\.py)?)`", layout))
    missing = sorted(
        p
        for p in named
        if not any((base / p).exists() for base in (repo_root / "mailguard", repo_root))
    )
    assert missing == []
    layers = {p.name for p in (repo_root / "mailguard").iterdir() if p.is_dir()} - {"__pycache__"}
    assert sorted(layer for layer in layers if f"{layer}/" not in layout) == []
    assert len(named) > 20
