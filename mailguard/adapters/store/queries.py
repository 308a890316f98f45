"""Named SQL queries kept in ``.sql`` files, one file per database dialect.

A file is a sequence of blocks, each opened by a ``-- name: <query_name>`` line (the
procrastinate convention). Other ``--`` comment lines directly after the name are the query's
documentation and are dropped. Keeping SQL out of Python lets a reviewer read each backend's
queries side by side; both backends use the same dialect-neutral names.

Blocks named ``migration_<n>`` are schema migrations, applied in ascending ``n`` and recorded
by the backend (SQLite: ``PRAGMA user_version``). A migration is never edited once released:
add a new one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

_NAME_LINE = re.compile(r"^--\s*name:\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*$")
_MIGRATION = re.compile(r"^migration_(?P<version>\d+)$")


def parse_queries(text: str, *, source: str = "<sql>") -> Mapping[str, str]:
    """Split ``text`` into ``{name: sql}``; a duplicate or missing name is a packaging bug."""
    queries: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_doc = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        match = _NAME_LINE.match(line.strip())
        if match:
            name = match["name"]
            if name in queries:
                raise ValueError(f"{source}:{lineno}: query {name!r} defined twice")
            current = queries[name] = []
            in_doc = True
            continue
        if in_doc and line.lstrip().startswith("--"):
            continue
        in_doc = False
        if current is None:
            if line.strip() and not line.lstrip().startswith("--"):
                raise ValueError(f"{source}:{lineno}: SQL before the first '-- name:' line")
            continue
        current.append(line)
    return MappingProxyType({name: "\n".join(lines).strip() for name, lines in queries.items()})


def load_queries(package: str, resource: str) -> Mapping[str, str]:
    """The named queries of a ``.sql`` file shipped inside ``package``."""
    text = resources.files(package).joinpath(resource).read_text(encoding="utf-8")
    return parse_queries(text, source=f"{package}/{resource}")


def migrations(queries: Mapping[str, str]) -> list[tuple[int, str]]:
    """``(version, sql)`` for every ``migration_<n>`` block, oldest first."""
    found = []
    for name, sql in queries.items():
        match = _MIGRATION.match(name)
        if match:
            found.append((int(match["version"]), sql))
    return sorted(found)
