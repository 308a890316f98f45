"""The PostgreSQL store's named queries, with the SQLite file's ``:name`` parameters.

Both ``.sql`` files name their parameters the same way, so both stores build their parameters
with ``store/rows.py``. asyncpg only takes positional ``$n`` parameters: each query is
rewritten once at import, remembering which name goes to which position.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mailguard.adapters.store.queries import load_queries

_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
"""``:name``, but not the second colon of a ``::type`` cast nor a colon inside a word."""


@dataclass(frozen=True, slots=True)
class Query:
    sql: str
    names: tuple[str, ...]

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        """Positional arguments for ``params`` (a missing name is a bug: KeyError)."""
        return [params[name] for name in self.names]


def compile_query(sql: str) -> Query:
    names: list[str] = []

    def position(match: re.Match[str]) -> str:
        name = match[1]
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return Query(_PARAM.sub(position, sql), tuple(names))


_SQL = load_queries("mailguard.adapters.store", "sql/postgres.sql")

QUERIES: Mapping[str, Query] = {name: compile_query(sql) for name, sql in _SQL.items()}

AUDITED: Mapping[str, Query] = {
    name: compile_query(f"WITH changed AS (\n{_SQL[name]}\n)\n{_SQL['audit_changed']}")
    for name in ("insert_message", "transition", "finish", "mark_escalated")
}
"""Each write with its audit record as one statement (one round trip, one implicit
transaction); it returns the message id only when the write matched its row."""
